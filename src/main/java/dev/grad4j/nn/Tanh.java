package dev.grad4j.nn;

import dev.grad4j.autograd.Tensor;

/**
 * The activation module: the hyperbolic tangent elementwise.
 * Any shape; no parameters.
 */
public final class Tanh implements Module {

    /** Creates the activation. */
    public Tanh() {
    }

    /** Returns {@code x.tanh()}, same shape as {@code x}. */
    @Override
    public Tensor forward(Tensor x) {
        return x.tanh();
    }

    /** {@code Tanh}. */
    @Override
    public String toString() {
        return "Tanh";
    }
}
