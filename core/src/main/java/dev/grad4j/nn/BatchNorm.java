package dev.grad4j.nn;

import dev.grad4j.autograd.Tensor;
import dev.grad4j.tensor.Backend;
import dev.grad4j.tensor.NDArray;

import java.util.Objects;
import java.util.Optional;

/**
 * What {@link BatchNorm1d} and {@link BatchNorm2d} share, as PyTorch's {@code _BatchNorm}: the
 * parameters, buffers and the forward; the subclasses differ in the input ranks they accept.
 */
abstract class BatchNorm extends AbstractModule {

    private final String kind;
    private final int numFeatures;
    private final float eps;
    private final float momentum;
    private final Tensor weight;
    private final Tensor bias;
    private final NDArray runningMean;
    private final NDArray runningVar;
    private final NDArray numBatchesTracked;

    BatchNorm(String kind, int numFeatures, float eps, float momentum, boolean affine, boolean trackRunningStats) {
        if (numFeatures <= 0) {
            throw new IllegalArgumentException(kind + ": num_features must be positive, got " + numFeatures);
        }
        if (!(eps >= 0) || !Float.isFinite(eps)) {
            throw new IllegalArgumentException(kind + ": eps must be finite and >= 0, got " + eps);
        }
        if (!Float.isFinite(momentum)) {
            throw new IllegalArgumentException(kind + ": momentum must be finite, got " + momentum);
        }
        this.kind = kind;
        this.numFeatures = numFeatures;
        this.eps = eps;
        this.momentum = momentum;
        this.weight = affine ? registerParameter("weight", NDArray.ones(numFeatures)) : null;
        this.bias = affine ? registerParameter("bias", NDArray.zeros(numFeatures)) : null;
        if (trackRunningStats) {
            this.runningMean = registerBuffer("running_mean", NDArray.zeros(numFeatures));
            this.runningVar = registerBuffer("running_var", NDArray.ones(numFeatures));
            this.numBatchesTracked = registerIntegerBuffer("num_batches_tracked", NDArray.scalar(0));
        } else {
            this.runningMean = null;
            this.runningVar = null;
            this.numBatchesTracked = null;
        }
    }

    /** Whether the subclass takes inputs of this rank. */
    abstract boolean acceptsRank(int rank);

    /** The accepted input shapes, for error messages. */
    abstract String expectedShapes();

    /**
     * Normalises {@code x} per channel (dim 1): with the batch statistics in training mode (updating
     * the running ones, and counting the batch in {@code num_batches_tracked}), with the running
     * statistics in evaluation mode. Without running statistics the batch statistics are always used.
     *
     * @throws IllegalArgumentException if the input's rank or channel count is wrong, or a training
     *     batch has one value per channel
     */
    @Override
    public Tensor forward(Tensor x) {
        Objects.requireNonNull(x, kind + ": input is null");
        if (!acceptsRank(x.shape().rank()) || x.shape().dim(1) != numFeatures) {
            throw new IllegalArgumentException(kind + "(" + numFeatures + "): input must be " + expectedShapes()
                    + " with C = " + numFeatures + ", got " + x.shape());
        }
        boolean useBatchStats = isTraining() || runningMean == null;
        Tensor y = x.batchNorm(weight, bias, runningMean, runningVar, useBatchStats, momentum, eps);
        if (isTraining() && numBatchesTracked != null) {
            Backend.cpu().assign(numBatchesTracked, NDArray.scalar(numBatchesTracked.item() + 1));
        }
        return y;
    }

    /** Number of channels C. */
    public int numFeatures() {
        return numFeatures;
    }

    /** The weight {@code [C]} (initially ones), or empty without affine parameters. */
    public Optional<Tensor> weight() {
        return Optional.ofNullable(weight);
    }

    /** The bias {@code [C]} (initially zeros), or empty without affine parameters. */
    public Optional<Tensor> bias() {
        return Optional.ofNullable(bias);
    }

    /** The live running mean {@code [C]} (initially zeros), or empty when running statistics are not tracked. */
    public Optional<NDArray> runningMean() {
        return Optional.ofNullable(runningMean);
    }

    /** The live running variance {@code [C]} (initially ones), or empty when running statistics are not tracked. */
    public Optional<NDArray> runningVar() {
        return Optional.ofNullable(runningVar);
    }

    /** The number of training forwards so far ({@code num_batches_tracked}); 0 when not tracked. */
    public long numBatchesTracked() {
        return numBatchesTracked == null ? 0 : (long) numBatchesTracked.item();
    }

    /** {@code BatchNorm2d(16, eps=1e-05, momentum=0.1, affine=true, track_running_stats=true)}. */
    @Override
    public String toString() {
        return kind + "(" + numFeatures + ", eps=" + eps + ", momentum=" + momentum + ", affine=" + (weight != null)
                + ", track_running_stats=" + (runningMean != null) + ")";
    }
}
