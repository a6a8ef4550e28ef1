package dev.grad4j.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.grad4j.autograd.Tensor;
import dev.grad4j.tensor.NDArray;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** The Dropout module: defaults, training versus evaluation, seeded masks, errors. */
class DropoutModuleTest {

    @Test
    void defaultProbabilityAndNoState() {
        Dropout d = new Dropout(new SplittableRandom(1));
        assertThat(d.p()).isEqualTo(0.5f);
        assertThat(d.stateDict()).isEmpty();
        assertThat(d).hasToString("Dropout(p=0.5)");
    }

    @Test
    void identityInEvaluationMode() {
        Dropout d = new Dropout(0.3f, new SplittableRandom(1));
        Tensor x = Tensor.var("x", NDArray.ones(10, 10));
        d.eval();
        assertThat(d.forward(x)).isSameAs(x);
        d.train();
        assertThat(d.forward(x).value().toArray()).contains(0f);
    }

    @Test
    void masksComeFromTheGivenGenerator() {
        NDArray x = NDArray.randn(new SplittableRandom(2), 8, 16);
        Dropout a = new Dropout(0.5f, new SplittableRandom(42));
        Dropout b = new Dropout(0.5f, new SplittableRandom(42));
        NDArray first = a.forward(Tensor.constant(x)).value();
        assertThat(b.forward(Tensor.constant(x)).value()).isEqualTo(first);
        // The generator advances: the next mask differs.
        assertThat(a.forward(Tensor.constant(x)).value()).isNotEqualTo(first);
        assertThat(first).isEqualTo(Tensor.constant(x).dropout(0.5f, true, new SplittableRandom(42)).value());
    }

    @Test
    void modeFollowsTheParent() {
        Dropout d = new Dropout(0.9f, new SplittableRandom(1));
        Module model = new Sequential(new Linear(4, 4, new SplittableRandom(2)), d);
        model.eval();
        assertThat(d.isTraining()).isFalse();
        Tensor x = Tensor.constant(NDArray.ones(3, 4));
        assertThat(model.forward(x).value()).isEqualTo(((Sequential) model).get(0).forward(x).value());
    }

    @Test
    void probabilityOutsideTheUnitIntervalIsAnError() {
        assertThatThrownBy(() -> new Dropout(1.5f, new SplittableRandom(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Dropout").hasMessageContaining("1.5");
        assertThatThrownBy(() -> new Dropout(0.5f, null)).isInstanceOf(NullPointerException.class).hasMessageContaining("Dropout");
    }
}
