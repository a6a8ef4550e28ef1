package dev.grad4j.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class NDArrayTest {

    // ---- factories ----------------------------------------------------------------------------

    @Test
    void ofCopiesDataAndKeepsShape() {
        float[] data = {1, 2, 3, 4, 5, 6};
        NDArray x = NDArray.of(data, 2, 3);
        data[0] = 99;
        assertThat(x.shape()).isEqualTo(Shape.of(2, 3));
        assertThat(x.size()).isEqualTo(6);
        assertThat(x.toArray()).containsExactly(1, 2, 3, 4, 5, 6);
    }

    @Test
    void wrapTakesOwnership() {
        float[] data = {1, 2};
        NDArray x = NDArray.wrap(data, 2);
        assertThat(x.toArray()).containsExactly(1, 2);
    }

    @Test
    void zerosOnesFullScalar() {
        assertThat(NDArray.zeros(2, 2).toArray()).containsExactly(0, 0, 0, 0);
        assertThat(NDArray.ones(3).toArray()).containsExactly(1, 1, 1);
        assertThat(NDArray.full(2.5f, 1, 2).toArray()).containsExactly(2.5f, 2.5f);
        NDArray s = NDArray.scalar(7f);
        assertThat(s.shape()).isEqualTo(Shape.scalar());
        assertThat(s.item()).isEqualTo(7f);
        assertThat(NDArray.zeros().shape()).isEqualTo(Shape.scalar());
        assertThat(NDArray.zeros(0, 3).size()).isZero();
    }

    @Test
    void randomFactoriesAreSeededAndInRange() {
        NDArray a = NDArray.rand(new SplittableRandom(7), 100);
        NDArray b = NDArray.rand(new SplittableRandom(7), 100);
        assertThat(a).isEqualTo(b);
        for (float v : a.toArray()) {
            assertThat(v).isBetween(0f, 1f).isNotEqualTo(1f);
        }
        NDArray n1 = NDArray.randn(new SplittableRandom(3), 4, 50);
        NDArray n2 = NDArray.randn(new SplittableRandom(3), 4, 50);
        assertThat(n1).isEqualTo(n2);
        assertThat(n1).isNotEqualTo(NDArray.randn(new SplittableRandom(4), 4, 50));
        double mean = 0;
        for (float v : n1.toArray()) {
            mean += v / 200.0;
        }
        assertThat(mean).isBetween(-0.3, 0.3);
    }

    // ---- readers ------------------------------------------------------------------------------

    @Test
    void getReadsRowMajor() {
        NDArray x = NDArray.of(new float[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, 2, 3, 2);
        assertThat(x.get(0, 0, 0)).isEqualTo(0f);
        assertThat(x.get(0, 2, 1)).isEqualTo(5f);
        assertThat(x.get(1, 0, 0)).isEqualTo(6f);
        assertThat(x.get(1, 2, 1)).isEqualTo(11f);
        assertThat(NDArray.scalar(4f).get()).isEqualTo(4f);
    }

    @Test
    void itemNeedsExactlyOneElement() {
        assertThat(NDArray.of(new float[] {3}, 1, 1).item()).isEqualTo(3f);
        assertThatThrownBy(() -> NDArray.zeros(2).item()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("item").hasMessageContaining("[2]");
        assertThatThrownBy(() -> NDArray.zeros(0).item()).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void toArrayAndCopyAreIndependent() {
        NDArray x = NDArray.of(new float[] {1, 2, 3}, 3);
        float[] out = x.toArray();
        out[0] = 99;
        assertThat(x.get(0)).isEqualTo(1f);
        NDArray c = x.copy();
        assertThat(c).isEqualTo(x).isNotSameAs(x);
        Backend.cpu().scaleInPlace(c, 2f);
        assertThat(x.toArray()).containsExactly(1, 2, 3);
    }

    @Test
    void copyToWritesAtOffset() {
        float[] dst = new float[5];
        NDArray.of(new float[] {1, 2}, 2).copyTo(dst, 2);
        assertThat(dst).containsExactly(0, 0, 1, 2, 0);
        assertThatThrownBy(() -> NDArray.of(new float[] {1, 2}, 2).copyTo(dst, 4))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("copyTo");
        assertThatThrownBy(() -> NDArray.of(new float[] {1, 2}, 2).copyTo(dst, -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("copyTo");
    }

    @Test
    void equalsComparesShapeAndBits() {
        NDArray a = NDArray.of(new float[] {1, 2, 3, 4}, 2, 2);
        assertThat(a).isEqualTo(NDArray.of(new float[] {1, 2, 3, 4}, 2, 2))
                .hasSameHashCodeAs(NDArray.of(new float[] {1, 2, 3, 4}, 2, 2));
        assertThat(a).isNotEqualTo(NDArray.of(new float[] {1, 2, 3, 4}, 4));
        assertThat(a).isNotEqualTo(NDArray.of(new float[] {1, 2, 3, 5}, 2, 2));
        assertThat(NDArray.scalar(Float.NaN)).isEqualTo(NDArray.scalar(Float.NaN));
    }

    @Test
    void toStringShowsShapeAndSmallContents() {
        assertThat(NDArray.of(new float[] {1, 2, 3, 4}, 2, 2)).hasToString("NDArray[2, 2] [1.0, 2.0, 3.0, 4.0]");
        assertThat(NDArray.zeros(5, 5).toString()).startsWith("NDArray[5, 5] [0.0, 0.0, ...");
    }

    // ---- reshape ------------------------------------------------------------------------------

    static Stream<Arguments> reshapes() {
        return Stream.of(
                Arguments.of(new int[] {2, 3}, new int[] {3, 2}, new int[] {3, 2}),
                Arguments.of(new int[] {2, 3}, new int[] {-1}, new int[] {6}),
                Arguments.of(new int[] {2, 3, 4}, new int[] {-1, 4}, new int[] {6, 4}),
                Arguments.of(new int[] {2, 3, 4}, new int[] {2, -1, 3}, new int[] {2, 4, 3}),
                Arguments.of(new int[] {1}, new int[] {}, new int[] {}),
                Arguments.of(new int[] {}, new int[] {1, 1}, new int[] {1, 1}),
                Arguments.of(new int[] {}, new int[] {-1}, new int[] {1}),
                Arguments.of(new int[] {0, 3}, new int[] {3, -1}, new int[] {3, 0}),
                Arguments.of(new int[] {0, 3}, new int[] {0, 5}, new int[] {0, 5}));
    }

    @ParameterizedTest(name = "{index}: reshape")
    @MethodSource("reshapes")
    void reshapeInfersMinusOneAndKeepsOrder(int[] from, int[] to, int[] expected) {
        NDArray x = Naive.randn(1, from);
        NDArray y = x.reshape(to);
        assertThat(y.shape().toArray()).containsExactly(expected);
        assertThat(y.toArray()).containsExactly(x.toArray());
    }

    @Test
    void reshapeReturnsACopy() {
        NDArray x = NDArray.of(new float[] {1, 2, 3, 4}, 2, 2);
        NDArray y = x.reshape(4);
        Backend.cpu().scaleInPlace(y, 0f);
        assertThat(x.toArray()).containsExactly(1, 2, 3, 4);
    }

    // ---- bad input ----------------------------------------------------------------------------

    @Test
    void negativeDimensionsAreRejected() {
        assertThatThrownBy(() -> NDArray.zeros(2, -3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("negative dimension");
        assertThatThrownBy(() -> NDArray.of(new float[0], -1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("negative dimension");
        assertThatThrownBy(() -> NDArray.randn(new SplittableRandom(1), -1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void dataLengthMismatchIsRejected() {
        assertThatThrownBy(() -> NDArray.of(new float[5], 2, 3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("NDArray.of: 5 values do not fill shape [2, 3] (6 elements)");
        assertThatThrownBy(() -> NDArray.wrap(new float[2], 3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("NDArray.wrap: 2 values");
        assertThatThrownBy(() -> NDArray.of(new float[2])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("shape []");
    }

    @Test
    void nullArgumentsAreRejected() {
        assertThatThrownBy(() -> NDArray.of(null, 1)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("NDArray.of");
        assertThatThrownBy(() -> NDArray.rand(null, 1)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void badIndexIsRejected() {
        NDArray x = NDArray.zeros(2, 3);
        assertThatThrownBy(() -> x.get(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("get: 1 indices for shape [2, 3]");
        assertThatThrownBy(() -> x.get(2, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("get: index [2, 0] out of range for shape [2, 3]");
        assertThatThrownBy(() -> x.get(0, -1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("out of range");
        assertThatThrownBy(() -> x.get(0, 3)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void reshapeWithTwoMinusOnesIsRejected() {
        assertThatThrownBy(() -> NDArray.zeros(2, 3).reshape(-1, -1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("reshape: only one dimension can be -1");
    }

    @Test
    void reshapeToWrongSizeIsRejected() {
        assertThatThrownBy(() -> NDArray.zeros(2, 3).reshape(4, 2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("reshape: element counts differ: [2, 3] (6) -> [4, 2] (8)");
        assertThatThrownBy(() -> NDArray.zeros(2, 3).reshape(4, -1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot infer -1");
        assertThatThrownBy(() -> NDArray.zeros(0, 3).reshape(0, -1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot infer -1");
        assertThatThrownBy(() -> NDArray.zeros(2, 3).reshape(-2, -3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("negative dimension");
    }
}
