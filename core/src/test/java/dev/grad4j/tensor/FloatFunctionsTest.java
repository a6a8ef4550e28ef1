package dev.grad4j.tensor;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The float exponential and GELU of {@link FloatFunctions} against double-precision references. */
class FloatFunctionsTest {

    private static final double SQRT_2PI = Math.sqrt(2 * Math.PI);

    private static double gelu(double x) {
        return 0.5 * x * SpecialFunctions.erfc(-x / Math.sqrt(2));
    }

    private static double geluDerivative(double x) {
        return 0.5 * SpecialFunctions.erfc(-x / Math.sqrt(2)) + x * Math.exp(-0.5 * x * x) / SQRT_2PI;
    }

    /** The error of {@code actual} in units of the last place of the float nearest to {@code expected}. */
    private static double ulps(float actual, double expected) {
        return Math.abs(actual - expected) / Math.ulp((float) expected);
    }

    @Test
    void expIsWithinOneUlpOverItsWholeRange() {
        double worst = 0;
        for (float x = -87f; x < 88f; x = Math.nextUp(x + 1e-3f * Math.max(1f, Math.abs(x)))) {
            worst = Math.max(worst, ulps(FloatFunctions.exp(x), Math.exp(x)));
        }
        assertThat(worst).isLessThanOrEqualTo(1.0);
        assertThat(FloatFunctions.exp(0f)).isEqualTo(1f);
        assertThat(FloatFunctions.exp(Float.NaN)).isNaN();
        assertThat(FloatFunctions.exp(Float.NEGATIVE_INFINITY)).isBetween(0f, 2e-38f);
        assertThat(FloatFunctions.exp(Float.POSITIVE_INFINITY)).isGreaterThan(2e38f).isFinite();
    }

    @Test
    void geluIsWithinAFewUlpWhereActivationsLive() {
        double worst = 0;
        for (float x = -4f; x <= 4f; x += 1.37e-4f) {
            worst = Math.max(worst, ulps(FloatFunctions.gelu(x), gelu(x)));
        }
        // the fit's 1.2e-7 (2 ulp) plus the rounding of the exponent -x^2/2 + P(t) (at |x| = 4 up to
        // 9 * 2^-24 relative, about 9 ulp) and a few roundings of the polynomial
        assertThat(worst).isLessThanOrEqualTo(16.0);
        // the left tail stays accurate in relative terms (a plain 1 + erf would return 0 or noise)
        for (float x = -9f; x < -4f; x += 1e-3f) {
            double ref = gelu(x);
            assertThat((double) FloatFunctions.gelu(x)).as("gelu(%s)", x).isCloseTo(ref, within(5e-6 * Math.abs(ref)));
        }
        for (float x = 4f; x < 40f; x += 1e-2f) {
            assertThat(ulps(FloatFunctions.gelu(x), gelu(x))).as("gelu(%s)", x).isLessThanOrEqualTo(2.0);
        }
        assertThat(FloatFunctions.gelu(0f)).isEqualTo(0f);
        assertThat(FloatFunctions.gelu(-30f)).isBetween(-1e-36f, 0f);
        assertThat(FloatFunctions.gelu(Float.NaN)).isNaN();
    }

    @Test
    void geluDerivativeHasSmallAbsoluteError() {
        double worst = 0;
        for (float x = -20f; x <= 20f; x += 1.37e-4f) {
            float y = FloatFunctions.gelu(x);
            worst = Math.max(worst, Math.abs(FloatFunctions.geluDerivative(x, y) - geluDerivative(x)));
        }
        assertThat(worst).isLessThanOrEqualTo(3e-7);
        for (float x : new float[] {0f, -0f, 1e-30f, -1e-30f, Float.MIN_VALUE, 1e-9f}) {
            // Φ from y / x would lose its bits where x (and y) are tiny or subnormal
            assertThat(FloatFunctions.geluDerivative(x, FloatFunctions.gelu(x))).as("x = %s", x).isEqualTo(0.5f);
        }
    }
}
