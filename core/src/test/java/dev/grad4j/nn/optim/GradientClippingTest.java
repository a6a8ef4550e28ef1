package dev.grad4j.nn.optim;

import dev.grad4j.autograd.Gradients;
import dev.grad4j.autograd.Tensor;
import dev.grad4j.tensor.NDArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class GradientClippingTest {

    private final Tensor a = Tensor.var("a", NDArray.zeros(2));
    private final Tensor b = Tensor.var("b", NDArray.zeros(1));

    /** Gradients [3, 0] for a and [4] for b: global norm 5. */
    private Gradients gradients() {
        Tensor loss = a.mul(Tensor.constant(NDArray.of(new float[] {3, 0}, 2))).sum()
                .add(b.mul(Tensor.constant(NDArray.of(new float[] {4}, 1))).sum());
        return loss.backward();
    }

    @Test
    void scalesAllGradientsInPlaceToTheMaximumNorm() {
        Gradients g = gradients();

        double norm = GradientClipping.clipNorm(g, 1f);

        assertThat(norm).isEqualTo(5.0);
        float factor = (float) (1 / (5 + 1e-6));
        assertThat(g.wrt(a).toArray()).containsExactly(3 * factor, 0f);
        assertThat(g.wrt(b).toArray()).containsExactly(4 * factor);
        double after = Math.sqrt(Math.pow(g.wrt(a).get(0), 2) + Math.pow(g.wrt(b).get(0), 2));
        assertThat(after).isCloseTo(1.0, within(1e-6));
    }

    @ParameterizedTest(name = "maxNorm {0}")
    @ValueSource(floats = {5f, 5.000001f, 100f})
    void leavesGradientsWithinTheNormUnchanged(float maxNorm) {
        Gradients g = gradients();

        assertThat(GradientClipping.clipNorm(g, maxNorm)).isEqualTo(5.0);

        assertThat(g.wrt(a).toArray()).containsExactly(3f, 0f);
        assertThat(g.wrt(b).toArray()).containsExactly(4f);
    }

    @Test
    void scalesEachGradientOnceEvenWhenTwoVariablesShareAnUpstreamArray() {
        Tensor c = Tensor.var("c", NDArray.zeros(3));
        Tensor d = Tensor.var("d", NDArray.zeros(3));
        Gradients g = c.add(d).sum().backward();

        double norm = GradientClipping.clipNorm(g, 1f);

        assertThat(norm).isCloseTo(Math.sqrt(6), within(1e-12));
        float factor = (float) (1 / (Math.sqrt(6) + 1e-6));
        assertThat(g.wrt(c).toArray()).containsOnly(factor);
        assertThat(g.wrt(d).toArray()).containsOnly(factor);
    }

    @Test
    void theNormIsAccumulatedInDouble() {
        float[] many = new float[1 << 20];
        java.util.Arrays.fill(many, 1e-3f);
        Tensor big = Tensor.var("big", NDArray.zeros(many.length));
        Gradients g = big.mul(Tensor.constant(NDArray.of(many, many.length))).sum().backward();

        assertThat(GradientClipping.clipNorm(g, 10f)).isCloseTo(1e-3f * Math.sqrt(many.length), within(1e-9));
    }

    @ParameterizedTest(name = "maxNorm {0}")
    @ValueSource(floats = {-1f, Float.NaN, Float.POSITIVE_INFINITY})
    void rejectsAnInvalidMaximum(float maxNorm) {
        assertThatThrownBy(() -> GradientClipping.clipNorm(gradients(), maxNorm))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("clipNorm")
                .hasMessageContaining(String.valueOf(maxNorm));
        assertThatThrownBy(() -> GradientClipping.clipNorm(null, 1f)).isInstanceOf(NullPointerException.class);
    }
}
