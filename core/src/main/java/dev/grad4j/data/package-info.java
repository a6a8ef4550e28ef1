/**
 * Feeding examples to a model: {@link dev.grad4j.data.Dataset}, the in-memory
 * {@link dev.grad4j.data.TensorDataset}, the seeded, resumable {@link dev.grad4j.data.DataLoader}
 * that cuts a dataset into {@link dev.grad4j.data.Batch}es, and readers for the IDX format of MNIST
 * ({@link dev.grad4j.data.IdxReader}, {@link dev.grad4j.data.Mnist}).
 *
 * <p>Integer data stays integer: labels of any shape and token-id inputs are
 * {@link dev.grad4j.tensor.IntArray}s ({@link dev.grad4j.data.Batch#labelArray()},
 * {@link dev.grad4j.data.Batch#intFeatures()}), ready for {@code Embedding} and
 * {@code Losses.crossEntropy(Tensor, IntArray)}.
 *
 * <p>Example:
 * <pre>{@code
 * Mnist mnist = Mnist.load(Path.of("examples/data/mnist10k"));
 * DataLoader loader = DataLoader.builder(mnist.train(), 64)
 *         .shuffle(RandomGenerator.of("L64X128MixRandom"))
 *         .build();
 * for (Batch batch : loader) {
 *     NDArray x = batch.features();   // [64, 784]
 *     IntArray y = batch.labelArray(); // [64]
 * }
 * TensorDataset text = new TensorDataset(inputIds, nextIds);   // IntArray [n, time] each
 * }</pre>
 */
package dev.grad4j.data;
