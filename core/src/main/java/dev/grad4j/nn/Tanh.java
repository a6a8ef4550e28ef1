package dev.grad4j.nn;

import dev.grad4j.autograd.Tensor;

import java.util.Objects;

/**
 * The activation module: the hyperbolic tangent elementwise.
 * Any shape; no parameters.
 */
public final class Tanh extends AbstractModule {

    /** Creates the activation. */
    public Tanh() {
    }

    /** Returns {@code x.tanh()}, same shape as {@code x}. */
    @Override
    public Tensor forward(Tensor x) {
        return Objects.requireNonNull(x, "Tanh: input is null").tanh();
    }

    /** {@code Tanh}. */
    @Override
    public String toString() {
        return "Tanh";
    }
}
