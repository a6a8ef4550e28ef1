package dev.grad4j.nn.optim;

import dev.grad4j.autograd.Tensor;
import dev.grad4j.tensor.NDArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SGDTest {

    /** torch.optim.SGD (1.13) in double. */
    private static Trajectories.Reference reference(double lr, double momentum, double dampening,
                                                    boolean nesterov, double wd) {
        double[] buf = new double[Trajectories.SIZE];
        return (t, p, g) -> {
            for (int i = 0; i < p.length; i++) {
                double d = g[i] + wd * p[i];
                if (momentum != 0) {
                    buf[i] = t == 1 ? d : momentum * buf[i] + (1 - dampening) * d;
                    d = nesterov ? d + momentum * buf[i] : buf[i];
                }
                p[i] -= lr * d;
            }
        };
    }

    @ParameterizedTest(name = "lr={0} momentum={1} dampening={2} nesterov={3} wd={4}")
    @CsvSource({
        "0.1, 0,   0,   false, 0",
        "0.1, 0,   0,   false, 0.05",
        "0.1, 0.9, 0,   false, 0",
        "0.1, 0.9, 0,   true,  0",
        "0.1, 0.9, 0,   false, 0.01",
        "0.1, 0.9, 0.5, false, 0",
        "0.05, 0.5, 0,  true,  0.1"})
    void followsTorchsUpdateRule(float lr, float momentum, float dampening, boolean nesterov, float wd) {
        Tensor p = Trajectories.parameter(7);
        SGD sgd = new SGD(List.of(p), SGD.Config.builder(lr).momentum(momentum).dampening(dampening)
                .nesterov(nesterov).weightDecay(wd).build());

        Trajectories.assertFollows(p, sgd, reference(lr, momentum, dampening, nesterov, wd), 7);
    }

    @Test
    void theOneLineFormIsPlainGradientDescent() {
        Tensor p = Tensor.var("p", NDArray.of(new float[] {1, 2}, 2));
        SGD sgd = new SGD(List.of(p), 0.5f);

        sgd.step(p.mul(p).sum().backward());

        assertThat(p.value().toArray()).containsExactly(0f, 0f);
        assertThat(sgd.config()).isEqualTo(new SGD.Config(0.5f, 0f, 0f, false, 0f));
    }

    @Test
    void aNewLearningRateAppliesFromTheNextStep() {
        Tensor p = Tensor.var("p", NDArray.of(new float[] {1}, 1));
        SGD sgd = new SGD(List.of(p), 0.5f);

        sgd.setLearningRate(0.25f);
        sgd.step(p.sum().backward());

        assertThat(p.value().toArray()).containsExactly(0.75f);
    }

    @Test
    void theDefaultsAreTorchs() {
        assertThat(SGD.Config.builder(0.1f).build()).isEqualTo(new SGD.Config(0.1f, 0f, 0f, false, 0f));
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of(SGD.Config.builder(-0.1f), "lr must be finite and >= 0: -0.1"),
                Arguments.of(SGD.Config.builder(Float.NaN), "lr must be finite and >= 0: NaN"),
                Arguments.of(SGD.Config.builder(Float.POSITIVE_INFINITY), "lr must be finite and >= 0: Infinity"),
                Arguments.of(SGD.Config.builder(0.1f).momentum(-0.5f), "momentum must be finite and >= 0: -0.5"),
                Arguments.of(SGD.Config.builder(0.1f).dampening(-1f), "dampening must be finite and >= 0: -1.0"),
                Arguments.of(SGD.Config.builder(0.1f).weightDecay(-0.01f), "weight decay must be finite and >= 0: -0.01"),
                Arguments.of(SGD.Config.builder(0.1f).nesterov(true), "nesterov needs momentum > 0 and dampening 0: momentum 0.0"),
                Arguments.of(SGD.Config.builder(0.1f).nesterov(true).momentum(0.9f).dampening(0.1f),
                        "dampening 0.1"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("invalid")
    void invalidHyperparametersAreRejected(SGD.Config.Builder builder, String message) {
        Tensor p = Tensor.var("p", NDArray.ones(1));
        assertThatThrownBy(() -> new SGD(List.of(p), builder.build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("SGD")
                .hasMessageContaining(message);
    }

    @Test
    void theOneLineFormValidatesTheLearningRate() {
        Tensor p = Tensor.var("p", NDArray.ones(1));
        assertThatThrownBy(() -> new SGD(List.of(p), -1f))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("SGD: lr must be finite and >= 0: -1.0");
        assertThatThrownBy(() -> new SGD(List.of(p), (SGD.Config) null)).isInstanceOf(NullPointerException.class);
    }
}
