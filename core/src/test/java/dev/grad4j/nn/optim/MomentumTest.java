package dev.grad4j.nn.optim;

import dev.grad4j.autograd.Tensor;
import dev.grad4j.tensor.NDArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MomentumTest {

    @Test
    void heavyBallMomentumMatchesTheReference() {
        Tensor p = Trajectories.parameter(3);
        double[] buf = new double[Trajectories.SIZE];
        Trajectories.assertFollows(p, new Momentum(List.of(p), 0.1f, 0.9f), (t, x, g) -> {
            for (int i = 0; i < x.length; i++) {
                buf[i] = t == 1 ? g[i] : 0.9 * buf[i] + g[i];
                x[i] -= 0.1 * buf[i];
            }
        }, 3);
    }

    @Test
    void equalsSgdWithTheSameMomentum() {
        Tensor a = Trajectories.parameter(4);
        Tensor b = Trajectories.parameter(4);
        Momentum momentum = new Momentum(List.of(a), 0.05f, 0.8f, true);
        SGD sgd = new SGD(List.of(b), SGD.Config.builder(0.05f).momentum(0.8f).nesterov(true).build());
        float[][] grads = Trajectories.gradients(4);

        for (float[] g : grads) {
            momentum.step(a.mul(Tensor.constant(NDArray.of(g, g.length))).sum().backward());
            sgd.step(b.mul(Tensor.constant(NDArray.of(g, g.length))).sum().backward());
        }

        assertThat(a.value()).isEqualTo(b.value());
        assertThat(momentum.config()).isEqualTo(sgd.config());
    }

    @ParameterizedTest(name = "momentum {0}")
    @ValueSource(floats = {0f, -0.9f, Float.NaN, Float.POSITIVE_INFINITY})
    void momentumMustBePositive(float m) {
        Tensor p = Tensor.var("p", NDArray.ones(1));
        assertThatThrownBy(() -> new Momentum(List.of(p), 0.1f, m))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Momentum: momentum must be finite and > 0: " + m);
    }

    @Test
    void invalidLearningRateIsRejected() {
        Tensor p = Tensor.var("p", NDArray.ones(1));
        assertThatThrownBy(() -> new Momentum(List.of(p), -0.1f, 0.9f))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lr must be finite and >= 0: -0.1");
    }
}
