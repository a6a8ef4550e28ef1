package dev.grad4j.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.grad4j.autograd.Tensor;
import dev.grad4j.tensor.NDArray;

import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The GELU, SiLU and LeakyReLU modules: equal to the tensor methods, parameter-free, PyTorch names and defaults. */
class SequenceActivationModulesTest {

    private static final Tensor X = Tensor.constant(NDArray.of(new float[] {-2f, -0.5f, 0.5f, 3f, 1f, -1f}, 2, 3));

    static Stream<Arguments> modules() {
        return Stream.of(
                Arguments.of(new GELU(), (UnaryOperator<Tensor>) Tensor::gelu, "GELU(approximate='none')"),
                Arguments.of(new GELU("tanh"), (UnaryOperator<Tensor>) t -> t.gelu(true), "GELU(approximate='tanh')"),
                Arguments.of(new SiLU(), (UnaryOperator<Tensor>) Tensor::silu, "SiLU"),
                Arguments.of(new LeakyReLU(), (UnaryOperator<Tensor>) t -> t.leakyRelu(0.01f), "LeakyReLU(negative_slope=0.01)"),
                Arguments.of(new LeakyReLU(0.2f), (UnaryOperator<Tensor>) t -> t.leakyRelu(0.2f), "LeakyReLU(negative_slope=0.2)"));
    }

    @ParameterizedTest(name = "{2}")
    @MethodSource("modules")
    void moduleEqualsTheTensorMethodAndHasNoParameters(Module module, UnaryOperator<Tensor> op, String name) {
        assertThat(module.forward(X).value()).isEqualTo(op.apply(X).value());
        assertThat(module.namedParameters()).isEmpty();
        assertThat(module).hasToString(name);
    }

    @Test
    void defaultsAndAccessors() {
        assertThat(new GELU().approximate()).isEqualTo("none");
        assertThat(new LeakyReLU().negativeSlope()).isEqualTo(0.01f);
        assertThat(new Sequential(new GELU(), new SiLU(), new LeakyReLU()).forward(X).shape()).isEqualTo(X.shape());
    }

    @Test
    void badArgumentsAreRejected() {
        assertThatThrownBy(() -> new GELU("erf")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("GELU: approximate must be \"none\" or \"tanh\", got \"erf\"");
        assertThatThrownBy(() -> new LeakyReLU(Float.NaN)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("LeakyReLU: negative slope must be finite");
        assertThatThrownBy(() -> new SiLU().forward(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("SiLU");
    }
}
