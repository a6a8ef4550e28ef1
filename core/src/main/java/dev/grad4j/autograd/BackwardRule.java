package dev.grad4j.autograd;

import dev.grad4j.tensor.NDArray;

/**
 * The derivative of one recorded op: given the gradient of the result, returns the gradient for
 * one of the op's inputs. The result may be in the output's broadcast shape; the engine sums it
 * back to the input's shape.
 */
@FunctionalInterface
public interface BackwardRule {

    /**
     * Returns the gradient with respect to input {@code input} (0-based) given {@code grad}, the
     * gradient of the op's output. Called only for inputs that need a gradient.
     */
    NDArray gradient(int input, NDArray grad);
}
