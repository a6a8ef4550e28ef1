package dev.grad4j.autograd;

import dev.grad4j.tensor.NDArray;

import java.util.SplittableRandom;

/**
 * Seeded input arrays for the finite-difference tests, chosen so that the central difference with
 * the default step never crosses a kink (0 for relu/abs, ties for max/maximum) or leaves a domain.
 */
final class Inputs {

    private Inputs() {
    }

    static int size(int... dims) {
        int n = 1;
        for (int d : dims) {
            n *= d;
        }
        return n;
    }

    /** Standard normal values. */
    static NDArray randn(long seed, int... dims) {
        return NDArray.randn(new SplittableRandom(seed), dims);
    }

    /** Uniform values in {@code [lo, hi)}. */
    static NDArray uniform(long seed, double lo, double hi, int... dims) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] d = new float[size(dims)];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) (lo + (hi - lo) * r.nextDouble());
        }
        return NDArray.of(d, dims);
    }

    /** Values with {@code |x|} in {@code [0.2, 2)} and a random sign: away from the kink at 0. */
    static NDArray awayFromZero(long seed, int... dims) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] d = new float[size(dims)];
        for (int i = 0; i < d.length; i++) {
            double m = 0.2 + 1.8 * r.nextDouble();
            d[i] = (float) (r.nextBoolean() ? m : -m);
        }
        return NDArray.of(d, dims);
    }

    /**
     * Distinct values {@code offset + 0.25 k} in random order, for k = -n/2 .. n/2: every two
     * differ by at least 0.25, and two arrays with offsets 0 and 0.125 never tie.
     */
    static NDArray grid(long seed, double offset, int... dims) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] d = new float[size(dims)];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) (offset + 0.25 * (i - d.length / 2));
        }
        for (int i = d.length - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            float t = d[i];
            d[i] = d[j];
            d[j] = t;
        }
        return NDArray.of(d, dims);
    }
}
