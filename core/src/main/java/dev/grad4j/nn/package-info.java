/**
 * Layers and losses: {@link dev.grad4j.nn.Module} (a function with a tree of named parameters,
 * buffers and children, a state dict and a training mode) and {@link dev.grad4j.nn.AbstractModule}
 * (the base of layers and user models); containers {@link dev.grad4j.nn.Sequential} and
 * {@link dev.grad4j.nn.ModuleList}; {@link dev.grad4j.nn.Linear}; convolution and pooling
 * ({@link dev.grad4j.nn.Conv1d}, {@link dev.grad4j.nn.Conv2d}, {@link dev.grad4j.nn.MaxPool2d},
 * {@link dev.grad4j.nn.AvgPool2d}, {@link dev.grad4j.nn.AdaptiveAvgPool2d}, {@link dev.grad4j.nn.Flatten});
 * normalisation and dropout ({@link dev.grad4j.nn.BatchNorm1d}, {@link dev.grad4j.nn.BatchNorm2d},
 * {@link dev.grad4j.nn.LayerNorm}, {@link dev.grad4j.nn.Dropout}); sequence layers
 * ({@link dev.grad4j.nn.Embedding}, {@link dev.grad4j.nn.MultiheadAttention},
 * {@link dev.grad4j.nn.TransformerEncoderLayer}); the activation modules ({@link dev.grad4j.nn.ReLU},
 * {@link dev.grad4j.nn.LeakyReLU}, {@link dev.grad4j.nn.GELU}, {@link dev.grad4j.nn.SiLU},
 * {@link dev.grad4j.nn.Sigmoid}, {@link dev.grad4j.nn.Tanh}, {@link dev.grad4j.nn.Softmax},
 * {@link dev.grad4j.nn.LogSoftmax}); initialisers ({@link dev.grad4j.nn.Init}) and
 * {@link dev.grad4j.nn.Losses}.
 *
 * <p>Names and semantics follow PyTorch's {@code torch.nn}, so a model's state dict has the keys
 * a PyTorch user expects ({@code 0.weight}, {@code 1.running_mean}, ...). Randomness is explicit:
 * every initialiser and dropout mask draws from a {@link java.util.random.RandomGenerator} the
 * caller passes.
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
