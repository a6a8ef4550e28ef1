package dev.grad4j.tensor;

/**
 * The exponential, the normal distribution function and the exact GELU with its derivative in float arithmetic, as a
 * fixed sequence of IEEE operations (multiplies, adds, fused multiply-adds, one division and bit
 * moves) that {@code VectorElementwiseKernels} repeats lane by lane, so both kernel paths give
 * bit-identical results. Accuracy: {@link #exp} within 2 ulp, {@link #gelu} and
 * {@link #geluDerivative} within a few ulp of the exact values (checked against double-precision
 * references in the tests).
 */
final class FloatFunctions {

    /** Arguments are clamped to this range so that {@code 2^n} stays a normal float. */
    static final float EXP_LO = -87.33654f;
    static final float EXP_HI = 88.37626f;
    static final float LOG2E = 1.44269504f;
    /** {@code 1.5 * 2^23}: adding it rounds a float of magnitude below {@code 2^22} to an integer. */
    static final float ROUND = 12582912f;
    static final int ROUND_BITS = Float.floatToRawIntBits(ROUND);
    /** {@code ln 2} split so that {@code k * LN2_HI} is exact for the k in range. */
    static final float LN2_HI = 0.693145751953125f;
    static final float LN2_LO = 1.428606765330187e-6f;
    /** Cephes' {@code expf} polynomial for {@code (e^r - 1 - r) / r^2} on {@code |r| <= ln2 / 2}. */
    static final float E0 = 1.9875691500e-4f;
    static final float E1 = 1.3981999507e-3f;
    static final float E2 = 8.3334519073e-3f;
    static final float E3 = 4.1665795894e-2f;
    static final float E4 = 1.6666665459e-1f;
    static final float E5 = 5.0000001201e-1f;

    /**
     * Numerical Recipes' Chebyshev fit {@code erfcc} (relative error below 1.2e-7):
     * {@code erfc(z) = t exp(-z^2 + P(t))} for {@code z >= 0}, {@code t = 1 / (1 + z/2)}, coefficients
     * of P from the highest.
     */
    static final float C0 = 0.17087277f;
    static final float C1 = -0.82215223f;
    static final float C2 = 1.48851587f;
    static final float C3 = -1.13520398f;
    static final float C4 = 0.27886807f;
    static final float C5 = -0.18628806f;
    static final float C6 = 0.09678418f;
    static final float C7 = 0.37409196f;
    static final float C8 = 1.00002368f;
    static final float C9 = -1.26551223f;

    static final float SQRT_HALF = 0.70710678f;
    /** {@code 1 / sqrt(2 pi)}, the standard normal density at 0. */
    static final float INV_SQRT_2PI = 0.39894228f;

    private FloatFunctions() {
    }

    /**
     * {@code e^x}; arguments are clamped to {@code [EXP_LO, EXP_HI]} (so {@code e^-inf} gives about
     * {@code 1e-38}, not 0), NaN stays NaN.
     */
    static float exp(float x) {
        float c = Math.min(Math.max(x, EXP_LO), EXP_HI);
        float kf = c * LOG2E + ROUND; // k = round(c / ln 2) in the low mantissa bits
        int k = Float.floatToRawIntBits(kf) - ROUND_BITS;
        kf -= ROUND;
        float r = Math.fma(kf, -LN2_HI, c);
        r = Math.fma(kf, -LN2_LO, r);
        float p = Math.fma(E0, r, E1);
        p = Math.fma(p, r, E2);
        p = Math.fma(p, r, E3);
        p = Math.fma(p, r, E4);
        p = Math.fma(p, r, E5);
        float y = Math.fma(p, r * r, r) + 1f;
        return y * Float.intBitsToFloat((k + 127) << 23);
    }

    /**
     * {@code Φ(x) = erfc(-x / sqrt 2) / 2}, the standard normal distribution function, accurate in
     * relative terms also in the left tail. The exponent {@code -x^2/2 + P(t)} is formed from x with
     * one rounding (not from the rounded {@code x / sqrt 2}).
     */
    static float normalCdf(float x) {
        float t = cdfT(x);
        return cdfFromParts(x, t, exp(cdfExponent(x, t)));
    }

    /** The {@code t = 1 / (1 + z/2)} of the erfc fit at {@code z = |x| / sqrt 2}. */
    static float cdfT(float x) {
        float z = Math.abs(x * SQRT_HALF);
        return 1f / Math.fma(0.5f, z, 1f);
    }

    /** The exponent {@code -x^2/2 + P(t)} of the erfc fit. */
    static float cdfExponent(float x, float t) {
        float p = Math.fma(C0, t, C1);
        p = Math.fma(p, t, C2);
        p = Math.fma(p, t, C3);
        p = Math.fma(p, t, C4);
        p = Math.fma(p, t, C5);
        p = Math.fma(p, t, C6);
        p = Math.fma(p, t, C7);
        p = Math.fma(p, t, C8);
        p = Math.fma(p, t, C9);
        return Math.fma(-0.5f * x, x, p);
    }

    /** {@code Φ(x)} from t and {@code e = exp(cdfExponent(x, t))}: {@code r = t e = erfc(|x| / sqrt 2)}. */
    static float cdfFromParts(float x, float t, float e) {
        float r = t * e;
        return 0.5f * (x > 0f ? 2f - r : r);
    }

    /** Exact GELU {@code x Φ(x)}. */
    static float gelu(float x) {
        return x * normalCdf(x);
    }

    /** Below this magnitude {@code Φ(x)} rounds to 0.5 and {@code y / x} would lose precision. */
    static final float CDF_TINY = 0x1p-30f;

    /**
     * {@code Φ(x) + x φ(x)}, the derivative of {@link #gelu}, given the forward output
     * {@code y = gelu(x)}: {@code Φ(x)} is recovered as {@code y / x}, which leaves one exponential.
     */
    static float geluDerivative(float x, float y) {
        return geluDerivativeFromParts(x, y, exp(-0.5f * x * x));
    }

    /** {@link #geluDerivative} given {@code e = exp(-x^2/2)}. */
    static float geluDerivativeFromParts(float x, float y, float e) {
        float cdf = Math.abs(x) < CDF_TINY ? 0.5f : y / x;
        float density = INV_SQRT_2PI * e;
        return Math.fma(x, density, cdf);
    }
}
