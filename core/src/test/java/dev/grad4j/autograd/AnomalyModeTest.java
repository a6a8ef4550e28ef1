package dev.grad4j.autograd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.grad4j.nn.Linear;
import dev.grad4j.nn.Losses;
import dev.grad4j.nn.ReLU;
import dev.grad4j.nn.Sequential;
import dev.grad4j.nn.optim.Adam;
import dev.grad4j.tensor.NDArray;

import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Autograd#detectAnomaly()}: inside the scope, the first forward op or backward rule that
 * produces a NaN or an infinity throws an {@link ArithmeticException} naming it and its input
 * shapes; outside, nothing is checked.
 */
class AnomalyModeTest {

    @AfterEach
    void offAfterEachTest() {
        assertThat(Autograd.isDetectingAnomaly()).as("a test left anomaly mode on").isFalse();
        assertThat(Autograd.isRecording()).isTrue();
    }

    private static Tensor var(float... values) {
        return Tensor.var("x", NDArray.of(values, values.length));
    }

    @Test
    void offByDefault() {
        assertThat(Autograd.isDetectingAnomaly()).isFalse();
        try (Autograd.Scope scope = Autograd.detectAnomaly()) {
            assertThat(Autograd.isDetectingAnomaly()).isTrue();
            assertThat(Autograd.isRecording()).isTrue();
        }
        assertThat(Autograd.isDetectingAnomaly()).isFalse();
    }

    @Test
    void logOfANegativeNumberThrowsNamingLogAndItsInputShape() {
        Tensor x = Tensor.var("x", NDArray.of(new float[] {1, 2, 3, -4, 5, 6}, 2, 3));
        try (Autograd.Scope scope = Autograd.detectAnomaly()) {
            assertThatThrownBy(x::log).isExactlyInstanceOf(ArithmeticException.class)
                    .hasMessageContaining("detectAnomaly: forward of op 'log' produced NaN at index 3 of its output [2, 3]")
                    .hasMessageContaining("inputs: [2, 3] (finite)");
        }
    }

    @Test
    void forwardInfinitiesAreCaughtToo() {
        try (Autograd.Scope scope = Autograd.detectAnomaly()) {
            assertThatThrownBy(() -> var(1, 0).log()).isInstanceOf(ArithmeticException.class)
                    .hasMessageContaining("'log' produced -Infinity at index 1");
            assertThatThrownBy(() -> var(1, 100).exp()).isInstanceOf(ArithmeticException.class)
                    .hasMessageContaining("'exp' produced Infinity at index 1");
            assertThatThrownBy(() -> var(1, 2).div(var(1, 0))).isInstanceOf(ArithmeticException.class)
                    .hasMessageContaining("'div' produced Infinity").hasMessageContaining("inputs: [2] (finite), [2] (finite)");
        }
    }

    @Test
    void outsideTheScopeNothingIsThrown() {
        assertThat(var(-1).log().value().toArray()[0]).isNaN();
        Tensor x = var(0, 4);
        Gradients g = x.sqrt().sum().backward();
        assertThat(g.wrt(x).toArray()[0]).isInfinite();
        try (Autograd.Scope scope = Autograd.detectAnomaly()) {
            assertThat(var(4).sqrt().item()).isEqualTo(2f);
        }
        assertThat(var(-1).log().value().toArray()[0]).isNaN(); // the scope closed
    }

    @Test
    void backwardProducingInfinityThrowsNamingTheOp() {
        Tensor x = var(0, 4); // sqrt is finite at 0, its derivative 1 / (2 sqrt(x)) is not
        try (Autograd.Scope scope = Autograd.detectAnomaly()) {
            Tensor loss = x.sqrt().sum();
            assertThat(loss.item()).isEqualTo(2f);
            assertThatThrownBy(loss::backward).isExactlyInstanceOf(ArithmeticException.class)
                    .hasMessageContaining("detectAnomaly: backward of op 'sqrt' produced Infinity at index 0 of the gradient [2]")
                    .hasMessageContaining("for input 0; inputs: [2] (finite); output [2]; incoming gradient finite");
        }
    }

    @Test
    void backwardIsCheckedWhenBackwardRunsInsideTheScope() {
        Tensor x = var(0, 4);
        Tensor loss = x.sqrt().sum(); // forward outside the scope
        try (Autograd.Scope scope = Autograd.detectAnomaly()) {
            assertThatThrownBy(loss::backward).isInstanceOf(ArithmeticException.class).hasMessageContaining("'sqrt'");
        }
        Tensor inside;
        try (Autograd.Scope scope = Autograd.detectAnomaly()) {
            inside = x.sqrt().sum();
        }
        assertThatCode(inside::backward).doesNotThrowAnyException();
    }

    @Test
    void nonFiniteInputsAreReportedAsSuch() {
        Tensor x = Tensor.constant(NDArray.of(new float[] {Float.NaN, 1}, 2));
        try (Autograd.Scope scope = Autograd.detectAnomaly()) {
            assertThatThrownBy(() -> x.mul(var(1, 2))).isInstanceOf(ArithmeticException.class)
                    .hasMessageContaining("'mul' produced NaN at index 0")
                    .hasMessageContaining("inputs: [2] (non-finite), [2] (finite)");
        }
    }

    @Test
    void customOpsAndLossesAreChecked() {
        Tensor x = var(1, 2);
        try (Autograd.Scope scope = Autograd.detectAnomaly()) {
            assertThatThrownBy(() -> Tensor.record("myOp", NDArray.of(new float[] {1, Float.POSITIVE_INFINITY}, 2),
                    (i, g) -> g, x)).isInstanceOf(ArithmeticException.class)
                    .hasMessageContaining("forward of op 'myOp' produced Infinity at index 1");
            Tensor y = Tensor.record("halfBroken", NDArray.of(new float[] {1, 2}, 2),
                    (i, g) -> NDArray.of(new float[] {Float.NaN, 0}, 2), x);
            assertThatThrownBy(() -> y.sum().backward()).isInstanceOf(ArithmeticException.class)
                    .hasMessageContaining("backward of op 'halfBroken' produced NaN at index 0");
            Tensor logits = Tensor.var("z", NDArray.of(new float[] {0, Float.POSITIVE_INFINITY}, 1, 2));
            assertThatThrownBy(() -> Losses.crossEntropy(logits, new int[] {0})).isInstanceOf(ArithmeticException.class)
                    .hasMessageContaining("'crossEntropy'").hasMessageContaining("[1, 2] (non-finite)");
        }
    }

    @Test
    void forwardIsCheckedUnderNoGradToo() {
        try (Autograd.Scope anomaly = Autograd.detectAnomaly(); Autograd.Scope noGrad = Autograd.noGrad()) {
            assertThat(Autograd.isRecording()).isFalse();
            assertThatThrownBy(() -> var(-1).sqrt()).isInstanceOf(ArithmeticException.class).hasMessageContaining("'sqrt'");
        }
    }

    @Test
    void scopesNestAndRestore() {
        try (Autograd.Scope outer = Autograd.detectAnomaly()) {
            try (Autograd.Scope inner = Autograd.detectAnomaly()) {
                assertThat(Autograd.isDetectingAnomaly()).isTrue();
            }
            assertThat(Autograd.isDetectingAnomaly()).isTrue();
            outer.close();
            outer.close(); // closing twice does nothing
            assertThat(Autograd.isDetectingAnomaly()).isFalse();
        }
    }

    @Test
    void theScopeIsPerThread() throws Exception {
        AtomicReference<Object> other = new AtomicReference<>();
        try (Autograd.Scope scope = Autograd.detectAnomaly()) {
            Thread t = new Thread(() -> {
                try {
                    other.set(var(-1).log().value().toArray()[0]);
                } catch (RuntimeException e) {
                    other.set(e);
                }
            });
            t.start();
            t.join();
        }
        assertThat(other.get()).isInstanceOf(Float.class);
        assertThat((Float) other.get()).isNaN();
    }

    @Test
    void aHealthyTrainingStepIsBitIdenticalInsideTheScope() {
        float[] plain = trainSteps(false);
        float[] checked = trainSteps(true);
        assertThat(checked).isEqualTo(plain);
    }

    private static float[] trainSteps(boolean anomaly) {
        SplittableRandom random = new SplittableRandom(5);
        Sequential model = new Sequential(new Linear(3, 8, random), new ReLU(), new Linear(8, 2, random));
        Adam adam = new Adam(model.parameters(), 0.01f);
        Tensor x = Tensor.constant(NDArray.randn(random, 16, 3));
        int[] labels = new int[16];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = i % 2;
        }
        try (Autograd.Scope scope = anomaly ? Autograd.detectAnomaly() : null) {
            for (int step = 0; step < 20; step++) {
                adam.step(Losses.crossEntropy(model.forward(x), labels).backward());
            }
        }
        return model.parameters().get(0).value().toArray();
    }
}
