package dev.grad4j.nn;

import dev.grad4j.autograd.Autograd;
import dev.grad4j.autograd.Gradients;
import dev.grad4j.autograd.Tensor;
import dev.grad4j.tensor.NDArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class LossesTest {

    private static final float TOL = 1e-6f;

    private static Tensor var(String name, float[] data, int... dims) {
        return Tensor.var(name, NDArray.of(data, dims));
    }

    private static Tensor constant(float[] data, int... dims) {
        return Tensor.constant(NDArray.of(data, dims));
    }

    // ---- mse ----------------------------------------------------------------------------------

    @Test
    void mseIsTheMeanSquaredDifferenceWithGradientsForBothArguments() {
        Tensor pred = var("pred", new float[] {1, 2, 3}, 3);
        Tensor target = var("target", new float[] {1, 0, 5}, 3);

        Tensor loss = Losses.mse(pred, target);
        Gradients g = loss.backward();

        assertThat(loss.shape().rank()).isZero();
        assertThat(loss.item()).isCloseTo(8f / 3, within(TOL));
        // d/dpred = 2 (pred - target) / N; d/dtarget is its negative.
        assertThat(g.wrt(pred).toArray()).containsExactly(new float[] {0, 4f / 3, -4f / 3}, within(TOL));
        assertThat(g.wrt(target).toArray()).containsExactly(new float[] {0, -4f / 3, 4f / 3}, within(TOL));
    }

    // ---- binary cross-entropy with logits -------------------------------------------------

    @Test
    void bceWithLogitsMatchesTheDefinition() {
        float[] z = {0f, 2f, -1.5f, 0.3f};
        float[] t = {0.5f, 1f, 0f, 0.2f};
        Tensor loss = Losses.binaryCrossEntropyWithLogits(constant(z, 2, 2), constant(t, 2, 2));

        double expected = 0;
        for (int i = 0; i < z.length; i++) {
            double s = 1 / (1 + Math.exp(-z[i]));
            expected -= t[i] * Math.log(s) + (1 - t[i]) * Math.log(1 - s);
        }
        assertThat(loss.item()).isCloseTo((float) (expected / z.length), within(TOL));
    }

    @Test
    void bceWithLogitsIsFiniteForLogitsOfPlusMinus100() {
        Tensor z = var("z", new float[] {100f, -100f, 100f, -100f}, 4);
        Tensor t = var("t", new float[] {0f, 1f, 1f, 0f}, 4);

        Tensor loss = Losses.binaryCrossEntropyWithLogits(z, t);
        Gradients g = loss.backward();

        // Wrong-side logits cost |z| each, right-side ones ~0: (100 + 100) / 4.
        assertThat(loss.item()).isCloseTo(50f, within(1e-4f));
        // (sigmoid(z) - t) / N and -z / N.
        assertThat(g.wrt(z).toArray()).containsExactly(new float[] {0.25f, -0.25f, 0f, 0f}, within(TOL));
        assertThat(g.wrt(t).toArray()).containsExactly(-25f, 25f, -25f, 25f);
    }

    // ---- soft cross-entropy --------------------------------------------------------------------

    @Test
    void softCrossEntropyIsTheMeanOverRowsOfTheNegativeExpectedLogSoftmax() {
        Tensor logits = var("z", new float[] {0, 0, 1, 2, 3, 4}, 2, 3);
        Tensor targets = var("t", new float[] {1, 0, 0, 0.25f, 0.25f, 0.5f}, 2, 3);

        Tensor loss = Losses.softCrossEntropy(logits, targets);
        Gradients g = loss.backward();

        double lse0 = Math.log(2 + Math.E);
        double lse1 = Math.log(Math.exp(2) + Math.exp(3) + Math.exp(4));
        double row0 = lse0;
        double row1 = lse1 - (0.25 * 2 + 0.25 * 3 + 0.5 * 4);
        assertThat(loss.item()).isCloseTo((float) ((row0 + row1) / 2), within(TOL));
        // d/dz = (softmax(z) * sum(t) - t) / N; d/dt = -logSoftmax(z) / N.
        assertThat(g.wrt(logits).get(0, 2)).isCloseTo((float) (Math.exp(1 - lse0) / 2), within(TOL));
        assertThat(g.wrt(targets).get(1, 0)).isCloseTo((float) (-(2 - lse1) / 2), within(TOL));
    }

    @Test
    void softCrossEntropyIsFiniteForLogitsOfPlusMinus100() {
        Tensor loss = Losses.softCrossEntropy(constant(new float[] {100, -100, -100, 100}, 2, 2),
                constant(new float[] {0, 1, 0.5f, 0.5f}, 2, 2));

        assertThat(loss.item()).isCloseTo((200f + 100f) / 2, within(1e-3f));
    }

    // ---- cross-entropy -----------------------------------------------------------------------

    @Test
    void crossEntropyIsTheMeanNegativeLogSoftmaxOfTheLabels() {
        Tensor logits = var("z", new float[] {0, 0, 0, 1, 2, 3}, 2, 3);

        Tensor loss = Losses.crossEntropy(logits, new int[] {1, 0});
        Gradients g = loss.backward();

        double lse1 = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
        assertThat(loss.item()).isCloseTo((float) ((Math.log(3) + lse1 - 1) / 2), within(TOL));
        float third = 1f / 3;
        float[] expected = {
            third / 2, (third - 1) / 2, third / 2,
            (float) ((Math.exp(1 - lse1) - 1) / 2), (float) (Math.exp(2 - lse1) / 2), (float) (Math.exp(3 - lse1) / 2)};
        assertThat(g.wrt(logits).toArray()).containsExactly(expected, within(TOL));
    }

    @Test
    void crossEntropyIsFiniteForLogitsOfPlusMinus100() {
        Tensor logits = var("z", new float[] {100, -100, -100, 100}, 2, 2);

        Tensor loss = Losses.crossEntropy(logits, new int[] {1, 1});
        Gradients g = loss.backward();

        assertThat(loss.item()).isCloseTo(100f, within(1e-3f));
        assertThat(g.wrt(logits).toArray()).containsExactly(new float[] {0.5f, -0.5f, 0f, 0f}, within(TOL));
    }

    @Test
    void crossEntropyEqualsSoftCrossEntropyWithOneHotTargets() {
        float[] z = {0.3f, -1.2f, 2.0f, 0.7f, 0.1f, -0.4f};
        Tensor hard = Losses.crossEntropy(constant(z, 2, 3), new int[] {2, 0});
        Tensor soft = Losses.softCrossEntropy(constant(z, 2, 3), constant(new float[] {0, 0, 1, 1, 0, 0}, 2, 3));

        assertThat(hard.item()).isCloseTo(soft.item(), within(TOL));
    }

    // ---- recording and errors ----------------------------------------------------------------

    @Test
    void lossesUnderNoGradAreNotRecorded() {
        Tensor z = var("z", new float[] {1, 2}, 1, 2);
        try (var scope = Autograd.noGrad()) {
            assertThat(Losses.crossEntropy(z, new int[] {0}).requiresGrad()).isFalse();
            assertThat(Losses.binaryCrossEntropyWithLogits(z, z).requiresGrad()).isFalse();
        }
    }

    static Stream<Arguments> shapeMismatches() {
        Tensor a = Tensor.constant(NDArray.zeros(2, 3));
        Tensor b = Tensor.constant(NDArray.zeros(3, 2));
        return Stream.of(
                Arguments.of("mse", (Runnable) () -> Losses.mse(a, b)),
                Arguments.of("binaryCrossEntropyWithLogits", (Runnable) () -> Losses.binaryCrossEntropyWithLogits(a, b)),
                Arguments.of("softCrossEntropy", (Runnable) () -> Losses.softCrossEntropy(a, b)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shapeMismatches")
    void differentInputAndTargetShapesAreRejected(String op, Runnable call) {
        assertThatThrownBy(call::run).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(op)
                .hasMessageContaining("[2, 3]")
                .hasMessageContaining("[3, 2]");
    }

    @Test
    void emptyInputsAreRejected() {
        Tensor empty = Tensor.constant(NDArray.zeros(0));
        assertThatThrownBy(() -> Losses.mse(empty, empty)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("mse").hasMessageContaining("empty");
        assertThatThrownBy(() -> Losses.binaryCrossEntropyWithLogits(empty, empty))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("binaryCrossEntropyWithLogits");
        assertThatThrownBy(() -> Losses.crossEntropy(Tensor.constant(NDArray.zeros(0, 3)), new int[0]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("crossEntropy");
    }

    @ParameterizedTest(name = "label {0}")
    @ValueSource(ints = {-1, 3, 100})
    void crossEntropyRejectsLabelsOutOfRange(int label) {
        Tensor logits = Tensor.constant(NDArray.zeros(2, 3));

        assertThatThrownBy(() -> Losses.crossEntropy(logits, new int[] {0, label}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("crossEntropy")
                .hasMessageContaining("label " + label + " at index 1")
                .hasMessageContaining("[0, 3)");
    }

    @Test
    void crossEntropyRejectsAWrongNumberOfLabels() {
        assertThatThrownBy(() -> Losses.crossEntropy(Tensor.constant(NDArray.zeros(4, 3)), new int[] {0, 1, 2}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("crossEntropy")
                .hasMessageContaining("3 labels")
                .hasMessageContaining("[4, 3]");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("notMatrices")
    void crossEntropyLossesRejectLogitsThatAreNot2D(NDArray logits) {
        String shape = logits.shape().toString();
        assertThatThrownBy(() -> Losses.crossEntropy(Tensor.constant(logits), new int[] {0, 0}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("crossEntropy").hasMessageContaining(shape);
        assertThatThrownBy(() -> Losses.softCrossEntropy(Tensor.constant(logits), Tensor.constant(logits)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("softCrossEntropy").hasMessageContaining(shape);
    }

    static Stream<NDArray> notMatrices() {
        return Stream.of(NDArray.zeros(2), NDArray.zeros(2, 2, 2), NDArray.scalar(1f));
    }

    @Test
    void nullArgumentsAreRejected() {
        Tensor z = Tensor.constant(NDArray.zeros(1, 2));
        assertThatThrownBy(() -> Losses.crossEntropy(z, (int[]) null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("crossEntropy");
        assertThatThrownBy(() -> Losses.mse(null, z)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("mse");
    }
}
