package dev.grad4j.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ShapeTest {

    @Test
    void ofKeepsDimensionsAndCountsElements() {
        Shape s = Shape.of(2, 3, 4);
        assertThat(s.rank()).isEqualTo(3);
        assertThat(s.size()).isEqualTo(24);
        assertThat(s.toArray()).containsExactly(2, 3, 4);
    }

    @Test
    void scalarHasRankZeroAndOneElement() {
        assertThat(Shape.scalar().rank()).isZero();
        assertThat(Shape.scalar().size()).isEqualTo(1);
        assertThat(Shape.of()).isEqualTo(Shape.scalar());
        assertThat(Shape.scalar()).hasToString("[]");
    }

    @Test
    void zeroDimensionsGiveNoElements() {
        assertThat(Shape.of(2, 0, 3).size()).isZero();
        assertThat(Shape.of(0).rank()).isEqualTo(1);
    }

    @Test
    void dimCountsNegativeIndicesFromTheEnd() {
        Shape s = Shape.of(2, 3, 4);
        assertThat(s.dim(0)).isEqualTo(2);
        assertThat(s.dim(2)).isEqualTo(4);
        assertThat(s.dim(-1)).isEqualTo(4);
        assertThat(s.dim(-3)).isEqualTo(2);
    }

    @Test
    void dimOutOfRangeIsRejected() {
        Shape s = Shape.of(2, 3);
        assertThatThrownBy(() -> s.dim(2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("axis 2 out of range for shape [2, 3]");
        assertThatThrownBy(() -> s.dim(-3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("axis -3");
        assertThatThrownBy(() -> Shape.scalar().dim(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void axisNamesTheOperation() {
        assertThat(Shape.of(2, 3).axis("sum", -1)).isEqualTo(1);
        assertThatThrownBy(() -> Shape.of(2, 3).axis("sum", 5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("sum: axis 5 out of range for shape [2, 3]");
    }

    @Test
    void toStringIsBracketedList() {
        assertThat(Shape.of(2, 3)).hasToString("[2, 3]");
        assertThat(Shape.of(7)).hasToString("[7]");
    }

    @Test
    void toArrayIsACopy() {
        int[] dims = {2, 3};
        Shape s = Shape.of(dims);
        dims[0] = 99;
        assertThat(s.dim(0)).isEqualTo(2);
        s.toArray()[1] = 99;
        assertThat(s.dim(1)).isEqualTo(3);
    }

    @Test
    void stridesAreRowMajor() {
        assertThat(Shape.of(2, 3, 4).strides()).containsExactly(12, 4, 1);
        assertThat(Shape.scalar().strides()).isEmpty();
    }

    @Test
    void equalityAndHashFollowDimensions() {
        assertThat(Shape.of(2, 3)).isEqualTo(Shape.of(2, 3)).hasSameHashCodeAs(Shape.of(2, 3));
        assertThat(Shape.of(2, 3)).isNotEqualTo(Shape.of(3, 2)).isNotEqualTo(Shape.of(2, 3, 1));
        assertThat(Shape.of(2, 3)).isNotEqualTo("[2, 3]");
    }

    @Test
    void negativeDimensionIsRejected() {
        assertThatThrownBy(() -> Shape.of(2, -1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("negative dimension").hasMessageContaining("[2, -1]");
    }

    @Test
    void overflowingSizeIsRejected() {
        assertThatThrownBy(() -> Shape.of(1 << 16, 1 << 16)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("too many elements");
    }

    @Test
    void nullDimsIsRejected() {
        assertThatThrownBy(() -> Shape.of((int[]) null)).isInstanceOf(NullPointerException.class);
    }

    static Stream<Arguments> broadcastTable() {
        return Stream.of(
                Arguments.of(new int[] {}, new int[] {}, new int[] {}),
                Arguments.of(new int[] {}, new int[] {2, 3}, new int[] {2, 3}),
                Arguments.of(new int[] {2, 3}, new int[] {}, new int[] {2, 3}),
                Arguments.of(new int[] {2, 3}, new int[] {2, 3}, new int[] {2, 3}),
                Arguments.of(new int[] {2, 3}, new int[] {3}, new int[] {2, 3}),
                Arguments.of(new int[] {3}, new int[] {2, 3}, new int[] {2, 3}),
                Arguments.of(new int[] {2, 1}, new int[] {1, 3}, new int[] {2, 3}),
                Arguments.of(new int[] {4, 1, 3}, new int[] {2, 1}, new int[] {4, 2, 3}),
                Arguments.of(new int[] {1}, new int[] {5}, new int[] {5}),
                Arguments.of(new int[] {0}, new int[] {1}, new int[] {0}),
                Arguments.of(new int[] {2, 0}, new int[] {1}, new int[] {2, 0}),
                Arguments.of(new int[] {0, 3}, new int[] {3}, new int[] {0, 3}),
                Arguments.of(new int[] {1, 1}, new int[] {1}, new int[] {1, 1}),
                Arguments.of(new int[] {5, 1, 1}, new int[] {1, 1, 6}, new int[] {5, 1, 6}),
                Arguments.of(new int[] {1, 2, 1, 4}, new int[] {2, 3, 1}, new int[] {1, 2, 3, 4}));
    }

    @ParameterizedTest(name = "{index}: broadcast")
    @MethodSource("broadcastTable")
    void broadcastFollowsNumPyRules(int[] a, int[] b, int[] expected) {
        assertThat(Shape.broadcast(Shape.of(a), Shape.of(b)).toArray()).containsExactly(expected);
        assertThat(Shape.broadcast(Shape.of(b), Shape.of(a)).toArray()).containsExactly(expected);
        assertThat(Naive.broadcast(a, b)).containsExactly(expected);
    }

    static Stream<Arguments> incompatibleTable() {
        return Stream.of(
                Arguments.of(new int[] {2}, new int[] {3}),
                Arguments.of(new int[] {2, 3}, new int[] {2}),
                Arguments.of(new int[] {2, 3}, new int[] {3, 2}),
                Arguments.of(new int[] {0}, new int[] {2}),
                Arguments.of(new int[] {4, 1, 3}, new int[] {2, 2}));
    }

    @ParameterizedTest(name = "{index}: incompatible")
    @MethodSource("incompatibleTable")
    void incompatibleShapesAreRejectedNamingBoth(int[] a, int[] b) {
        Shape sa = Shape.of(a);
        Shape sb = Shape.of(b);
        assertThatThrownBy(() -> Shape.broadcast(sa, sb)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("broadcast: shapes cannot be broadcast together: " + sa + " and " + sb);
        assertThatThrownBy(() -> Shape.broadcast("add", sa, sb)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("add: ");
    }
}
