/**
 * Arrays and the numerics on them, with no notion of gradients: {@link dev.grad4j.tensor.Shape}
 * (immutable dimensions and NumPy broadcasting), {@link dev.grad4j.tensor.NDArray} (a contiguous,
 * row-major float32 array) and {@link dev.grad4j.tensor.Backend}, the interface through which
 * every layer above computes. {@link dev.grad4j.tensor.CpuBackend} implements it on primitive
 * arrays: blocked, packed and multi-threaded GEMM, fast paths for the common broadcast and
 * reduction patterns, and the in-place optimizer updates.
 *
 * <p>Arrays are created by factories and read through copies; only the backend's explicitly named
 * in-place methods change one:
 *
 * <pre>{@code
 * Backend backend = Backend.cpu();
 * NDArray x = NDArray.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);    // [2, 3]
 * NDArray w = NDArray.randn(new SplittableRandom(0), 4, 3);        // [4, 3]
 * NDArray y = backend.matmul(x, false, w, true);                   // x @ wᵀ: [2, 4]
 * NDArray rowSums = backend.sum(y, new int[] {1}, false);          // [2]
 * }</pre>
 *
 * <p>Kernels: when the JVM is started with {@code --add-modules jdk.incubator.vector}, the
 * elementwise, GEMM and optimizer kernels use the Java Vector API; otherwise (or with
 * {@code -Dgrad4j.kernels=scalar}) scalar kernels that give bit-identical elementwise and optimizer
 * results run. The kernel thread pool has {@code -Dgrad4j.threads=N} threads (default: the
 * available processors); every output element is computed by one thread in a fixed order, so
 * results do not depend on the thread count. The choice is logged once at DEBUG through SLF4J.
 *
 * <p>Errors: invalid arguments throw {@link java.lang.IllegalArgumentException} with a message of
 * the form {@code op: what is wrong: shapes}, for example
 * {@code matmul: inner dimensions differ: [2, 3] @ [4, 5]}.
 */
package dev.grad4j.tensor;
