package dev.grad4j.tensor;

/**
 * Statistics over any set of axes, accumulated in double in a fixed order: the sums behind the
 * two-pass variance and the shifted exponential sums behind log-sum-exp. Outputs use the keep-dim
 * layout of {@link ReduceKernels}; each kernel adds into the {@code double[]} it is given.
 */
final class StatKernels {

    /** {@link #accumulate} mode: the plain sum of x. */
    static final int SUM = 0;
    /** {@link #accumulate} mode: the sum of {@code (x - center)^2}. */
    static final int SQUARES = 1;
    /** {@link #accumulate} mode: the sum of {@code e^(x - center)}. */
    static final int EXP = 2;

    private StatKernels() {
    }

    /**
     * Adds over each group o into {@code acc[o]}: {@code x} ({@link #SUM}; {@code center} unused,
     * may be null), {@code (x - center[o])^2} ({@link #SQUARES}) or {@code e^(x - center[o])}
     * ({@link #EXP}). {@code dims} has rank at least 1.
     */
    static void accumulate(float[] x, int[] dims, boolean[] reduced, double[] center, int mode, double[] acc) {
        int rank = dims.length;
        if (x.length == 0) {
            return;
        }
        int inner = dims[rank - 1];
        int rows = x.length / inner;
        int[] ostr = ReduceKernels.outStrides(dims, reduced);
        int[] idx = new int[rank];
        int o = 0;
        boolean lastReduced = reduced[rank - 1];
        for (int row = 0; row < rows; row++) {
            int base = row * inner;
            if (lastReduced) {
                double c = mode == SUM ? 0 : center[o];
                double s = 0;
                switch (mode) {
                    case SUM:
                        for (int j = 0; j < inner; j++) {
                            s += x[base + j];
                        }
                        break;
                    case SQUARES:
                        for (int j = 0; j < inner; j++) {
                            double d = x[base + j] - c;
                            s += d * d;
                        }
                        break;
                    default:
                        for (int j = 0; j < inner; j++) {
                            s += Math.exp(x[base + j] - c);
                        }
                        break;
                }
                acc[o] += s;
            } else {
                switch (mode) {
                    case SUM:
                        for (int j = 0; j < inner; j++) {
                            acc[o + j] += x[base + j];
                        }
                        break;
                    case SQUARES:
                        for (int j = 0; j < inner; j++) {
                            double d = x[base + j] - center[o + j];
                            acc[o + j] += d * d;
                        }
                        break;
                    default:
                        for (int j = 0; j < inner; j++) {
                            acc[o + j] += Math.exp(x[base + j] - center[o + j]);
                        }
                        break;
                }
            }
            o = ReduceKernels.advance(idx, dims, ostr, o, rank - 2);
        }
    }
}
