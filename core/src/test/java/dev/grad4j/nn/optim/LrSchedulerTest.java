package dev.grad4j.nn.optim;

import dev.grad4j.autograd.Tensor;
import dev.grad4j.tensor.NDArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.function.IntToDoubleFunction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class LrSchedulerTest {

    private static Optimizer sgd(float lr) {
        return new SGD(List.of(Tensor.var("p", NDArray.ones(1))), lr);
    }

    /** Steps {@code epochs} times, checking the optimizer's learning rate before each step and after the last. */
    private static void assertSchedule(Optimizer optimizer, LrScheduler schedule, int epochs, IntToDoubleFunction expected) {
        for (int e = 0; e <= epochs; e++) {
            assertThat((double) optimizer.learningRate()).as("epoch %d", e)
                    .isCloseTo(expected.applyAsDouble(e), within(1e-6 * Math.abs(expected.applyAsDouble(e)) + 1e-9));
            assertThat(schedule.epoch()).isEqualTo(e);
            schedule.step();
        }
    }

    @Test
    void stepLrDecaysByGammaEveryStepSizeEpochs() {
        Optimizer optimizer = sgd(0.1f);
        StepLR schedule = new StepLR(optimizer, 3, 0.5f);

        assertSchedule(optimizer, schedule, 10, e -> 0.1f * Math.pow(0.5, e / 3));
        assertThat(schedule.baseLearningRate()).isEqualTo(0.1f);
    }

    @Test
    void stepLrMatchesTorchsChainedForm() {
        // torch: lr stays, and is multiplied by gamma when epoch % stepSize == 0 (epoch > 0).
        Optimizer optimizer = sgd(0.2f);
        StepLR schedule = new StepLR(optimizer, 2, 0.1f);
        double lr = 0.2f;
        for (int e = 1; e <= 7; e++) {
            schedule.step();
            if (e % 2 == 0) {
                lr *= 0.1f;
            }
            assertThat((double) optimizer.learningRate()).isCloseTo(lr, within(1e-6 * lr));
        }
    }

    @Test
    void cosineAnnealingFollowsTheClosedForm() {
        Optimizer optimizer = sgd(0.1f);
        CosineAnnealingLR schedule = new CosineAnnealingLR(optimizer, 10, 0.001f);

        assertSchedule(optimizer, schedule, 25,
                e -> 0.001f + (0.1f - 0.001f) * (1 + Math.cos(Math.PI * e / 10)) / 2);
    }

    @Test
    void cosineAnnealingMatchesTorchsRecursiveForm() {
        double base = 0.1f;
        double etaMin = 0.001f;
        int tMax = 7;
        Optimizer optimizer = sgd(0.1f);
        CosineAnnealingLR schedule = new CosineAnnealingLR(optimizer, tMax, 0.001f);
        double lr = base;
        for (int e = 1; e <= 30; e++) {
            schedule.step();
            if ((e - 1 - tMax) % (2 * tMax) == 0) {
                lr = lr + (base - etaMin) * (1 - Math.cos(Math.PI / tMax)) / 2;
            } else {
                lr = (1 + Math.cos(Math.PI * e / tMax)) / (1 + Math.cos(Math.PI * (e - 1) / tMax))
                        * (lr - etaMin) + etaMin;
            }
            assertThat((double) optimizer.learningRate()).as("epoch %d", e).isCloseTo(lr, within(1e-7));
        }
    }

    @Test
    void linearWarmupRisesFromTheStartFactorThenHolds() {
        Optimizer optimizer = sgd(0.4f);
        LinearWarmup schedule = new LinearWarmup(optimizer, 0.25f, 4);

        assertSchedule(optimizer, schedule, 8, e -> 0.4f * (0.25f + 0.75f * Math.min(e, 4) / 4.0));
    }

    @Test
    void linearWarmupStartsAtAThirdByDefaultAsTorch() {
        Optimizer optimizer = sgd(0.3f);
        LinearWarmup schedule = new LinearWarmup(optimizer, 5);

        assertThat((double) optimizer.learningRate()).isCloseTo(0.1, within(1e-7));
        assertThat(schedule.learningRateAt(5)).isEqualTo(0.3f);
        assertThat(schedule.learningRateAt(100)).isEqualTo(0.3f);
    }

    @Test
    void learningRateAtDoesNotChangeTheOptimizer() {
        Optimizer optimizer = sgd(0.1f);
        StepLR schedule = new StepLR(optimizer, 1, 0.5f);

        assertThat(schedule.learningRateAt(3)).isEqualTo(0.0125f);
        assertThat(optimizer.learningRate()).isEqualTo(0.1f);
    }

    @ParameterizedTest(name = "stepSize={0} gamma={1}")
    @CsvSource({"0, 0.5, stepSize must be >= 1: 0", "2, -0.5, gamma must be finite and >= 0: -0.5", "2, NaN, gamma"})
    void stepLrRejectsBadArguments(int stepSize, float gamma, String message) {
        assertThatThrownBy(() -> new StepLR(sgd(0.1f), stepSize, gamma))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("StepLR")
                .hasMessageContaining(message);
    }

    @ParameterizedTest(name = "tMax={0} etaMin={1}")
    @CsvSource({"0, 0, tMax must be >= 1: 0", "10, -1, etaMin must be finite and >= 0: -1.0"})
    void cosineAnnealingRejectsBadArguments(int tMax, float etaMin, String message) {
        assertThatThrownBy(() -> new CosineAnnealingLR(sgd(0.1f), tMax, etaMin))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("CosineAnnealingLR")
                .hasMessageContaining(message);
    }

    @ParameterizedTest(name = "startFactor={0} steps={1}")
    @CsvSource({"0, 5, startFactor must be in (0, 1]: 0.0", "1.5, 5, startFactor must be in (0, 1]: 1.5",
        "0.5, 0, warmupSteps must be >= 1: 0"})
    void linearWarmupRejectsBadArguments(float startFactor, int steps, String message) {
        assertThatThrownBy(() -> new LinearWarmup(sgd(0.1f), startFactor, steps))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("LinearWarmup")
                .hasMessageContaining(message);
    }

    @Test
    void aNullOptimizerIsRejected() {
        assertThatThrownBy(() -> new StepLR(null, 1, 0.5f)).isInstanceOf(NullPointerException.class);
    }
}
