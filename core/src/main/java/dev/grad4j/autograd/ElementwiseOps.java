package dev.grad4j.autograd;

import static dev.grad4j.autograd.Tensor.BACKEND;

import dev.grad4j.tensor.BinaryOp;
import dev.grad4j.tensor.NDArray;
import dev.grad4j.tensor.UnaryOp;

/**
 * Arithmetic ops with their backward rules. Binary rules return gradients in the broadcast output
 * shape; the tape sums them back to each operand's shape.
 */
final class ElementwiseOps {

    private ElementwiseOps() {
    }

    static Tensor add(Tensor a, Tensor b) {
        NDArray y = BACKEND.binary(BinaryOp.ADD, a.value(), b.value());
        return Tensor.record("add", y, (i, g) -> g, a, b);
    }

    static Tensor sub(Tensor a, Tensor b) {
        NDArray y = BACKEND.binary(BinaryOp.SUB, a.value(), b.value());
        return Tensor.record("sub", y, (i, g) -> i == 0 ? g : BACKEND.unary(UnaryOp.NEG, g), a, b);
    }

    static Tensor mul(Tensor a, Tensor b) {
        NDArray av = a.value();
        NDArray bv = b.value();
        NDArray y = BACKEND.binary(BinaryOp.MUL, av, bv);
        return Tensor.record("mul", y, (i, g) -> BACKEND.binary(BinaryOp.MUL, g, i == 0 ? bv : av), a, b);
    }

    static Tensor div(Tensor a, Tensor b) {
        NDArray bv = b.value();
        NDArray y = BACKEND.binary(BinaryOp.DIV, a.value(), bv);
        // d(a/b)/da = 1/b; d(a/b)/db = -(a/b)/b = -y/b
        return Tensor.record("div", y, (i, g) -> {
            NDArray gb = BACKEND.binary(BinaryOp.DIV, g, bv);
            return i == 0 ? gb : BACKEND.unary(UnaryOp.NEG, BACKEND.binary(BinaryOp.MUL, gb, y));
        }, a, b);
    }

    static Tensor maximum(Tensor a, Tensor b) {
        NDArray av = a.value();
        NDArray bv = b.value();
        NDArray y = BACKEND.binary(BinaryOp.MAXIMUM, av, bv);
        return Tensor.record("maximum", y, (i, g) -> BACKEND.binary(BinaryOp.MUL, g,
                i == 0 ? BACKEND.binary(BinaryOp.GREATER_STEP, av, bv)
                       : BACKEND.binary(BinaryOp.GREATER_STEP, bv, av)), a, b);
    }

    static Tensor neg(Tensor x) {
        return unary(UnaryOp.NEG, x);
    }

    static Tensor exp(Tensor x) {
        return unary(UnaryOp.EXP, x);
    }

    static Tensor log(Tensor x) {
        return unary(UnaryOp.LOG, x);
    }

    static Tensor sqrt(Tensor x) {
        return unary(UnaryOp.SQRT, x);
    }

    static Tensor abs(Tensor x) {
        return unary(UnaryOp.ABS, x);
    }

    static Tensor pow(Tensor x, float exponent) {
        NDArray xv = x.value();
        NDArray y = BACKEND.pow(xv, exponent);
        return Tensor.record("pow", y, (i, g) -> BACKEND.powBackward(g, xv, exponent), x);
    }

    /** Any {@link UnaryOp}: forward and backward come from the backend's pair of kernels. */
    static Tensor unary(UnaryOp op, Tensor x) {
        NDArray xv = x.value();
        NDArray y = BACKEND.unary(op, xv);
        return Tensor.record(op.label(), y, (i, g) -> BACKEND.unaryBackward(op, g, xv, y), x);
    }
}
