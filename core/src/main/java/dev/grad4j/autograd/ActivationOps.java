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

    static Tensor gelu(Tensor x, boolean tanhApproximation) {
        return ElementwiseOps.unary(tanhApproximation ? UnaryOp.GELU_TANH : UnaryOp.GELU, x);
    }

    static Tensor silu(Tensor x) {
        return ElementwiseOps.unary(UnaryOp.SILU, x);
    }

    static Tensor leakyRelu(Tensor x, float slope) {
        NDArray xv = x.value();
        NDArray y = BACKEND.leakyRelu(xv, slope);
        return Tensor.record("leakyRelu", y, (i, g) -> BACKEND.leakyReluBackward(g, xv, slope), x);
    }

    static Tensor elu(Tensor x, float alpha) {
        NDArray xv = x.value();
        NDArray y = BACKEND.elu(xv, alpha);
        return Tensor.record("elu", y, (i, g) -> BACKEND.eluBackward(g, xv, alpha), x);
    }

    static Tensor softplus(Tensor x, float beta, float threshold) {
        NDArray xv = x.value();
        NDArray y = BACKEND.softplus(xv, beta, threshold);
        return Tensor.record("softplus", y, (i, g) -> BACKEND.softplusBackward(g, xv, beta, threshold), x);
    }

    static Tensor clamp(Tensor x, Float min, Float max) {
        if (min == null && max == null) {
            throw new IllegalArgumentException("clamp: at least one of min and max must be given");
        }
        float lo = min == null ? Float.NEGATIVE_INFINITY : min;
        float hi = max == null ? Float.POSITIVE_INFINITY : max;
        NDArray xv = x.value();
        NDArray y = BACKEND.clamp(xv, lo, hi);
        return Tensor.record("clamp", y, (i, g) -> BACKEND.clampBackward(g, xv, lo, hi), x);
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
