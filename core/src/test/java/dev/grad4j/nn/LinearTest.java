package dev.grad4j.nn;

import dev.grad4j.autograd.Gradients;
import dev.grad4j.autograd.Tensor;
import dev.grad4j.tensor.NDArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class LinearTest {

    /** weight [[1, 2], [3, 4], [5, 6]], bias [0.5, -1, 2]. */
    private static Linear known() {
        Linear layer = new Linear(2, 3, new SplittableRandom(0));
        layer.loadStateDict(Map.of(
                "weight", NDArray.of(new float[] {1, 2, 3, 4, 5, 6}, 3, 2),
                "bias", NDArray.of(new float[] {0.5f, -1, 2}, 3)));
        return layer;
    }

    @Test
    void forwardComputesXWTransposePlusB() {
        Tensor x = Tensor.constant(NDArray.of(new float[] {1, 1, 2, -1}, 2, 2));

        Tensor y = known().forward(x);

        assertThat(y.shape().toArray()).containsExactly(2, 3);
        assertThat(y.value().toArray()).containsExactly(3.5f, 6f, 13f, 0.5f, 1f, 6f);
    }

    @Test
    void forwardAcceptsLeadingDimensions() {
        Tensor x = Tensor.constant(NDArray.ones(4, 5, 2));

        Tensor y = known().forward(x);

        assertThat(y.shape().toArray()).containsExactly(4, 5, 3);
        assertThat(y.value().get(3, 4, 2)).isEqualTo(13f);
    }

    @Test
    void parametersAreWeightThenBiasWithTheirShapes() {
        Linear layer = new Linear(4, 7, new SplittableRandom(1));

        assertThat(layer.namedParameters().keySet()).containsExactly("weight", "bias");
        assertThat(layer.weight().shape().toArray()).containsExactly(7, 4);
        assertThat(layer.bias().orElseThrow().shape().toArray()).containsExactly(7);
        assertThat(layer.weight().name()).isEqualTo("weight");
        assertThat(layer.inFeatures()).isEqualTo(4);
        assertThat(layer.outFeatures()).isEqualTo(7);
    }

    @Test
    void aLayerWithoutBiasHasOnlyAWeight() {
        Linear layer = new Linear(3, 2, false, new SplittableRandom(1));
        Tensor x = Tensor.constant(NDArray.ones(1, 3));

        assertThat(layer.bias()).isEmpty();
        assertThat(layer.namedParameters().keySet()).containsExactly("weight");
        float[] w = layer.weight().value().toArray();
        assertThat(layer.forward(x).value().toArray()).containsExactly(w[0] + w[1] + w[2], w[3] + w[4] + w[5]);
        assertThat(layer).hasToString("Linear(in=3, out=2, bias=false)");
    }

    @Test
    void gradientsOfTheParametersFollowTheAffineMap() {
        Linear layer = known();
        Tensor x = Tensor.constant(NDArray.of(new float[] {1, 1, 2, -1}, 2, 2));

        Gradients g = layer.forward(x).sum().backward();

        // d sum / dW[o, i] = sum_n x[n, i]; d sum / db[o] = N.
        assertThat(g.wrt(layer.weight()).toArray()).containsExactly(3, 0, 3, 0, 3, 0);
        assertThat(g.wrt(layer.bias().orElseThrow()).toArray()).containsExactly(2, 2, 2);
    }

    @Test
    void aWrongFeatureCountNamesLinearAndBothShapes() {
        Linear layer = new Linear(2, 8, new SplittableRandom(1));

        assertThatThrownBy(() -> layer.forward(Tensor.constant(NDArray.zeros(4, 3))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Linear")
                .hasMessageContaining("[4, 3]")
                .hasMessageContaining("[8, 2]");
        assertThatThrownBy(() -> layer.forward(Tensor.constant(2f)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Linear");
    }

    @ParameterizedTest(name = "in={0}, out={1}")
    @CsvSource({"0, 1", "1, 0", "-1, 2", "3, -5"})
    void nonPositiveSizesAreRejected(int in, int out) {
        assertThatThrownBy(() -> new Linear(in, out, new SplittableRandom(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Linear")
                .hasMessageContaining("in=" + in)
                .hasMessageContaining("out=" + out);
    }

    @Test
    void theSameSeedGivesTheSameLayer() {
        Linear a = new Linear(5, 6, new SplittableRandom(42));
        Linear b = new Linear(5, 6, new SplittableRandom(42));
        Linear c = new Linear(5, 6, new SplittableRandom(43));

        assertThat(a.stateDict()).isEqualTo(b.stateDict());
        assertThat(a.stateDict()).isNotEqualTo(c.stateDict());
    }

    @Test
    void theDefaultInitialisationIsKaimingUniformWithZeroBias() {
        int in = 50;
        Linear layer = new Linear(in, 400, new SplittableRandom(7));
        double bound = Math.sqrt(6.0 / in);

        float[] w = layer.weight().value().toArray();
        double sumSq = 0;
        for (float v : w) {
            assertThat(Math.abs(v)).isLessThanOrEqualTo((float) bound);
            sumSq += v * v;
        }
        assertThat(sumSq / w.length).isCloseTo(bound * bound / 3, within(0.03 * bound * bound / 3));
        assertThat(layer.bias().orElseThrow().value().toArray()).containsOnly(0f);
        assertThat(layer.stateDict()).isEqualTo(
                new Linear(in, 400, Init.kaimingUniform(), new SplittableRandom(7)).stateDict());
    }

    @Test
    void nullArgumentsAreRejected() {
        assertThatThrownBy(() -> new Linear(2, 2, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new Linear(2, 2, null, new SplittableRandom(1)))
                .isInstanceOf(NullPointerException.class);
    }
}
