package dev.grad4j.autograd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.grad4j.tensor.NDArray;

import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** GELU (both forms), SiLU, leaky ReLU, softplus, ELU and clamp: gradients, reference values, bad input. */
class ActivationOpsSequenceTest {

    /** Inputs in [-6, 6], none within 0.05 of 0 (the kinks of leaky ReLU and ELU's second derivative). */
    private static NDArray wide(long seed) {
        float[] d = Inputs.uniform(seed, -6, 6, 4, 5).toArray();
        for (int i = 0; i < d.length; i++) {
            if (Math.abs(d[i]) < 0.05f) {
                d[i] += d[i] < 0 ? -0.1f : 0.1f;
            }
        }
        return NDArray.of(d, 4, 5);
    }

    static Stream<Arguments> activations() {
        return Stream.of(
                Arguments.of("gelu", (UnaryOperator<Tensor>) Tensor::gelu),
                Arguments.of("gelu tanh", (UnaryOperator<Tensor>) t -> t.gelu(true)),
                Arguments.of("gelu exact", (UnaryOperator<Tensor>) t -> t.gelu(false)),
                Arguments.of("silu", (UnaryOperator<Tensor>) Tensor::silu),
                Arguments.of("leakyRelu 0.01", (UnaryOperator<Tensor>) t -> t.leakyRelu(0.01f)),
                Arguments.of("leakyRelu 0.2", (UnaryOperator<Tensor>) t -> t.leakyRelu(0.2f)),
                Arguments.of("leakyRelu -0.5", (UnaryOperator<Tensor>) t -> t.leakyRelu(-0.5f)),
                Arguments.of("elu 1", (UnaryOperator<Tensor>) t -> t.elu(1f)),
                Arguments.of("elu 0.5", (UnaryOperator<Tensor>) t -> t.elu(0.5f)),
                Arguments.of("softplus 1 20", (UnaryOperator<Tensor>) t -> t.softplus(1f, 20f)),
                Arguments.of("softplus 0.5 100", (UnaryOperator<Tensor>) t -> t.softplus(0.5f, 100f)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("activations")
    void gradient(String name, UnaryOperator<Tensor> f) {
        GradCheck.assertClose(xs -> f.apply(xs.get(0)), wide(1));
        GradCheck.assertClose(xs -> f.apply(xs.get(0)), Inputs.awayFromZero(2, 3, 4));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("activations")
    void scalarAndEmptyInputs(String name, UnaryOperator<Tensor> f) {
        GradCheck.assertClose(xs -> f.apply(xs.get(0)), NDArray.scalar(0.7f));
        assertThat(f.apply(Tensor.constant(NDArray.zeros(2, 0))).shape().size()).isZero();
    }

    @Test
    void softplusThresholdSwitchesToTheIdentity() {
        // beta 2, threshold 5: beta x on both sides of the threshold, none near it
        NDArray x = NDArray.of(new float[] {-3f, -0.4f, 0.3f, 2f, 2.4f, 2.6f, 3f, 8f}, 8);
        GradCheck.assertClose(xs -> xs.get(0).softplus(2f, 5f), x);
        NDArray y = Tensor.constant(x).softplus(2f, 5f).value();
        assertThat(y.get(5)).isEqualTo(2.6f);                                         // past the threshold: x
        assertThat(y.get(4)).isCloseTo((float) (Math.log1p(Math.exp(4.8)) / 2), within(1e-6f));
        assertThat(Tensor.constant(NDArray.scalar(500f)).softplus(1f, 1000f).item()).isEqualTo(500f); // no overflow
    }

    @Test
    void referenceValues() {
        NDArray x = NDArray.of(new float[] {-3f, -1f, 0.5f, 2f}, 4);
        Tensor t = Tensor.constant(x);
        float[] geluTanh = t.gelu(true).value().toArray();
        float[] silu = t.silu().value().toArray();
        float[] elu = t.elu(0.5f).value().toArray();
        float[] leaky = t.leakyRelu(0.1f).value().toArray();
        for (int i = 0; i < 4; i++) {
            double v = x.get(i);
            double inner = Math.sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v);
            assertThat(geluTanh[i]).isCloseTo((float) (0.5 * v * (1 + Math.tanh(inner))), within(1e-6f));
            assertThat(silu[i]).isCloseTo((float) (v / (1 + Math.exp(-v))), within(1e-6f));
            assertThat(elu[i]).isCloseTo((float) (v > 0 ? v : 0.5 * Math.expm1(v)), within(1e-6f));
            assertThat(leaky[i]).isCloseTo((float) (v > 0 ? v : 0.1 * v), within(1e-7f));
        }
        assertThat(t.gelu().value().get(1)).isCloseTo(-0.15865525f, within(1e-7f));
    }

    @Test
    void exactAndTanhGeluDiffer() {
        Tensor t = Tensor.constant(NDArray.of(new float[] {-2.5f}, 1));
        assertThat(Math.abs(t.gelu().item() - t.gelu(true).item())).isGreaterThan(1e-4f);
    }

    static Stream<Arguments> clamps() {
        return Stream.of(
                Arguments.of(-0.5f, 0.5f),
                Arguments.of(0f, null),
                Arguments.of(null, 1f),
                Arguments.of(-1f, 2f),
                Arguments.of(0.3f, 0.3f));
    }

    @ParameterizedTest(name = "[{0}, {1}]")
    @MethodSource("clamps")
    void clampGradientIsOneInsideZeroOutside(Float min, Float max) {
        // grid values 0.125 + 0.25 k stay >= 0.05 away from every bound above
        GradCheck.assertClose(xs -> xs.get(0).clamp(min, max), Inputs.grid(3, 0.125, 3, 8));
    }

    @Test
    void clampGradientAtTheBoundIsOneAsTorch() {
        Tensor x = Tensor.var("x", NDArray.of(new float[] {-1f, 0f, 1f, 2f}, 4));
        assertThat(x.clamp(0f, 1f).sum().backward().wrt(x)).isEqualTo(NDArray.of(new float[] {0, 1, 1, 0}, 4));
        assertThat(Tensor.constant(x.value()).clamp(0f, 1f).value()).isEqualTo(NDArray.of(new float[] {0, 0, 1, 1}, 4));
    }

    private static Tensor v(int... dims) {
        return Tensor.var("v", NDArray.ones(dims));
    }

    private static Arguments bad(String name, ThrowingCallable call, String... fragments) {
        return Arguments.of(name, call, fragments);
    }

    static Stream<Arguments> badCalls() {
        return Stream.of(
                bad("clamp min > max", () -> v(2).clamp(1f, 0f), "clamp: min 1.0 is greater than max 0.0"),
                bad("clamp no bounds", () -> v(2).clamp(null, null), "clamp: at least one of min and max"),
                bad("clamp NaN", () -> v(2).clamp(Float.NaN, 1f), "clamp: bounds must not be NaN"),
                bad("leakyRelu NaN slope", () -> v(2).leakyRelu(Float.NaN), "leakyRelu: slope must be finite"),
                bad("elu infinite alpha", () -> v(2).elu(Float.POSITIVE_INFINITY), "elu: alpha must be finite"),
                bad("softplus beta 0", () -> v(2).softplus(0f, 20f), "softplus: beta must be positive and finite, got 0.0"),
                bad("softplus negative beta", () -> v(2).softplus(-1f, 20f), "softplus", "-1.0"),
                bad("softplus NaN threshold", () -> v(2).softplus(1f, Float.NaN), "softplus: threshold must not be NaN"));
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
