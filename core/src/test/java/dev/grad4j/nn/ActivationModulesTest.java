package dev.grad4j.nn;

import dev.grad4j.autograd.Tensor;
import dev.grad4j.tensor.NDArray;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ActivationModulesTest {

    private static final Tensor X = Tensor.constant(NDArray.of(new float[] {-2f, -0.5f, 0.5f, 3f, 1f, -1f}, 2, 3));

    static Stream<Arguments> modules() {
        return Stream.of(
                Arguments.of(new ReLU(), (UnaryOperator<Tensor>) Tensor::relu, "ReLU"),
                Arguments.of(new Sigmoid(), (UnaryOperator<Tensor>) Tensor::sigmoid, "Sigmoid"),
                Arguments.of(new Tanh(), (UnaryOperator<Tensor>) Tensor::tanh, "Tanh"),
                Arguments.of(new Softmax(1), (UnaryOperator<Tensor>) t -> t.softmax(1), "Softmax(axis=1)"),
                Arguments.of(new LogSoftmax(-1), (UnaryOperator<Tensor>) t -> t.logSoftmax(-1), "LogSoftmax(axis=-1)"),
                Arguments.of(new Softmax(0), (UnaryOperator<Tensor>) t -> t.softmax(0), "Softmax(axis=0)"));
    }

    @ParameterizedTest(name = "{2}")
    @MethodSource("modules")
    void moduleEqualsTheTensorMethodAndHasNoParameters(Module module, UnaryOperator<Tensor> op, String name) {
        assertThat(module.forward(X).value()).isEqualTo(op.apply(X).value());
        assertThat(module.namedParameters()).isEmpty();
        assertThat(module).hasToString(name);
    }

    @ParameterizedTest(name = "axis {0}")
    @MethodSource("badAxes")
    void softmaxModulesRejectAnAxisOutOfRange(int axis) {
        assertThatThrownBy(() -> new Softmax(axis).forward(X)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("axis " + axis);
        assertThatThrownBy(() -> new LogSoftmax(axis).forward(X)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("axis " + axis);
    }

    static Stream<Integer> badAxes() {
        return Stream.of(2, -3);
    }
}
