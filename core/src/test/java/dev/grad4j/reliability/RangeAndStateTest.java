package dev.grad4j.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.grad4j.autograd.Tensor;
import dev.grad4j.data.Batch;
import dev.grad4j.data.DataLoader;
import dev.grad4j.data.TensorDataset;
import dev.grad4j.nn.optim.Adam;
import dev.grad4j.nn.optim.CosineAnnealingLR;
import dev.grad4j.nn.optim.LinearWarmup;
import dev.grad4j.nn.optim.LrScheduler;
import dev.grad4j.nn.optim.SGD;
import dev.grad4j.nn.optim.StepLR;
import dev.grad4j.tensor.Backend;
import dev.grad4j.tensor.NDArray;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hyperparameters are checked for their range, not only for finiteness, and a call that fails
 * leaves every piece of state (arrays, epochs, learning rates) as it was.
 */
class RangeAndStateTest {

    private static final Backend B = Backend.cpu();

    static Stream<Arguments> badAdam() {
        return Stream.of(
                Arguments.of(0.1f, 1f, 0.999f, 1e-8f, 0f, "beta1 must be in [0, 1), got 1.0"),
                Arguments.of(0.1f, 0.9f, 1f, 1e-8f, 0f, "beta2 must be in [0, 1), got 1.0"),
                Arguments.of(0.1f, -0.1f, 0.999f, 1e-8f, 0f, "beta1 must be in [0, 1)"),
                Arguments.of(0.1f, 0.9f, 0.999f, 0f, 0f, "eps must be finite and > 0, got 0.0"),
                Arguments.of(0.1f, 0.9f, 0.999f, -1e-8f, 0f, "eps must be finite and > 0"),
                Arguments.of(-0.1f, 0.9f, 0.999f, 1e-8f, 0f, "lr must be finite and >= 0, got -0.1"),
                Arguments.of(0.1f, 0.9f, 0.999f, 1e-8f, -1f, "weight decay must be finite and >= 0"),
                Arguments.of(0.1f, 0.9f, Float.NaN, 1e-8f, 0f, "beta2 must be in [0, 1), got NaN"));
    }

    @ParameterizedTest
    @MethodSource("badAdam")
    void adamStepRejectsOutOfRangeHyperparametersAndWritesNothing(float lr, float beta1, float beta2, float eps,
                                                                 float wd, String message) {
        NDArray p = NDArray.ones(4);
        NDArray m = NDArray.zeros(4);
        NDArray v = NDArray.zeros(4);
        assertThatThrownBy(() -> B.adamStep(p, NDArray.zeros(4), m, v, null, 1, lr, beta1, beta2, eps, wd, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("adam: " + message);
        assertThat(p.toArray()).containsOnly(1f);
        assertThat(m.toArray()).containsOnly(0f);
    }

    @Test
    void sgdStepRejectsNegativeHyperparameters() {
        NDArray p = NDArray.ones(3);
        assertThatThrownBy(() -> B.sgdStep(p, NDArray.ones(3), NDArray.zeros(3), true, 0.1f, -0.5f, 0f, false, 0f))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sgd: momentum must be finite and >= 0");
        assertThatThrownBy(() -> B.sgdStep(p, NDArray.ones(3), null, true, -0.1f, 0f, 0f, false, 0f))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sgd: lr must be finite and >= 0");
        assertThat(p.toArray()).containsOnly(1f);
    }

    @Test
    void adamConfigAndBackendAgreeOnEps() {
        assertThatThrownBy(() -> Adam.Config.builder().eps(0f).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Adam: eps must be finite and > 0");
    }

    @Test
    void reductionsRejectARepeatedAxis() {
        NDArray x = NDArray.ones(2, 3);
        assertThatThrownBy(() -> B.sum(x, new int[] {1, -1}, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sum: axis -1 repeated in [1, -1]");
        assertThatThrownBy(() -> B.mean(x, new int[] {0, 0}, true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("mean: axis 0 repeated");
    }

    private static SGD sgd(float lr) {
        return new SGD(List.of(Tensor.var("w", NDArray.ones(2))), lr);
    }

    static Stream<Function<SGD, LrScheduler>> schedules() {
        return Stream.of(o -> new StepLR(o, 2, 0.5f), o -> new LinearWarmup(o, 0.1f, 5),
                o -> new CosineAnnealingLR(o, 10, 0f));
    }

    @ParameterizedTest
    @MethodSource("schedules")
    void schedulesRejectANegativeEpoch(Function<SGD, LrScheduler> make) {
        LrScheduler schedule = make.apply(sgd(0.1f));
        String name = schedule.getClass().getSimpleName();
        assertThatThrownBy(() -> schedule.learningRateAt(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(name + ".learningRateAt: epoch must be >= 0: -1");
    }

    @Test
    void stepLrValidatesTheNextRateBeforeAdvancing() {
        SGD optimizer = sgd(1f);
        StepLR schedule = new StepLR(optimizer, 1, 1e30f);
        schedule.step();
        assertThat(optimizer.learningRate()).isEqualTo(1e30f);
        assertThatThrownBy(schedule::step)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("StepLR: learning rate at epoch 2 must be finite and >= 0: Infinity");
        assertThat(schedule.epoch()).isEqualTo(1);
        assertThat(optimizer.learningRate()).isEqualTo(1e30f);
    }

    @Test
    void aLoaderAtTheLastEpochRefusesToWrapAndStaysSaveable() {
        DataLoader loader = new DataLoader(new TensorDataset(NDArray.ones(4, 2), new int[] {0, 1, 0, 1}), 2,
                new SplittableRandom(3));
        DataLoader.State last = new DataLoader.State(42L, Integer.MAX_VALUE, 2);
        loader.restore(last);
        assertThatThrownBy(loader::iterator)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("DataLoader: epoch count overflows");
        assertThat(loader.state()).isEqualTo(last);
        // In mid-epoch the remaining batches of the last epoch are still delivered.
        loader.restore(new DataLoader.State(42L, Integer.MAX_VALUE, 1));
        Iterator<Batch> rest = loader.iterator();
        assertThat(rest.hasNext()).isTrue();
        rest.next();
        assertThat(loader.state()).isEqualTo(last);
    }
}
