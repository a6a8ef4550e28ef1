package dev.grad4j.spark;

import dev.grad4j.autograd.Tensor;
import dev.grad4j.data.Batch;
import dev.grad4j.nn.Losses;
import dev.grad4j.nn.Module;
import dev.grad4j.tensor.IntArray;

import java.io.Serializable;

/**
 * The training loss of a shard, as a SUM over its examples, shipped to the executors.
 *
 * <p>It must be a sum, not a mean: the shards of a global batch of {@code B} examples then add up
 * to the sum over the whole batch, and the driver divides that (and its gradient) by {@code B}
 * to get the mean a single machine computes. A mean per shard could not be combined without
 * knowing how many examples each shard had, and would weight small shards wrongly.
 */
@FunctionalInterface
public interface ExampleLoss extends Serializable {

    /**
     * Returns the summed loss of {@code model} on {@code batch}, a scalar recorded for backward.
     *
     * @param model the model, its parameters loaded for this step
     * @param batch the shard: features {@code [n, width]}, labels {@code [n]}
     * @return the sum of the per-example losses, a scalar
     */
    Tensor sum(Module model, Batch batch);

    /** Cross-entropy of the model's logits {@code [n, classes]} against the labels, summed. */
    static ExampleLoss crossEntropy() {
        return (model, batch) -> Losses.crossEntropy(model.forward(Tensor.constant(batch.features())),
                IntArray.vector(batch.labels()),
                Losses.CrossEntropyOptions.DEFAULTS.withReduction(Losses.Reduction.SUM));
    }
}
