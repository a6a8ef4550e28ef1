package dev.grad4j.nn;

/**
 * Batch normalisation, as PyTorch's {@code nn.BatchNorm1d}: per channel C (dim 1) of an input
 * {@code [N, C]} or {@code [N, C, L]}, {@code y = (x - mean) / sqrt(var + eps) * weight + bias}.
 *
 * <p>In training mode mean and biased variance are the batch's over (N) or (N, L), gradients flow through
 * them, and the running statistics are updated: {@code running_mean = (1 - momentum) running_mean +
 * momentum mean}, {@code running_var = (1 - momentum) running_var + momentum var n / (n - 1)}
 * (unbiased), and {@code num_batches_tracked} counts the forward. In evaluation mode the running
 * statistics are used. State (PyTorch's names): parameters {@code weight} (ones) and {@code bias}
 * (zeros) {@code [C]}; buffers {@code running_mean} (zeros), {@code running_var} (ones) {@code [C]}
 * and {@code num_batches_tracked} (an integer scalar, saved as int64). Defaults: eps 1e-5,
 * momentum 0.1, affine true, track_running_stats true.
 *
 * <pre>{@code
 * Module bn = new BatchNorm1d(128);   // after Linear(.., 128): [batch, 128]
 * }</pre>
 */
public final class BatchNorm1d extends BatchNorm {

    /**
     * A layer over {@code numFeatures} channels with PyTorch's defaults.
     *
     * @throws IllegalArgumentException if {@code numFeatures} is not positive
     */
    public BatchNorm1d(int numFeatures) {
        this(numFeatures, 1e-5f, 0.1f, true, true);
    }

    /**
     * A layer with the given eps and momentum, affine and tracking running statistics.
     *
     * @throws IllegalArgumentException if {@code numFeatures} is not positive, eps negative or not finite, or momentum not finite
     */
    public BatchNorm1d(int numFeatures, float eps, float momentum) {
        this(numFeatures, eps, momentum, true, true);
    }

    /**
     * A layer with every option: without {@code affine} there are no weight and bias; without
     * {@code trackRunningStats} there are no buffers and the batch statistics are used in both modes.
     *
     * @throws IllegalArgumentException if {@code numFeatures} is not positive, eps negative or not finite, or momentum not finite
     */
    public BatchNorm1d(int numFeatures, float eps, float momentum, boolean affine, boolean trackRunningStats) {
        super("BatchNorm1d", numFeatures, eps, momentum, affine, trackRunningStats);
    }

    @Override
    boolean acceptsRank(int rank) {
        return rank == 2 || rank == 3;
    }

    @Override
    String expectedShapes() {
        return "[N, C] or [N, C, L]";
    }
}
