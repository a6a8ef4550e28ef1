package dev.grad4j.autograd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.grad4j.tensor.NDArray;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Inverted dropout: keep rate, scaling, mean, seeding, identity cases, gradient, errors. */
class DropoutTest {

    private static final int N = 100_000;

    @ParameterizedTest(name = "p = {0}")
    @ValueSource(floats = {0.1f, 0.5f, 0.8f})
    void keepRateScaleAndMean(float p) {
        NDArray xv = Inputs.uniform(1, 0.5, 1.5, N);
        float[] x = xv.toArray();
        float[] y = Tensor.constant(xv).dropout(p, true, new SplittableRandom(7)).value().toArray();
        float scale = 1f / (1f - p);
        int kept = 0;
        double sumX = 0;
        double sumY = 0;
        for (int i = 0; i < N; i++) {
            if (y[i] != 0f) {
                kept++;
                assertThat(y[i]).as("kept element %d", i).isEqualTo(x[i] * scale);
            }
            sumX += x[i];
            sumY += y[i];
        }
        // Binomial(N, 1 - p): 5 standard deviations.
        double expected = N * (1.0 - p);
        double sd = Math.sqrt(N * p * (1.0 - p));
        assertThat((double) kept).isCloseTo(expected, within(5 * sd));
        // Inverted scaling preserves the mean (relative sd of the mean of y ~ sqrt(p / ((1-p) N))).
        assertThat(sumY / sumX).isCloseTo(1.0, within(5 * Math.sqrt(p / ((1.0 - p) * N)) + 1e-3));
    }

    @Test
    void maskFollowsTheDocumentedDraws() {
        NDArray xv = NDArray.ones(2, 50);
        float p = 0.3f;
        float[] y = Tensor.constant(xv).dropout(p, true, new SplittableRandom(3)).value().toArray();
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < y.length; i++) {
            float expected = r.nextFloat() >= p ? 1f / (1f - p) : 0f;
            assertThat(y[i]).isEqualTo(expected);
        }
    }

    @Test
    void seededRunsRepeatExactly() {
        NDArray xv = Inputs.randn(2, 64, 32);
        NDArray a = Tensor.constant(xv).dropout(0.4f, true, new SplittableRandom(11)).value();
        NDArray b = Tensor.constant(xv).dropout(0.4f, true, new SplittableRandom(11)).value();
        NDArray c = Tensor.constant(xv).dropout(0.4f, true, new SplittableRandom(12)).value();
        assertThat(a).isEqualTo(b);
        assertThat(a).isNotEqualTo(c);
    }

    @Test
    void identityInEvaluationAndForZeroProbability() {
        Tensor x = Tensor.var("x", Inputs.randn(3, 4, 5));
        SplittableRandom r = new SplittableRandom(1);
        assertThat(x.dropout(0.5f, false, r)).isSameAs(x);
        assertThat(x.dropout(0f, true, r)).isSameAs(x);
        assertThat(x.dropout(1f, false, r)).isSameAs(x);
        // Nothing was drawn.
        assertThat(r.nextLong()).isEqualTo(new SplittableRandom(1).nextLong());
    }

    @Test
    void probabilityOneGivesZerosAndZeroGradient() {
        Tensor x = Tensor.var("x", Inputs.randn(4, 3, 3));
        Tensor y = x.dropout(1f, true, new SplittableRandom(1));
        for (float v : y.value().toArray()) {
            assertThat(v == 0f).as("%s is zero", v).isTrue(); // x * 0: -0 for negative x, as torch
        }
        assertThat(y.sum().backward().wrt(x).toArray()).containsOnly(0f);
    }

    @Test
    void gradientIsMaskTimesScale() {
        NDArray xv = Inputs.randn(5, 10, 10);
        Tensor x = Tensor.var("x", xv);
        Tensor y = x.dropout(0.25f, true, new SplittableRandom(9));
        NDArray up = Inputs.randn(6, 10, 10);
        float[] g = y.backward(up).wrt(x).toArray();
        float[] yv = y.value().toArray();
        float[] u = up.toArray();
        for (int i = 0; i < g.length; i++) {
            float expected = yv[i] == 0f ? 0f : u[i] * (1f / 0.75f);
            assertThat(g[i]).isEqualTo(expected);
        }
        // The same mask in a finite-difference check: a fresh generator with the same seed per call.
        GradCheck.assertClose(xs -> xs.get(0).dropout(0.25f, true, new SplittableRandom(9)), xv);
    }

    @Test
    void inputIsLeftUnchanged() {
        NDArray xv = Inputs.randn(7, 20);
        NDArray copy = xv.copy();
        Tensor.var("x", xv).dropout(0.5f, true, new SplittableRandom(1)).sum().backward();
        assertThat(xv).isEqualTo(copy);
    }

    @ParameterizedTest(name = "p = {0}")
    @ValueSource(floats = {-0.1f, 1.5f, Float.NaN, Float.POSITIVE_INFINITY})
    void probabilityOutsideTheUnitIntervalIsAnError(float p) {
        Tensor x = Tensor.var("x", NDArray.ones(2, 3));
        assertThatThrownBy(() -> x.dropout(p, true, new SplittableRandom(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dropout")
                .hasMessageContaining(String.valueOf(p))
                .hasMessageContaining("[2, 3]");
        assertThatThrownBy(() -> x.dropout(p, false, new SplittableRandom(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void nullGeneratorIsAnError() {
        Tensor x = Tensor.var("x", NDArray.ones(2));
        assertThatThrownBy(() -> x.dropout(0.5f, true, null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("dropout");
    }
}
