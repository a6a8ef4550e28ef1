package dev.grad4j.nn;

import dev.grad4j.autograd.Tensor;

import java.util.Objects;

/** The SiLU (swish) activation module {@code x * sigmoid(x)} ({@code torch.nn.SiLU}). Any shape; no parameters. */
public final class SiLU implements Module {

    /** Creates the activation. */
    public SiLU() {
    }

    /** Returns {@code x.silu()}, same shape as {@code x}. */
    @Override
    public Tensor forward(Tensor x) {
        return Objects.requireNonNull(x, "SiLU: input is null").silu();
    }

    /** {@code SiLU}. */
    @Override
    public String toString() {
        return "SiLU";
    }
}
