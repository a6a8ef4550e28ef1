package dev.grad4j.nn.optim;

import dev.grad4j.autograd.Tensor;
import dev.grad4j.tensor.NDArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AdamWTest {

    @ParameterizedTest(name = "lr={0} wd={1} amsgrad={2}")
    @CsvSource({"0.01, 0.01, false", "0.01, 0.5, false", "0.05, 0.1, true", "0.01, 0, false"})
    void followsTorchsDecoupledUpdateRule(float lr, float wd, boolean amsgrad) {
        Tensor p = Trajectories.parameter(13);
        AdamW adamw = new AdamW(List.of(p), AdamW.configBuilder().lr(lr).weightDecay(wd).amsgrad(amsgrad).build());

        Trajectories.assertFollows(p, adamw, AdamTest.reference(lr, 0.9, 0.999, 1e-8, wd, amsgrad, true), 13);
    }

    @Test
    void decoupledDecayDiffersFromAdamsL2Decay() {
        Tensor a = Trajectories.parameter(2);
        Tensor b = Trajectories.parameter(2);
        Adam adam = new Adam(List.of(a), Adam.Config.builder().lr(0.01f).weightDecay(0.1f).build());
        AdamW adamw = new AdamW(List.of(b), AdamW.configBuilder().lr(0.01f).weightDecay(0.1f).build());

        for (float[] g : Trajectories.gradients(2)) {
            adam.step(a.mul(Tensor.constant(NDArray.of(g, g.length))).sum().backward());
            adamw.step(b.mul(Tensor.constant(NDArray.of(g, g.length))).sum().backward());
        }

        assertThat(a.value()).isNotEqualTo(b.value());
    }

    @Test
    void theDefaultsAreTorchs() {
        assertThat(AdamW.configBuilder().build()).isEqualTo(new Adam.Config(1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, false));
        assertThat(new AdamW(List.of(Tensor.var("p", NDArray.ones(1))), 0.02f).config())
                .isEqualTo(new Adam.Config(0.02f, 0.9f, 0.999f, 1e-8f, 0.01f, false));
    }

    @Test
    void invalidHyperparametersAreRejected() {
        List<Tensor> p = List.of(Tensor.var("p", NDArray.ones(1)));
        assertThatThrownBy(() -> new AdamW(p, -0.5f)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lr must be finite and >= 0: -0.5");
        assertThatThrownBy(() -> new AdamW(p, AdamW.configBuilder().weightDecay(-1f).build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("weight decay must be finite and >= 0: -1.0");
        assertThatThrownBy(() -> new AdamW(p, AdamW.configBuilder().betas(0.9f, 1f).build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("beta2 must be in [0, 1): 1.0");
        assertThatThrownBy(() -> new AdamW(p, (Adam.Config) null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("AdamW");
    }
}
