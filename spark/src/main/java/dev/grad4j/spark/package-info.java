/**
 * Synchronous data-parallel training of grad4j models on Apache Spark, with the arithmetic of a
 * single-machine run on the same global batch.
 *
 * <p>The driver holds the model and the optimizer. Each step it broadcasts the model's state as
 * float arrays, every partition computes the summed loss and gradient of its shard of the global
 * batch, the shard sums are added in a canonical order fixed by the partition indices
 * ({@code treeAggregate}), and the driver divides by the global batch size and applies the
 * optimizer. See {@link dev.grad4j.spark.DataParallelTrainer} and {@code docs/distributed.md}.
 */
package dev.grad4j.spark;
