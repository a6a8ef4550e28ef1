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

class AdamTest {

    /** torch.optim.Adam / AdamW (1.13) in double. */
    static Trajectories.Reference reference(double lr, double b1, double b2, double eps, double wd,
                                            boolean amsgrad, boolean decoupled) {
        double[] m = new double[Trajectories.SIZE];
        double[] v = new double[Trajectories.SIZE];
        double[] vMax = new double[Trajectories.SIZE];
        return (t, p, g) -> {
            for (int i = 0; i < p.length; i++) {
                double gi = g[i];
                if (decoupled) {
                    p[i] *= 1 - lr * wd;
                } else {
                    gi += wd * p[i];
                }
                m[i] = b1 * m[i] + (1 - b1) * gi;
                v[i] = b2 * v[i] + (1 - b2) * gi * gi;
                vMax[i] = Math.max(vMax[i], v[i]);
                double second = amsgrad ? vMax[i] : v[i];
                double denom = Math.sqrt(second) / Math.sqrt(1 - Math.pow(b2, t)) + eps;
                p[i] -= lr / (1 - Math.pow(b1, t)) * m[i] / denom;
            }
        };
    }

    @ParameterizedTest(name = "lr={0} betas=({1}, {2}) eps={3} wd={4} amsgrad={5}")
    @CsvSource({
        "0.01,  0.9, 0.999, 1e-8, 0,   false",
        "0.01,  0.9, 0.999, 1e-8, 0.1, false",
        "0.01,  0.9, 0.95,  1e-8, 0,   true",
        "0.001, 0.5, 0.9,   1e-3, 0.2, true",
        "0.1,   0,   0,     1e-8, 0,   false"})
    void followsTorchsUpdateRule(float lr, float b1, float b2, float eps, float wd, boolean amsgrad) {
        Tensor p = Trajectories.parameter(11);
        Adam adam = new Adam(List.of(p), Adam.Config.builder().lr(lr).betas(b1, b2).eps(eps).weightDecay(wd)
                .amsgrad(amsgrad).build());

        Trajectories.assertFollows(p, adam, reference(lr, b1, b2, eps, wd, amsgrad, false), 11);
    }

    @Test
    void amsgradChangesTheTrajectoryWhenGradientsShrink() {
        Tensor plain = Trajectories.parameter(5);
        Tensor ams = Trajectories.parameter(5);
        Adam a = new Adam(List.of(plain), Adam.Config.builder().lr(0.01f).betas(0.9f, 0.5f).build());
        Adam b = new Adam(List.of(ams), Adam.Config.builder().lr(0.01f).betas(0.9f, 0.5f).amsgrad(true).build());

        for (float[] g : Trajectories.gradients(5)) {
            a.step(plain.mul(Tensor.constant(NDArray.of(g, g.length))).sum().backward());
            b.step(ams.mul(Tensor.constant(NDArray.of(g, g.length))).sum().backward());
        }

        assertThat(plain.value()).isNotEqualTo(ams.value());
    }

    @Test
    void theFirstStepMovesEachElementByAboutTheLearningRate() {
        Tensor p = Tensor.var("p", NDArray.of(new float[] {1, 1, 1}, 3));
        Adam adam = new Adam(List.of(p), 0.1f);

        adam.step(p.mul(Tensor.constant(NDArray.of(new float[] {1e-6f, -5f, 300f}, 3))).sum().backward());

        assertThat(p.value().toArray()).containsExactly(new float[] {0.9f, 1.1f, 0.9f},
                org.assertj.core.api.Assertions.within(1e-3f));
    }

    @Test
    void theDefaultsAreTorchs() {
        Adam.Config defaults = Adam.Config.builder().build();
        assertThat(defaults).isEqualTo(new Adam.Config(1e-3f, 0.9f, 0.999f, 1e-8f, 0f, false));
        assertThat(new Adam(List.of(Tensor.var("p", NDArray.ones(1))), 0.01f).config())
                .isEqualTo(new Adam.Config(0.01f, 0.9f, 0.999f, 1e-8f, 0f, false));
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of(Adam.Config.builder().lr(-1e-3f), "lr must be finite and >= 0: -0.001"),
                Arguments.of(Adam.Config.builder().lr(Float.NaN), "lr must be finite and >= 0: NaN"),
                Arguments.of(Adam.Config.builder().betas(1f, 0.999f), "beta1 must be in [0, 1): 1.0"),
                Arguments.of(Adam.Config.builder().betas(-0.1f, 0.999f), "beta1 must be in [0, 1): -0.1"),
                Arguments.of(Adam.Config.builder().betas(0.9f, 1.5f), "beta2 must be in [0, 1): 1.5"),
                Arguments.of(Adam.Config.builder().betas(0.9f, Float.NaN), "beta2 must be in [0, 1): NaN"),
                Arguments.of(Adam.Config.builder().eps(-1e-8f), "eps must be finite and > 0: -1.0E-8"),
                Arguments.of(Adam.Config.builder().weightDecay(-0.1f), "weight decay must be finite and >= 0: -0.1"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("invalid")
    void invalidHyperparametersAreRejected(Adam.Config.Builder builder, String message) {
        assertThatThrownBy(() -> new Adam(List.of(Tensor.var("p", NDArray.ones(1))), builder.build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Adam")
                .hasMessageContaining(message);
    }

    @Test
    void theOneLineFormValidatesTheLearningRate() {
        assertThatThrownBy(() -> new Adam(List.of(Tensor.var("p", NDArray.ones(1))), -1f))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Adam: lr must be finite and >= 0: -1.0");
    }
}
