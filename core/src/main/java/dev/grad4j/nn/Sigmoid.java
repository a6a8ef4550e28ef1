package dev.grad4j.nn;

import dev.grad4j.autograd.Tensor;

import java.util.Objects;

/**
 * The activation module: the logistic function {@code 1 / (1 + e^-x)} elementwise.
 * Any shape; no parameters.
 */
public final class Sigmoid extends AbstractModule {

    /** Creates the activation. */
    public Sigmoid() {
    }

    /** Returns {@code x.sigmoid()}, same shape as {@code x}. */
    @Override
    public Tensor forward(Tensor x) {
        return Objects.requireNonNull(x, "Sigmoid: input is null").sigmoid();
    }

    /** {@code Sigmoid}. */
    @Override
    public String toString() {
        return "Sigmoid";
    }
}
