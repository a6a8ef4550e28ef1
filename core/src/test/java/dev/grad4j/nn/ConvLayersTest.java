package dev.grad4j.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.grad4j.autograd.Tensor;
import dev.grad4j.tensor.NDArray;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/**
 * Conv1d and Conv2d modules: parameter names and shapes, PyTorch's reset_parameters initialisation
 * (bounds, moments, weight drawn before bias), forward equal to the op, toString and bad arguments.
 */
class ConvLayersTest {

    private static final int[] ONE = {1, 1};

    @Test
    void conv2dParametersAreWeightThenBiasWithTorchShapes() {
        Conv2d conv = new Conv2d(6, 12, new int[] {3, 5}, ONE, new int[] {1, 2}, ONE, 3, true, new SplittableRandom(1));
        assertThat(conv.namedParameters().keySet()).containsExactly("weight", "bias");
        assertThat(conv.weight().shape().toArray()).containsExactly(12, 2, 3, 5);
        assertThat(conv.bias().orElseThrow().shape().toArray()).containsExactly(12);
        assertThat(conv.stateDict().keySet()).containsExactly("weight", "bias");

        Conv2d noBias = new Conv2d(4, 8, new int[] {1, 1}, ONE, new int[] {0, 0}, ONE, 1, false, new SplittableRandom(1));
        assertThat(noBias.namedParameters().keySet()).containsExactly("weight");
        assertThat(noBias.bias()).isEmpty();
    }

    @Test
    void conv1dParametersAreWeightThenBiasWithTorchShapes() {
        Conv1d conv = new Conv1d(8, 4, 5, 2, 1, 1, 2, true, new SplittableRandom(1));
        assertThat(conv.namedParameters().keySet()).containsExactly("weight", "bias");
        assertThat(conv.weight().shape().toArray()).containsExactly(4, 4, 5);
        assertThat(conv.bias().orElseThrow().shape().toArray()).containsExactly(4);
        assertThat(new Conv1d(3, 3, 2, 1, 0, 1, 1, false, new SplittableRandom(1)).namedParameters())
                .containsOnlyKeys("weight");
    }

    @Test
    void conv2dInitialisationIsUniformWithinOneOverSqrtFanIn() {
        // fanIn = 16/2 * 3 * 3 = 72
        Conv2d conv = new Conv2d(16, 256, new int[] {3, 3}, ONE, ONE, ONE, 2, true, new SplittableRandom(7));
        double bound = 1 / Math.sqrt(72);
        assertUniform(conv.weight().value().toArray(), bound);
        assertWithin(conv.bias().orElseThrow().value().toArray(), bound);
    }

    @Test
    void conv1dInitialisationIsUniformWithinOneOverSqrtFanIn() {
        // fanIn = 12/3 * 7 = 28
        Conv1d conv = new Conv1d(12, 300, 7, 1, 3, 1, 3, true, new SplittableRandom(8));
        double bound = 1 / Math.sqrt(28);
        assertUniform(conv.weight().value().toArray(), bound);
        assertWithin(conv.bias().orElseThrow().value().toArray(), bound);
    }

    @Test
    void weightIsDrawnBeforeBiasFromTheGivenGenerator() {
        Conv2d conv = new Conv2d(3, 5, 3, new SplittableRandom(11));
        SplittableRandom r = new SplittableRandom(11);
        double bound = 1 / Math.sqrt(27);
        assertThat(conv.weight().value()).isEqualTo(Init.uniform(r, bound, 5, 3, 3, 3));
        assertThat(conv.bias().orElseThrow().value()).isEqualTo(Init.uniform(r, bound, 5));

        Conv1d c1 = new Conv1d(2, 4, 3, new SplittableRandom(12));
        SplittableRandom r1 = new SplittableRandom(12);
        double b1 = 1 / Math.sqrt(6);
        assertThat(c1.weight().value()).isEqualTo(Init.uniform(r1, b1, 4, 2, 3));
        assertThat(c1.bias().orElseThrow().value()).isEqualTo(Init.uniform(r1, b1, 4));
    }

    @Test
    void forwardEqualsTheOp() {
        Conv2d conv = new Conv2d(4, 6, new int[] {3, 2}, new int[] {2, 1}, new int[] {1, 0}, new int[] {1, 2}, 2, true,
                new SplittableRandom(3));
        Tensor x = Tensor.constant(NDArray.randn(new SplittableRandom(4), 2, 4, 9, 8));
        Tensor y = conv.forward(x);
        assertThat(y.shape().toArray()).containsExactly(2, 6, 5, 6);
        assertThat(y.value()).isEqualTo(x.conv2d(conv.weight(), conv.bias().orElseThrow(), new int[] {2, 1},
                new int[] {1, 0}, new int[] {1, 2}, 2).value());

        Conv2d same = new Conv2d(1, 32, 3, 1, 1, new SplittableRandom(5));
        assertThat(same.forward(Tensor.constant(NDArray.zeros(3, 1, 28, 28))).shape().toArray())
                .containsExactly(3, 32, 28, 28);

        Conv1d c1 = new Conv1d(4, 2, 3, 2, 1, 2, 2, false, new SplittableRandom(6));
        Tensor x1 = Tensor.constant(NDArray.randn(new SplittableRandom(7), 3, 4, 10));
        Tensor y1 = c1.forward(x1);
        assertThat(y1.shape().toArray()).containsExactly(3, 2, 4);
        assertThat(y1.value()).isEqualTo(x1.conv1d(c1.weight(), null, 2, 1, 2, 2).value());
    }

    @Test
    void parametersReceiveGradients() {
        Conv2d conv = new Conv2d(2, 3, 3, 1, 1, new SplittableRandom(9));
        Tensor loss = conv.forward(Tensor.constant(NDArray.randn(new SplittableRandom(10), 2, 2, 5, 5))).sum();
        var grads = loss.backward();
        for (Tensor p : conv.parameters()) {
            assertThat(grads.wrt(p).shape()).isEqualTo(p.shape());
        }
    }

    @Test
    void namesInsideASequentialAreIndexed() {
        Sequential model = new Sequential(new Conv2d(1, 4, 3, new SplittableRandom(1)), new ReLU(),
                new Conv2d(4, 8, 3, new SplittableRandom(2)));
        assertThat(model.namedParameters().keySet()).containsExactly("0.weight", "0.bias", "2.weight", "2.bias");
    }

    @Test
    void toStringShowsTheConfiguration() {
        assertThat(new Conv2d(1, 32, 3, 1, 1, new SplittableRandom(1)))
                .hasToString("Conv2d(1, 32, kernel=[3, 3], stride=[1, 1], padding=[1, 1], dilation=[1, 1], groups=1, bias=true)");
        assertThat(new Conv1d(8, 16, 5, 1, 2, 1, 1, false, new SplittableRandom(1)))
                .hasToString("Conv1d(8, 16, kernel=5, stride=1, padding=2, dilation=1, groups=1, bias=false)");
    }

    @Test
    void badArgumentsAreRejected() {
        SplittableRandom r = new SplittableRandom(1);
        assertThatThrownBy(() -> new Conv2d(3, 4, new int[] {3, 3}, ONE, ONE, ONE, 2, true, r))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Conv2d");
        assertThatThrownBy(() -> new Conv2d(4, 3, new int[] {3, 3}, ONE, ONE, ONE, 2, true, r))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Conv2d");
        assertThatThrownBy(() -> new Conv2d(0, 3, 3, r))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Conv2d");
        assertThatThrownBy(() -> new Conv2d(1, 3, new int[] {3}, ONE, ONE, ONE, 1, true, r))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Conv2d: kernel");
        assertThatThrownBy(() -> new Conv2d(1, 3, 3, 0, 0, r))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Conv2d: stride");
        assertThatThrownBy(() -> new Conv2d(1, 3, 3, 1, -1, r))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Conv2d: padding");
        assertThatThrownBy(() -> new Conv1d(4, 6, 3, 1, 0, 1, 4, true, r))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Conv1d");
        assertThatThrownBy(() -> new Conv1d(4, 6, 0, r))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Conv1d");
        assertThatThrownBy(() -> new Conv2d(1, 3, 3, null)).isInstanceOf(NullPointerException.class);

        Conv2d conv = new Conv2d(3, 4, 3, r);
        assertThatThrownBy(() -> conv.forward(Tensor.constant(NDArray.zeros(1, 2, 5, 5))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("conv2d")
                .hasMessageContaining("[1, 2, 5, 5]");
        assertThatThrownBy(() -> conv.forward(Tensor.constant(NDArray.zeros(1, 3, 2, 5))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("larger than padded input");
    }

    /** All within the bound, reaching near it, mean about 0 and variance about bound²/3. */
    private static void assertUniform(float[] v, double bound) {
        assertWithin(v, bound);
        double mean = 0;
        double max = 0;
        for (float f : v) {
            mean += f;
            max = Math.max(max, Math.abs(f));
        }
        mean /= v.length;
        double var = 0;
        for (float f : v) {
            var += (f - mean) * (f - mean);
        }
        var /= v.length;
        double expectedVar = bound * bound / 3;
        assertThat(max).isGreaterThan(0.98 * bound);
        assertThat(Math.abs(mean)).isLessThan(5 * Math.sqrt(expectedVar / v.length));
        assertThat(var).isBetween(0.93 * expectedVar, 1.07 * expectedVar);
    }

    private static void assertWithin(float[] v, double bound) {
        for (float f : v) {
            assertThat((double) Math.abs(f)).isLessThanOrEqualTo(bound * (1 + 1e-6)); // float rounding
        }
    }
}
