package dev.grad4j.autograd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.grad4j.nn.Linear;
import dev.grad4j.nn.Losses;
import dev.grad4j.nn.Module;
import dev.grad4j.nn.Sequential;
import dev.grad4j.tensor.Backend;
import dev.grad4j.tensor.BinaryOp;
import dev.grad4j.tensor.NDArray;
import dev.grad4j.tensor.Shape;
import dev.grad4j.tensor.UnaryOp;

import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

/**
 * The custom-op API as a user sees it: a forward value computed with the {@link Backend} and a
 * backward lambda, recorded with {@link Tensor#record}, checked with {@link GradCheck}. The ops
 * here are the ones {@code docs/autograd.md} walks through.
 */
class CustomOpTest {

    private static final Backend B = Backend.cpu();

    /**
     * {@code softplus(x) = log(1 + e^x)}, computed as {@code max(x, 0) + log(1 + e^-|x|)} so that it
     * stays finite for large {@code |x|}; its derivative is {@code sigmoid(x)}.
     */
    static Tensor softplus(Tensor x) {
        NDArray xv = x.value();
        NDArray y = B.binary(BinaryOp.ADD, B.unary(UnaryOp.RELU, xv),
                B.unary(UnaryOp.LOG, B.binary(BinaryOp.ADD, NDArray.scalar(1f),
                        B.unary(UnaryOp.EXP, B.unary(UnaryOp.NEG, B.unary(UnaryOp.ABS, xv))))));
        return Tensor.record("softplus", y, (input, grad) -> B.binary(BinaryOp.MUL, grad, B.unary(UnaryOp.SIGMOID, xv)), x);
    }

    /**
     * {@code s * x²} with {@code s} broadcast against {@code x}: two inputs, and a rule that returns
     * the gradient of {@code s} in the output's shape, leaving the engine to sum it back.
     */
    static Tensor scaledSquare(Tensor x, Tensor s) {
        NDArray xv = x.value();
        NDArray sv = s.value();
        NDArray square = B.binary(BinaryOp.MUL, xv, xv);
        NDArray y = B.binary(BinaryOp.MUL, sv, square);
        return Tensor.record("scaledSquare", y, (input, grad) -> input == 0
                ? B.binary(BinaryOp.MUL, grad, B.binary(BinaryOp.MUL, B.scale(sv, 2f), xv))   // d/dx = 2 s x
                : B.binary(BinaryOp.MUL, grad, square), x, s);                                 // d/ds = x²
    }

    @Test
    void softplusMatchesFiniteDifferences() {
        GradCheck.Result r = GradCheck.assertClose(xs -> softplus(xs.get(0)).sum(), Inputs.randn(1, 3, 4));
        assertThat(r.passed()).isTrue();
        // a non-scalar output is checked against a random upstream gradient
        GradCheck.assertClose(xs -> softplus(xs.get(0)), Inputs.randn(2, 5));
    }

    @Test
    void softplusIsFiniteAndExactForLargeInputs() {
        NDArray y = softplus(Tensor.constant(NDArray.of(new float[] {-100f, 0f, 100f}, 3))).value();
        assertThat(y.toArray()).containsExactly(0f, (float) Math.log(2), 100f);
    }

    @Test
    void softplusComposesWithBuiltInOps() {
        Function<List<Tensor>, Tensor> f = xs -> softplus(xs.get(0).matmul(xs.get(1))).mul(xs.get(0).sum()).mean();
        GradCheck.assertClose(f, Inputs.randn(3, 2, 3), Inputs.randn(4, 3, 2));
    }

    @Test
    void aTensorUsedTwiceAccumulatesItsGradient() {
        // softplus(x) + softplus(x) has gradient 2 sigmoid(x)
        NDArray x0 = Inputs.randn(5, 4);
        Tensor x = Tensor.var("x", x0);
        NDArray g = softplus(x).add(softplus(x)).sum().backward().wrt(x);
        float[] expected = B.scale(B.unary(UnaryOp.SIGMOID, x0), 2f).toArray();
        assertThat(g.toArray()).containsExactly(expected);
        GradCheck.assertClose(xs -> softplus(xs.get(0)).add(softplus(xs.get(0))).sum(), x0);
    }

    @Test
    void broadcastInputGetsItsGradientSummedBack() {
        // s [3] against x [2, 3]; s [] against x [2, 3]
        GradCheck.assertClose(xs -> scaledSquare(xs.get(0), xs.get(1)).sum(), Inputs.randn(6, 2, 3), Inputs.randn(7, 3));
        GradCheck.Result r = GradCheck.assertClose(xs -> scaledSquare(xs.get(0), xs.get(1)),
                Inputs.randn(8, 2, 3), Inputs.randn(9));
        assertThat(r.inputs().get(1).shape()).isEqualTo(Shape.scalar());
    }

    @Test
    void onlyTrackedInputsGetGradients() {
        Tensor x = Tensor.var("x", Inputs.randn(10, 2, 3));
        Tensor s = Tensor.constant(NDArray.scalar(3f));
        Gradients g = scaledSquare(x, s).sum().backward();
        assertThat(g.variables()).containsExactly(x);
        float[] xv = x.value().toArray();
        float[] dx = g.wrt(x).toArray();
        for (int i = 0; i < xv.length; i++) {
            assertThat(dx[i]).isEqualTo(6f * xv[i]);
        }
    }

    @Test
    void customOpInAModelTrainsLikeABuiltInOne() {
        SplittableRandom random = new SplittableRandom(3);
        Module model = new Sequential(new Linear(3, 8, random), CustomOpTest::softplus, new Linear(8, 1, random));
        Tensor x = Tensor.constant(NDArray.randn(random, 16, 3));
        Tensor y = Tensor.constant(NDArray.randn(random, 16, 1));
        Gradients grads = Losses.mse(model.forward(x), y).backward();
        assertThat(grads.variables()).containsExactlyInAnyOrderElementsOf(model.parameters());
    }

    @Test
    void noGradRecordsNothing() {
        Tensor x = Tensor.var("x", Inputs.randn(11, 3));
        Tensor y;
        try (var scope = Autograd.noGrad()) {
            y = softplus(x);
        }
        assertThat(y.requiresGrad()).isFalse();
        assertThat(y.inputs()).isEmpty();
        assertThat(softplus(x).requiresGrad()).isTrue();
        assertThat(softplus(x).op()).isEqualTo("softplus");
    }

    @Test
    void gradCheckCatchesAWrongRule() {
        // derivative of softplus written as e^x / (1 + e^x)^2 (the derivative of sigmoid): wrong
        Function<List<Tensor>, Tensor> wrong = xs -> {
            NDArray xv = xs.get(0).value();
            NDArray sig = B.unary(UnaryOp.SIGMOID, xv);
            return Tensor.record("softplus", softplus(Tensor.constant(xv)).value(),
                    (i, g) -> B.binary(BinaryOp.MUL, g, B.binary(BinaryOp.MUL, sig,
                            B.binary(BinaryOp.SUB, NDArray.scalar(1f), sig))), xs.get(0)).sum();
        };
        assertThatThrownBy(() -> GradCheck.assertClose(wrong, Inputs.randn(12, 2, 2)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("input 0 (x0, shape [2, 2])");
    }

    @Test
    void aRuleReturningTheWrongShapeIsReportedByOpName() {
        Tensor x = Tensor.var("x", Inputs.randn(13, 2, 3));
        Tensor y = Tensor.record("badOp", x.value().copy(), (i, g) -> NDArray.zeros(4), x);
        assertThatThrownBy(() -> y.sum().backward())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("badOp")
                .hasMessageContaining("[4]");
    }
}
