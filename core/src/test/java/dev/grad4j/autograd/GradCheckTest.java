package dev.grad4j.autograd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.grad4j.tensor.Backend;
import dev.grad4j.tensor.BinaryOp;
import dev.grad4j.tensor.NDArray;
import dev.grad4j.tensor.Shape;

import java.util.List;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

/** The finite-difference checker itself: it passes correct rules and catches wrong ones. */
class GradCheckTest {

    private static final Backend B = Backend.cpu();

    /** {@code x^2} recorded as a custom op whose backward multiplies by {@code factor * x}. */
    private static Tensor square(Tensor x, float factor) {
        NDArray xv = x.value();
        NDArray y = B.binary(BinaryOp.MUL, xv, xv);
        return Tensor.record("square", y, (i, g) -> B.binary(BinaryOp.MUL, g, B.scale(xv, factor)), x);
    }

    @Test
    void correctCompositionPasses() {
        GradCheck.Result r = GradCheck.assertClose(xs -> xs.get(0).mul(xs.get(1)).add(xs.get(0)).sum(),
                Inputs.randn(1, 2, 3), Inputs.randn(2, 3));
        assertThat(r.passed()).isTrue();
        assertThat(r.inputs()).hasSize(2);
        assertThat(r.inputs().get(0).name()).isEqualTo("x0");
        assertThat(r.inputs().get(0).shape()).isEqualTo(Shape.of(2, 3));
        assertThat(r.inputs().get(1).name()).isEqualTo("x1");
        assertThat(r.inputs().get(1).shape()).isEqualTo(Shape.of(3));
        assertThat(r.maxAbsError()).isLessThan(1e-3);
        assertThat(r.options()).isEqualTo(GradCheck.Options.DEFAULTS);
    }

    @Test
    void nonScalarOutputIsCheckedWithARandomUpstream() {
        assertThat(GradCheck.check(xs -> square(xs.get(0), 2f), Inputs.randn(3, 4, 5)).passed()).isTrue();
    }

    @Test
    void correctCustomOpPasses() {
        assertThat(GradCheck.check(xs -> square(xs.get(0), 2f).sum(), Inputs.randn(4, 3)).passed()).isTrue();
    }

    @Test
    void wrongRuleFailsNamingInputAndElement() {
        Function<List<Tensor>, Tensor> f = xs -> square(xs.get(0), 3f); // d(x^2)/dx is 2x, not 3x
        NDArray x = Inputs.awayFromZero(5, 2, 3);
        GradCheck.Result r = GradCheck.check(f, x);
        assertThat(r.passed()).isFalse();
        assertThat(r.inputs().get(0).passed()).isFalse();
        assertThat(r.maxRelError()).isGreaterThan(0.1);
        assertThatThrownBy(() -> GradCheck.assertClose(f, x)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("gradcheck")
                .hasMessageContaining("input 0 (x0, shape [2, 3]) element [");
    }

    @Test
    void singleWrongElementIsLocated() {
        // correct everywhere except flat index 4 = element [1, 1]
        Function<List<Tensor>, Tensor> f = xs -> {
            NDArray xv = xs.get(0).value();
            return Tensor.record("almost", xv.copy(), (i, g) -> {
                float[] d = g.toArray();
                d[4] += 0.5f;
                return NDArray.of(d, 2, 3);
            }, xs.get(0));
        };
        GradCheck.Result r = GradCheck.check(f, Inputs.randn(6, 2, 3));
        assertThat(r.passed()).isFalse();
        GradCheck.InputReport report = r.inputs().get(0);
        assertThat(report.worstIndex()).isEqualTo(4);
        assertThat(report.worstElement()).isEqualTo("[1, 1]");
        assertThat(report.maxAbsError()).isCloseTo(0.5, within(1e-3));
        assertThatThrownBy(r::assertPassed).isInstanceOf(AssertionError.class)
                .hasMessageContaining("element [1, 1] (flat 4)");
    }

    @Test
    void wrongRuleForSecondInputIsReportedForThatInputOnly() {
        // d(a*b)/db should be a; the rule returns 2a.
        Function<List<Tensor>, Tensor> f = xs -> {
            NDArray a = xs.get(0).value();
            NDArray b = xs.get(1).value();
            return Tensor.record("badmul", B.binary(BinaryOp.MUL, a, b),
                    (i, g) -> i == 0 ? B.binary(BinaryOp.MUL, g, b) : B.binary(BinaryOp.MUL, g, B.scale(a, 2f)),
                    xs.get(0), xs.get(1));
        };
        GradCheck.Result r = GradCheck.check(f, Inputs.awayFromZero(7, 4), Inputs.awayFromZero(8, 4));
        assertThat(r.inputs().get(0).passed()).isTrue();
        assertThat(r.inputs().get(1).passed()).isFalse();
        assertThatThrownBy(r::assertPassed).hasMessageContaining("input 1 (x1").hasMessageNotContaining("input 0");
    }

    @Test
    void missingGradientForAnInputIsCaught() {
        // The rule gives input 1 no gradient (zeros) although the output depends on it.
        Function<List<Tensor>, Tensor> f = xs -> {
            NDArray a = xs.get(0).value();
            NDArray b = xs.get(1).value();
            return Tensor.record("forgetful", B.binary(BinaryOp.ADD, a, b),
                    (i, g) -> i == 0 ? g : NDArray.zeros(g.shape().toArray()), xs.get(0), xs.get(1));
        };
        assertThat(GradCheck.check(f, Inputs.randn(9, 3), Inputs.randn(10, 3)).inputs().get(1).passed()).isFalse();
    }

    @Test
    void inputThatDoesNotInfluenceTheOutputHasZeroGradient() {
        GradCheck.Result r = GradCheck.assertClose(xs -> xs.get(0).exp().sum(), Inputs.randn(11, 3),
                Inputs.randn(12, 2));
        assertThat(r.inputs().get(1).maxAbsError()).isZero();
        // and an output that depends on no input at all
        GradCheck.assertClose(xs -> Tensor.constant(NDArray.ones(2)), Inputs.randn(13, 3));
    }

    @Test
    void scalarOutputIsCheckedDirectly() {
        GradCheck.assertClose(xs -> xs.get(0).mul(xs.get(0)).mean(), Inputs.randn(14, 5));
        GradCheck.assertClose(xs -> xs.get(0).exp(), Inputs.randn(15)); // shape [], upstream 1
    }

    @Test
    void inputsAreLeftUnchangedAndResultsRepeat() {
        NDArray a = Inputs.randn(16, 3, 2);
        NDArray a0 = a.copy();
        Function<List<Tensor>, Tensor> f = xs -> xs.get(0).tanh();
        GradCheck.Result r1 = GradCheck.check(f, a);
        GradCheck.Result r2 = GradCheck.check(f, a);
        assertThat(a).isEqualTo(a0);
        assertThat(r1).isEqualTo(r2);
        assertThat(GradCheck.check(f, GradCheck.Options.DEFAULTS.withSeed(99), a).passed()).isTrue();
    }

    @Test
    void nanOutputFails() {
        GradCheck.Result r = GradCheck.check(xs -> xs.get(0).log().sum(), NDArray.of(new float[] {-1f, 1f}, 2));
        assertThat(r.passed()).isFalse();
        assertThat(r.inputs().get(0).worstIndex()).isZero();
    }

    @Test
    void optionsAreValidated() {
        GradCheck.Options d = GradCheck.Options.DEFAULTS;
        assertThat(d.step()).isEqualTo(1e-2);
        assertThat(d.withStep(1e-3).step()).isEqualTo(1e-3);
        assertThat(d.withTolerances(1e-4, 1e-3).absTolerance()).isEqualTo(1e-4);
        assertThatThrownBy(() -> d.withStep(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("gradcheck: step");
        assertThatThrownBy(() -> d.withStep(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> d.withStep(Double.POSITIVE_INFINITY)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> d.withTolerances(-1, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tolerances");
        assertThatThrownBy(() -> d.withTolerances(0, Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void badCallsAreRejected() {
        assertThatThrownBy(() -> GradCheck.check(xs -> xs.get(0))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("gradcheck: no inputs");
        assertThatThrownBy(() -> GradCheck.check(null, NDArray.ones(1))).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> GradCheck.check(xs -> null, NDArray.ones(1)))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("returned null");
        // output whose shape depends on the input's values
        Function<List<Tensor>, Tensor> unstable = xs -> xs.get(0).value().get(0) > 0.5f
                ? xs.get(0).sum() : xs.get(0);
        assertThatThrownBy(() -> GradCheck.check(unstable, NDArray.of(new float[] {0.5f, 1f}, 2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("output shape changed");
    }

    @Test
    void checkingInsideNoGradIsRejected() {
        try (Autograd.Scope scope = Autograd.noGrad()) {
            assertThatThrownBy(() -> GradCheck.check(xs -> xs.get(0).sum(), NDArray.ones(2)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("recording is off");
        }
    }

    @Test
    void recordingStateIsRestoredAfterACheck() {
        GradCheck.check(xs -> xs.get(0).sum(), NDArray.ones(2));
        assertThat(Autograd.isRecording()).isTrue();
    }
}
