package dev.grad4j.autograd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.grad4j.tensor.NDArray;
import dev.grad4j.tensor.Shape;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Finite-difference checks of transpose and reshape. */
class ShapeOpsTest {

    static Stream<Arguments> transposes() {
        List<Arguments> cases = new ArrayList<>();
        for (int[] s : new int[][] {{2, 3}, {2, 3, 4}, {1, 2, 1, 3}}) {
            int rank = s.length;
            for (int i = -rank; i < rank; i++) {
                for (int j = 0; j < rank; j++) {
                    cases.add(Arguments.of(s, i, j));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} ({1}, {2})")
    @MethodSource("transposes")
    void transpose(int[] dims, int d0, int d1) {
        GradCheck.assertClose(xs -> xs.get(0).transpose(d0, d1), Inputs.randn(1, dims));
    }

    static Stream<Arguments> reshapes() {
        return Stream.of(
                Arguments.of(new int[] {2, 3}, new int[] {3, 2}),
                Arguments.of(new int[] {2, 3}, new int[] {-1}),
                Arguments.of(new int[] {2, 3, 4}, new int[] {4, -1}),
                Arguments.of(new int[] {6}, new int[] {1, 2, 1, 3}),
                Arguments.of(new int[] {1}, new int[] {}),
                Arguments.of(new int[] {}, new int[] {1, 1}));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("reshapes")
    void reshape(int[] from, int[] to) {
        GradCheck.assertClose(xs -> xs.get(0).reshape(to), Inputs.randn(2, from));
    }

    @Test
    void reshapeThenBroadcastingUse() {
        // the gradient flows back through reshape into a broadcast product
        GradCheck.assertClose(xs -> xs.get(0).reshape(3, 1).mul(xs.get(1)), Inputs.randn(3, 3), Inputs.randn(4, 2, 3, 4));
    }

    @Test
    void reshapeDoesNotChangeItsInput() {
        Tensor x = Tensor.var("x", NDArray.of(new float[] {1, 2, 3, 4}, 2, 2));
        Tensor y = x.reshape(-1);
        assertThat(y.shape()).isEqualTo(Shape.of(4));
        assertThat(x.shape()).isEqualTo(Shape.of(2, 2));
        assertThat(y.op()).isEqualTo("reshape");
    }
}
