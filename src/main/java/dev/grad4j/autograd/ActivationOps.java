package dev.grad4j.autograd;

import static dev.grad4j.autograd.Tensor.BACKEND;

import dev.grad4j.tensor.NDArray;
import dev.grad4j.tensor.UnaryOp;

/** Activation functions and the softmax family, with their backward rules. */
final class ActivationOps {

    private ActivationOps() {
    }

    static Tensor relu(Tensor x) {
        return ElementwiseOps.unary(UnaryOp.RELU, x);
    }

    static Tensor sigmoid(Tensor x) {
        return ElementwiseOps.unary(UnaryOp.SIGMOID, x);
    }

    static Tensor tanh(Tensor x) {
        return ElementwiseOps.unary(UnaryOp.TANH, x);
    }

    static Tensor softmax(Tensor x, int axis) {
        NDArray y = BACKEND.softmax(x.value(), axis);
        return Tensor.record("softmax", y, (i, g) -> BACKEND.softmaxBackward(g, y, axis), x);
    }

    static Tensor logSoftmax(Tensor x, int axis) {
        NDArray y = BACKEND.logSoftmax(x.value(), axis);
        return Tensor.record("logSoftmax", y, (i, g) -> BACKEND.logSoftmaxBackward(g, y, axis), x);
    }
}
