/**
 * Feeding examples to a model: {@link dev.grad4j.data.Dataset}, the in-memory
 * {@link dev.grad4j.data.TensorDataset}, the seeded, resumable {@link dev.grad4j.data.DataLoader}
 * that cuts a dataset into {@link dev.grad4j.data.Batch}es, and readers for the IDX format of MNIST
 * ({@link dev.grad4j.data.IdxReader}, {@link dev.grad4j.data.Mnist}).
 *
 * <p>Example:
 * <pre>{@code
 * Mnist mnist = Mnist.load(Path.of("examples/data/mnist10k"));
 * DataLoader loader = DataLoader.builder(mnist.train(), 64)
 *         .shuffle(RandomGenerator.of("L64X128MixRandom"))
 *         .build();
 * for (Batch batch : loader) {
 *     NDArray x = batch.features();   // [64, 784]
 *     int[] y = batch.labels();       // [64]
 * }
 * }</pre>
 */
package dev.grad4j.data;
