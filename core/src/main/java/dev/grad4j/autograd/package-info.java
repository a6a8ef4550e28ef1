/**
 * Reverse-mode automatic differentiation: {@link dev.grad4j.autograd.Tensor} (a value in a
 * recorded computation), the tape that {@link dev.grad4j.autograd.Tensor#backward()} walks,
 * {@link dev.grad4j.autograd.Gradients} (its immutable result), the per-thread switches of
 * {@link dev.grad4j.autograd.Autograd} ({@code noGrad}), and {@link dev.grad4j.autograd.GradCheck}
 * to test backward rules against finite differences.
 *
 * <p>Every op computes its value through the {@link dev.grad4j.tensor.Backend} and, while
 * recording is on and an input is tracked, records a {@link dev.grad4j.autograd.BackwardRule}
 * beside it. {@code backward()} replays the recorded ops in reverse topological order, sums
 * broadcast gradients back to each input's shape in one place, accumulates gradients of tensors
 * used more than once, and returns the gradient of every variable:
 *
 * <pre>{@code
 * Tensor x = Tensor.constant(NDArray.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3));   // [batch, in]
 * Tensor w = Tensor.var("w", NDArray.of(new float[] {0.1f, -0.2f, 0.3f}, 1, 3));  // [out, in]
 * Tensor loss = x.matmul(w.transpose(0, 1)).tanh().mean();
 * NDArray dw = loss.backward().wrt(w);                                           // [1, 3]
 * }</pre>
 *
 * <p>A custom op supplies its forward value and a backward lambda through
 * {@link dev.grad4j.autograd.Tensor#record Tensor.record}; {@code docs/autograd.md} shows one
 * end to end. There are no {@code .grad} fields and no {@code zeroGrad()}: each
 * {@code backward()} returns fresh gradients.
 */
package dev.grad4j.autograd;
