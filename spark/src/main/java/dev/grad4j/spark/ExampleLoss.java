package dev.grad4j.spark;

import dev.grad4j.autograd.Tensor;
import dev.grad4j.data.Batch;
import dev.grad4j.nn.Losses;
import dev.grad4j.nn.Module;
import dev.grad4j.tensor.IntArray;

import java.io.Serializable;
import java.util.Objects;

/**
 * The training loss of a shard, as a SUM over its terms, shipped to the executors.
 *
 * <p>It must be a sum, not a mean: the shards of a global batch then add up to the sum over the
 * whole batch, and the driver divides that (and its gradient) by the number of terms of the whole
 * batch, {@link #terms(Batch)} added over the shards, to get the mean a single machine computes:
 * {@code B} for a batch of {@code B} class labels, {@code B·T} for {@code B} token sequences of
 * length {@code T} (PyTorch's mean over {@code logits.view(-1, V)}). A mean per shard could not be
 * combined without knowing how many terms each shard had, and would weight small shards wrongly.
 */
@FunctionalInterface
public interface ExampleLoss extends Serializable {

    /**
     * Returns the summed loss of {@code model} on {@code batch}, a scalar recorded for backward.
     *
     * @param model the model, its parameters loaded for this step
     * @param batch the shard: features {@code [n, width]} and labels {@code [n]}, or token ids
     *     {@code [n, T]} and targets {@code [n, T]}
     * @return the sum of the per-example (per-token) losses, a scalar
     */
    Tensor sum(Module model, Batch batch);

    /**
     * The number of terms in {@link #sum}: what the driver divides the global batch's sum by.
     * Default: the number of label elements ({@code n} for class labels {@code [n]}, {@code n·T}
     * for targets {@code [n, T]}).
     *
     * @param batch the shard
     * @return the count of terms of the mean
     */
    default long terms(Batch batch) {
        return batch.labelArray() != null ? batch.labelArray().size() : batch.size();
    }

    /**
     * The model's logits for {@code batch}, used by evaluation for the accuracy: {@code [n, classes]}
     * for feature vectors, {@code [n, T, V]} for token sequences. Default: {@code model.forward} of
     * the features, or of the token ids as floats (which an {@code Embedding} first in a
     * {@code Sequential} accepts).
     *
     * @param model the model
     * @param batch the examples
     * @return the logits, the last dimension the classes
     */
    default Tensor logits(Module model, Batch batch) {
        return model.forward(Tensor.constant(batch.features() != null ? batch.features()
                : batch.intFeatures().toFloat()));
    }

    /**
     * Cross-entropy of the model's logits {@code [n, classes]} against the labels, summed.
     *
     * @return the loss of feature vectors with class labels
     */
    static ExampleLoss crossEntropy() {
        return (model, batch) -> {
            if (batch.features() == null) {
                throw new IllegalArgumentException("ExampleLoss.crossEntropy: the batch holds token sequences "
                        + batch + "; use ExampleLoss.sequenceCrossEntropy");
            }
            return Losses.crossEntropy(model.forward(Tensor.constant(batch.features())),
                    IntArray.vector(batch.labels()),
                    Losses.CrossEntropyOptions.DEFAULTS.withReduction(Losses.Reduction.SUM));
        };
    }

    /**
     * How a sequence model maps token ids {@code [n, T]} to logits {@code [n, T, V]}, shipped to the
     * executors, for models whose entry point is not {@code Module.forward(Tensor)}:
     * {@code (model, ids) -> ((Gpt) model).forward(ids, null)}.
     */
    @FunctionalInterface
    interface TokenForward extends Serializable {

        /**
         * Returns the logits of {@code ids}.
         *
         * @param model the model, its parameters loaded
         * @param ids token ids {@code [n, T]}
         * @return logits {@code [n, T, V]}
         */
        Tensor logits(Module model, IntArray ids);
    }

    /**
     * Next-token cross-entropy of a sequence model whose {@code forward} takes the ids as floats
     * (an {@code Embedding} first in a {@code Sequential}); see {@link #sequenceCrossEntropy(TokenForward)}.
     *
     * @return the loss of token sequences
     */
    static ExampleLoss sequenceCrossEntropy() {
        return sequenceCrossEntropy((model, ids) -> model.forward(Tensor.constant(ids.toFloat())));
    }

    /**
     * Cross-entropy of the logits {@code [n, T, V]} that {@code forward} gives for the inputs,
     * against the targets {@code [n, T]}: {@code Losses.crossEntropy(logits.reshape(-1, V),
     * targets.reshape(-1))} summed over the {@code n·T} tokens; targets equal to PyTorch's
     * {@code ignore_index} (-100) give 0 and are not counted in {@link #terms}, so the driver's mean
     * is PyTorch's.
     *
     * @param forward the model's logits for token ids
     * @return the loss of token sequences
     */
    static ExampleLoss sequenceCrossEntropy(TokenForward forward) {
        Objects.requireNonNull(forward, "ExampleLoss.sequenceCrossEntropy: forward is null");
        return new SequenceCrossEntropy(forward);
    }
}
