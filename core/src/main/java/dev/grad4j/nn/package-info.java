/**
 * Layers and losses: {@link dev.grad4j.nn.Module} (a function with named parameters and a state
 * dict), {@link dev.grad4j.nn.Linear}, {@link dev.grad4j.nn.Sequential}, the activation modules
 * ({@link dev.grad4j.nn.ReLU}, {@link dev.grad4j.nn.Sigmoid}, {@link dev.grad4j.nn.Tanh},
 * {@link dev.grad4j.nn.Softmax}, {@link dev.grad4j.nn.LogSoftmax}), initialisers
 * ({@link dev.grad4j.nn.Init}) and {@link dev.grad4j.nn.Losses}.
 *
 * <p>Names and semantics follow PyTorch's {@code torch.nn}, so a model's state dict has the keys
 * a PyTorch user expects ({@code 0.weight}, {@code 0.bias}, ...). Randomness is explicit: every
 * initialiser draws from a {@link java.util.random.RandomGenerator} the caller passes.
 *
 * <pre>{@code
 * RandomGenerator random = RandomGeneratorFactory.of("L64X128MixRandom").create(42);
 * Module model = new Sequential(new Linear(4, 16, random), new ReLU(), new Linear(16, 3, random));
 * Optimizer optimizer = new Adam(model.parameters(), 1e-3f);
 * Tensor loss = Losses.crossEntropy(model.forward(Tensor.constant(x)), labels);
 * optimizer.step(loss.backward());
 * }</pre>
 */
package dev.grad4j.nn;
