package dev.grad4j.autograd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.grad4j.tensor.NDArray;
import dev.grad4j.tensor.Shape;

import java.util.stream.Stream;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** var, std, logSumExp and min: finite-difference gradients, stability with large offsets, bad input. */
class ReduceOpsSequenceTest {

    static Stream<Arguments> reductions() {
        return Stream.of(
                Arguments.of(new int[] {3, 4}, new int[] {1}, false),
                Arguments.of(new int[] {2, 3, 4}, new int[] {0, 2}, true),
                Arguments.of(new int[] {5}, null, false),
                Arguments.of(new int[] {2, 3, 4}, new int[] {-1}, true),
                Arguments.of(new int[] {2, 3, 4}, new int[] {-2}, false),
                Arguments.of(new int[] {2, 3, 4}, new int[] {}, true),
                Arguments.of(new int[] {4, 6}, new int[] {1, 0}, false));
    }

    @ParameterizedTest(name = "{0} axes {1} keep {2}")
    @MethodSource("reductions")
    void varGradient(int[] dims, int[] axes, boolean keep) {
        for (int correction : new int[] {0, 1, 2}) {
            GradCheck.assertClose(xs -> xs.get(0).var(axes, correction, keep), Inputs.randn(1, dims));
        }
    }

    @ParameterizedTest(name = "{0} axes {1} keep {2}")
    @MethodSource("reductions")
    void stdGradient(int[] dims, int[] axes, boolean keep) {
        for (int correction : new int[] {0, 1}) {
            GradCheck.assertClose(xs -> xs.get(0).std(axes, correction, keep), Inputs.randn(2, dims));
        }
    }

    @ParameterizedTest(name = "{0} axes {1} keep {2}")
    @MethodSource("reductions")
    void logSumExpGradient(int[] dims, int[] axes, boolean keep) {
        GradCheck.assertClose(xs -> xs.get(0).logSumExp(axes, keep), Inputs.randn(3, dims));
    }

    @ParameterizedTest(name = "{0} axes {1} keep {2}")
    @MethodSource("reductions")
    void minGradientGoesToTheMinimum(int[] dims, int[] axes, boolean keep) {
        GradCheck.assertClose(xs -> xs.get(0).min(axes, keep), Inputs.grid(4, 0, dims));
    }

    @Test
    void reductionsOfAScalar() {
        NDArray s = NDArray.scalar(1.5f);
        assertThat(Tensor.constant(s).min().item()).isEqualTo(1.5f);
        assertThat(Tensor.constant(s).logSumExp(null, false).item()).isEqualTo(1.5f);
        assertThat(Tensor.constant(s).var(null, 0, false).item()).isZero();
        assertThat(Tensor.constant(s).var(new int[] {0}, 0, true).shape()).isEqualTo(Shape.scalar());
    }

    @Test
    void varMatchesTheTwoPassFormula() {
        NDArray x = NDArray.of(new float[] {1, 2, 3, 4, 6, 8}, 2, 3);
        NDArray v = Tensor.constant(x).var(new int[] {1}, 1, false).value();
        assertThat(v).isEqualTo(NDArray.of(new float[] {1, 4}, 2));
        NDArray s = Tensor.constant(x).std(new int[] {1}, 0, true).value();
        assertThat(s.get(1, 0)).isCloseTo((float) Math.sqrt(8.0 / 3), within(1e-6f));
    }

    @Test
    void varIgnoresALargeOffset() {
        // E[x^2] - E[x]^2 in float32 loses every digit here; two passes in double do not
        NDArray x = Inputs.randn(5, 4, 6);
        float[] shifted = x.toArray();
        for (int i = 0; i < shifted.length; i++) {
            shifted[i] += 1000f;
        }
        NDArray base = Tensor.constant(x).var(new int[] {1}, 1, false).value();
        NDArray far = Tensor.constant(NDArray.of(shifted, 4, 6)).var(new int[] {1}, 1, false).value();
        for (int i = 0; i < 4; i++) {
            // the shift itself rounds x by up to 3e-5 (ulp of 1000 / 2)
            assertThat(far.get(i)).isCloseTo(base.get(i), within(1e-3f * base.get(i) + 1e-4f));
        }
        GradCheck.assertClose(xs -> xs.get(0).var(new int[] {1}, 1, false), NDArray.of(shifted, 4, 6));
    }

    @Test
    void stdOfAConstantGroupHasZeroGradient() {
        Tensor x = Tensor.var("x", NDArray.of(new float[] {2, 2, 2, 1, 2, 3}, 2, 3));
        NDArray g = x.std(new int[] {1}, 1, false).sum().backward().wrt(x);
        assertThat(g.get(0, 0)).isZero();
        assertThat(g.get(0, 2)).isZero();
        assertThat(g.get(1, 0)).isCloseTo(-0.5f, within(1e-6f));
    }

    @Test
    void logSumExpIsStableForLargeAndSmallInputs() {
        NDArray x = Inputs.randn(6, 2, 4);
        NDArray base = Tensor.constant(x).logSumExp(new int[] {1}, true).value();
        Tensor xv = Tensor.var("x", x);
        NDArray baseGrad = xv.logSumExp(new int[] {1}, true).sum().backward().wrt(xv);
        for (float offset : new float[] {100f, -100f, -200f, 1000f}) {
            float[] d = x.toArray();
            for (int i = 0; i < d.length; i++) {
                d[i] += offset;
            }
            NDArray y = Tensor.constant(NDArray.of(d, 2, 4)).logSumExp(new int[] {1}, true).value();
            for (int i = 0; i < 2; i++) {
                assertThat(y.get(i, 0)).isCloseTo(base.get(i, 0) + offset, within(1e-6f * Math.abs(offset) + 1e-5f));
            }
            // the gradient, a softmax, ignores the shift
            Tensor shiftedVar = Tensor.var("x", NDArray.of(d, 2, 4));
            NDArray g = shiftedVar.logSumExp(new int[] {1}, true).sum().backward().wrt(shiftedVar);
            float[] gd = g.toArray();
            float[] ge = baseGrad.toArray();
            for (int i = 0; i < gd.length; i++) {
                assertThat(gd[i]).isCloseTo(ge[i], within(1e-4f));
            }
        }
    }

    @Test
    void logSumExpOfInfinities() {
        NDArray x = NDArray.of(new float[] {Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, Float.POSITIVE_INFINITY}, 2, 2);
        NDArray y = Tensor.constant(x).logSumExp(new int[] {1}, false).value();
        assertThat(y.get(0)).isEqualTo(Float.NEGATIVE_INFINITY);
        assertThat(y.get(1)).isEqualTo(Float.POSITIVE_INFINITY);
    }

    @Test
    void minTiesShareTheGradient() {
        Tensor x = Tensor.var("x", NDArray.of(new float[] {1, 3, 1, 2}, 4));
        assertThat(x.min().backward().wrt(x)).isEqualTo(NDArray.of(new float[] {0.5f, 0, 0.5f, 0}, 4));
    }

    @Test
    void minEqualsMinusMaxOfMinus() {
        NDArray x = Inputs.randn(7, 2, 3, 4);
        Tensor t = Tensor.constant(x);
        assertThat(t.min(new int[] {0, 2}, true).value()).isEqualTo(t.neg().max(new int[] {0, 2}, true).neg().value());
    }

    private static Tensor v(int... dims) {
        return Tensor.var("v", NDArray.ones(dims));
    }

    private static Arguments bad(String name, ThrowingCallable call, String... fragments) {
        return Arguments.of(name, call, fragments);
    }

    static Stream<Arguments> badCalls() {
        return Stream.of(
                bad("var negative correction", () -> v(3).var(null, -1, false), "var: correction must be >= 0, got -1"),
                bad("var no degrees of freedom", () -> v(3, 1).var(new int[] {1}, 1, false),
                        "var: 1 reduced element(s) with correction 1 leave no degrees of freedom", "[3, 1]"),
                bad("var axis", () -> v(3).var(new int[] {1}, 0, false), "var", "axis 1"),
                bad("var repeated axis", () -> v(3, 2).var(new int[] {1, -1}, 0, false), "var", "repeated"),
                bad("std no degrees of freedom", () -> v(2, 3).std(null, 6, false), "var", "correction 6"),
                bad("logSumExp axis", () -> v(2, 3).logSumExp(new int[] {2}, false), "logSumExp", "axis 2", "[2, 3]"),
                bad("min axis", () -> v(2, 3).min(new int[] {-3}, false), "min", "axis -3"),
                bad("min empty group", () -> v(2, 0).min(new int[] {1}, false), "min: empty reduction", "[2, 0]"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badCalls")
    void badInputThrowsNamingTheOp(String name, ThrowingCallable call, String[] fragments) {
        var a = assertThatThrownBy(call).isInstanceOf(IllegalArgumentException.class);
        for (String f : fragments) {
            a.hasMessageContaining(f);
        }
    }
}
