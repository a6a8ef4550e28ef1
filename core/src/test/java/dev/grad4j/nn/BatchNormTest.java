package dev.grad4j.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.grad4j.autograd.Tensor;
import dev.grad4j.tensor.NDArray;
import dev.grad4j.tensor.StateDict;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** BatchNorm1d and BatchNorm2d: state and names, running statistics, modes, options, errors. */
class BatchNormTest {

    @Test
    void defaultsAndStateDictNames() {
        BatchNorm2d bn = new BatchNorm2d(3);
        assertThat(bn.namedParameters()).containsOnlyKeys("weight", "bias");
        StateDict state = bn.stateDict();
        assertThat(state.keySet()).containsExactly("weight", "bias", "running_mean", "running_var", "num_batches_tracked");
        assertThat(state.integerNames()).containsExactly("num_batches_tracked");
        assertThat(state.get("weight").toArray()).containsOnly(1f);
        assertThat(state.get("bias").toArray()).containsOnly(0f);
        assertThat(state.get("running_mean").toArray()).containsOnly(0f);
        assertThat(state.get("running_var").toArray()).containsOnly(1f);
        assertThat(state.get("num_batches_tracked").shape().rank()).isZero();
        assertThat(bn.numBatchesTracked()).isZero();
        assertThat(bn).hasToString("BatchNorm2d(3, eps=1.0E-5, momentum=0.1, affine=true, track_running_stats=true)");
        assertThat(bn.isTraining()).isTrue();
    }

    @Test
    void runningStatisticsAfterTrainingForwardsFollowTheHandComputation() {
        SplittableRandom r = new SplittableRandom(5);
        BatchNorm2d bn = new BatchNorm2d(2, 1e-5f, 0.2f);
        double[] rm = {0, 0};
        double[] rv = {1, 1};
        for (int step = 0; step < 3; step++) {
            NDArray x = NDArray.randn(r, 3, 2, 2, 2);
            bn.forward(Tensor.constant(x));
            for (int c = 0; c < 2; c++) {
                double s = 0;
                for (int n = 0; n < 3; n++) {
                    for (int i = 0; i < 2; i++) {
                        for (int j = 0; j < 2; j++) {
                            s += x.get(n, c, i, j);
                        }
                    }
                }
                double mean = s / 12;
                double sq = 0;
                for (int n = 0; n < 3; n++) {
                    for (int i = 0; i < 2; i++) {
                        for (int j = 0; j < 2; j++) {
                            sq += Math.pow(x.get(n, c, i, j) - mean, 2);
                        }
                    }
                }
                rm[c] = 0.8 * rm[c] + 0.2 * mean;
                rv[c] = 0.8 * rv[c] + 0.2 * sq / 11;
            }
        }
        NDArray runningMean = bn.runningMean().orElseThrow();
        NDArray runningVar = bn.runningVar().orElseThrow();
        for (int c = 0; c < 2; c++) {
            assertThat(runningMean.get(c)).isCloseTo((float) rm[c], within(1e-6f));
            assertThat(runningVar.get(c)).isCloseTo((float) rv[c], within(1e-6f));
        }
        assertThat(bn.numBatchesTracked()).isEqualTo(3);
        assertThat(bn.stateDict().get("num_batches_tracked").item()).isEqualTo(3f);
    }

    @Test
    void evaluationUsesTheRunningStatisticsAndLeavesThemAlone() {
        BatchNorm1d bn = new BatchNorm1d(2);
        bn.loadStateDict(java.util.Map.of(
                "weight", NDArray.of(new float[] {2, 1}, 2), "bias", NDArray.of(new float[] {0, 1}, 2),
                "running_mean", NDArray.of(new float[] {1, -1}, 2), "running_var", NDArray.of(new float[] {4, 0.25f}, 2),
                "num_batches_tracked", NDArray.scalar(7)));
        bn.eval();
        Tensor y = bn.forward(Tensor.constant(NDArray.of(new float[] {3, 0}, 1, 2))); // one sample is fine in eval
        assertThat(y.value().get(0, 0)).isCloseTo((float) ((3 - 1) / Math.sqrt(4 + 1e-5) * 2), within(1e-6f));
        assertThat(y.value().get(0, 1)).isCloseTo((float) ((0 + 1) / Math.sqrt(0.25 + 1e-5) + 1), within(1e-5f));
        assertThat(bn.runningMean().orElseThrow().toArray()).containsExactly(1f, -1f);
        assertThat(bn.numBatchesTracked()).isEqualTo(7);
        // Back in training a single sample per channel is an error, as in PyTorch.
        bn.train();
        assertThatThrownBy(() -> bn.forward(Tensor.constant(NDArray.ones(1, 2))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("more than 1 value per channel");
        assertThat(bn.numBatchesTracked()).isEqualTo(7);
    }

    @Test
    void trainingOutputIsNormalisedAndGradientsReachWeightAndBias() {
        BatchNorm1d bn = new BatchNorm1d(4);
        Tensor x = Tensor.var("x", NDArray.randn(new SplittableRandom(9), 16, 4, 3));
        Tensor y = bn.forward(x);
        NDArray mean = y.mean(new int[] {0, 2}, false).value();
        for (float m : mean.toArray()) {
            assertThat(m).isCloseTo(0f, within(1e-5f));
        }
        var g = y.mul(y).sum().backward();
        assertThat(g.wrt(bn.weight().orElseThrow()).shape().toArray()).containsExactly(4);
        assertThat(g.wrt(bn.bias().orElseThrow()).shape().toArray()).containsExactly(4);
    }

    @Test
    void withoutAffineOrRunningStatistics() {
        BatchNorm2d plain = new BatchNorm2d(3, 1e-5f, 0.1f, false, false);
        assertThat(plain.namedParameters()).isEmpty();
        assertThat(plain.stateDict()).isEmpty();
        assertThat(plain.runningMean()).isEmpty();
        Tensor x = Tensor.constant(NDArray.randn(new SplittableRandom(3), 2, 3, 2, 2));
        NDArray train = plain.forward(x).value();
        plain.eval();
        // Untracked: batch statistics in evaluation too.
        assertThat(plain.forward(x).value()).isEqualTo(train);
        assertThat(train).isEqualTo(x.batchNorm(null, null, null, null, true, 0.1f, 1e-5f).value());
    }

    @Test
    void inSequentialTheStateDictCarriesPrefixedBufferNames() {
        Module model = new Sequential(new BatchNorm2d(2), new MaxPool2d(2), new Flatten(), new BatchNorm1d(2));
        assertThat(model.stateDict().keySet()).containsExactly(
                "0.weight", "0.bias", "0.running_mean", "0.running_var", "0.num_batches_tracked",
                "3.weight", "3.bias", "3.running_mean", "3.running_var", "3.num_batches_tracked");
        model.forward(Tensor.constant(NDArray.randn(new SplittableRandom(4), 4, 2, 2, 2)));
        assertThat(model.stateDict().get("3.num_batches_tracked").item()).isEqualTo(1f);
    }

    @Test
    void badInputs() {
        assertThatThrownBy(() -> new BatchNorm2d(0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("BatchNorm2d");
        assertThatThrownBy(() -> new BatchNorm1d(3, -1f, 0.1f)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("eps");
        assertThatThrownBy(() -> new BatchNorm2d(3).forward(Tensor.constant(NDArray.ones(2, 3))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("BatchNorm2d(3)").hasMessageContaining("[2, 3]");
        assertThatThrownBy(() -> new BatchNorm1d(3).forward(Tensor.constant(NDArray.ones(2, 3, 2, 2))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("BatchNorm1d").hasMessageContaining("[2, 3, 2, 2]");
        assertThatThrownBy(() -> new BatchNorm1d(4).forward(Tensor.constant(NDArray.ones(2, 3))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("C = 4").hasMessageContaining("[2, 3]");
        assertThatThrownBy(() -> new BatchNorm1d(4).forward(Tensor.constant(NDArray.ones(4))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("BatchNorm1d");
    }
}
