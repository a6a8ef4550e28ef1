package dev.grad4j.nn;

import dev.grad4j.autograd.Tensor;

import java.util.Objects;

/**
 * The activation module: {@code max(x, 0)} elementwise; its gradient is 0 at 0, as in PyTorch.
 * Any shape; no parameters.
 */
public final class ReLU extends AbstractModule {

    /** Creates the activation. */
    public ReLU() {
    }

    /** Returns {@code x.relu()}, same shape as {@code x}. */
    @Override
    public Tensor forward(Tensor x) {
        return Objects.requireNonNull(x, "ReLU: input is null").relu();
    }

    /** {@code ReLU}. */
    @Override
    public String toString() {
        return "ReLU";
    }
}
