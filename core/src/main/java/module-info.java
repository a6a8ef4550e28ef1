/**
 * grad4j: tensors, reverse-mode autograd, layers, losses and optimizers that reproduce PyTorch,
 * in plain Java.
 *
 * <p>Only the public packages are exported. The Java Vector API kernels are used when the JVM
 * adds {@code jdk.incubator.vector} ({@code --add-modules jdk.incubator.vector}); without it the
 * module resolves and runs its scalar kernels.
 */
module dev.grad4j {
    requires org.slf4j;
    requires static jdk.incubator.vector;

    exports dev.grad4j.tensor;
    exports dev.grad4j.autograd;
    exports dev.grad4j.nn;
    exports dev.grad4j.nn.optim;
    exports dev.grad4j.data;
    exports dev.grad4j.io;
    exports dev.grad4j.train;
}
