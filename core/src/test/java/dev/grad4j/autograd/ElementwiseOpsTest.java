package dev.grad4j.autograd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.grad4j.tensor.Backend;
import dev.grad4j.tensor.BinaryOp;
import dev.grad4j.tensor.NDArray;
import dev.grad4j.tensor.UnaryOp;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BinaryOperator;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Finite-difference checks of the arithmetic ops, including broadcasting operands. */
class ElementwiseOpsTest {

    private static final Backend B = Backend.cpu();

    static final int[][][] PAIRS = {
        {{}, {}},
        {{3}, {3}},
        {{2, 3}, {2, 3}},
        {{2, 3}, {3}},
        {{3}, {2, 3}},
        {{2, 3}, {}},
        {{}, {2, 3}},
        {{2, 1}, {1, 3}},
        {{4, 1, 3}, {2, 1}},
        {{1}, {2, 2}},
        {{2, 3, 4}, {3, 1}},
    };

    enum Binary {
        ADD(Tensor::add, BinaryOp.ADD),
        SUB(Tensor::sub, BinaryOp.SUB),
        MUL(Tensor::mul, BinaryOp.MUL),
        DIV(Tensor::div, BinaryOp.DIV),
        MAXIMUM(Tensor::maximum, BinaryOp.MAXIMUM);

        final BinaryOperator<Tensor> op;
        final BinaryOp kernel;

        Binary(BinaryOperator<Tensor> op, BinaryOp kernel) {
            this.op = op;
            this.kernel = kernel;
        }
    }

    static Stream<Arguments> binaryCases() {
        List<Arguments> cases = new ArrayList<>();
        for (Binary op : Binary.values()) {
            for (int[][] p : PAIRS) {
                cases.add(Arguments.of(op, p[0], p[1]));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("binaryCases")
    void binaryGradientsMatchFiniteDifferences(Binary op, int[] da, int[] db) {
        NDArray a;
        NDArray b;
        switch (op) {
            case DIV:
                a = Inputs.randn(1, da);
                b = Inputs.awayFromZero(2, db);
                break;
            case MAXIMUM:
                a = Inputs.grid(3, 0.0, da); // never within 0.125 of b: no tie inside the step
                b = Inputs.grid(4, 0.125, db);
                break;
            default:
                a = Inputs.randn(5, da);
                b = Inputs.randn(6, db);
        }
        Tensor ta = Tensor.var("a", a);
        Tensor tb = Tensor.var("b", b);
        assertThat(op.op.apply(ta, tb).value()).isEqualTo(B.binary(op.kernel, a, b));
        GradCheck.assertClose(xs -> op.op.apply(xs.get(0), xs.get(1)), a, b);
    }

    @Test
    void maximumSplitsTiesEqually() {
        Tensor a = Tensor.var("a", NDArray.of(new float[] {1, 2, 3}, 3));
        Tensor b = Tensor.var("b", NDArray.of(new float[] {3, 2, 1}, 3));
        Gradients g = a.maximum(b).sum().backward();
        assertThat(g.wrt(a).toArray()).containsExactly(0f, 0.5f, 1f);
        assertThat(g.wrt(b).toArray()).containsExactly(1f, 0.5f, 0f);
    }

    @Test
    void scalarOverloadsAddAndMultiplyConstants() {
        NDArray x = Inputs.randn(7, 2, 3);
        GradCheck.assertClose(xs -> xs.get(0).add(2.5f).mul(-3f), x);
        Tensor v = Tensor.var("x", x);
        assertThat(v.add(1f).value()).isEqualTo(B.binary(BinaryOp.ADD, x, NDArray.scalar(1f)));
    }

    // ---- unary --------------------------------------------------------------------------------

    static final int[][] SHAPES = {{}, {3}, {2, 3}, {2, 3, 4}};

    enum Unary {
        NEG(Tensor::neg, UnaryOp.NEG),
        EXP(Tensor::exp, UnaryOp.EXP),
        LOG(Tensor::log, UnaryOp.LOG),
        SQRT(Tensor::sqrt, UnaryOp.SQRT),
        ABS(Tensor::abs, UnaryOp.ABS);

        final UnaryOperator<Tensor> op;
        final UnaryOp kernel;

        Unary(UnaryOperator<Tensor> op, UnaryOp kernel) {
            this.op = op;
            this.kernel = kernel;
        }
    }

    static Stream<Arguments> unaryCases() {
        List<Arguments> cases = new ArrayList<>();
        for (Unary op : Unary.values()) {
            for (int[] s : SHAPES) {
                cases.add(Arguments.of(op, s));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("unaryCases")
    void unaryGradientsMatchFiniteDifferences(Unary op, int[] dims) {
        NDArray x;
        switch (op) {
            case LOG:
            case SQRT:
                x = Inputs.uniform(8, 0.5, 3, dims);
                break;
            case ABS:
                x = Inputs.awayFromZero(9, dims);
                break;
            default:
                x = Inputs.randn(10, dims);
        }
        assertThat(op.op.apply(Tensor.var("x", x)).value()).isEqualTo(B.unary(op.kernel, x));
        GradCheck.assertClose(xs -> op.op.apply(xs.get(0)), x);
    }

    static Stream<Arguments> powCases() {
        List<Arguments> cases = new ArrayList<>();
        for (float p : new float[] {2f, 3f, 1f, 0f, 0.5f, -1f, -2.5f, 1.5f}) {
            for (int[] s : SHAPES) {
                cases.add(Arguments.of(p, s));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "x^{0} {1}")
    @MethodSource("powCases")
    void powGradientsMatchFiniteDifferences(float p, int[] dims) {
        NDArray x = Inputs.uniform(11, 0.5, 2.5, dims);
        GradCheck.assertClose(xs -> xs.get(0).pow(p), x);
    }

    @Test
    void integerPowersWorkOnNegativeInputs() {
        NDArray x = Inputs.uniform(12, -2.5, -0.5, 2, 3);
        GradCheck.assertClose(xs -> xs.get(0).pow(2f), x);
        GradCheck.assertClose(xs -> xs.get(0).pow(3f), x);
    }

    @Test
    void compositionOfArithmeticOps() {
        // (a * b + c) / sqrt(d) - exp(-|a|), broadcasting throughout
        GradCheck.assertClose(xs -> xs.get(0).mul(xs.get(1)).add(xs.get(2)).div(xs.get(3).sqrt())
                        .sub(xs.get(0).abs().neg().exp()),
                Inputs.awayFromZero(13, 2, 3), Inputs.randn(14, 3), Inputs.randn(15, 2, 1), Inputs.uniform(16, 0.5, 2));
    }
}
