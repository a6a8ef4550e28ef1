package dev.grad4j.autograd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.grad4j.tensor.NDArray;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Finite-difference checks of relu, sigmoid, tanh and the softmax family. */
class ActivationOpsTest {

    static final int[][] SHAPES = {{}, {4}, {2, 3}, {2, 3, 4}};

    static Stream<int[]> shapes() {
        return Stream.of(SHAPES);
    }

    @ParameterizedTest(name = "relu {0}")
    @MethodSource("shapes")
    void relu(int[] dims) {
        GradCheck.assertClose(xs -> xs.get(0).relu(), Inputs.awayFromZero(1, dims));
    }

    @ParameterizedTest(name = "sigmoid {0}")
    @MethodSource("shapes")
    void sigmoid(int[] dims) {
        GradCheck.assertClose(xs -> xs.get(0).sigmoid(), NDArray.randn(new java.util.SplittableRandom(2), dims));
        GradCheck.assertClose(xs -> xs.get(0).sigmoid(), Inputs.uniform(3, -8, 8, dims));
    }

    @ParameterizedTest(name = "tanh {0}")
    @MethodSource("shapes")
    void tanh(int[] dims) {
        GradCheck.assertClose(xs -> xs.get(0).tanh(), Inputs.uniform(4, -3, 3, dims));
    }

    @Test
    void reluGradientAtZeroIsZero() {
        Tensor x = Tensor.var("x", NDArray.of(new float[] {-1, 0, 2}, 3));
        assertThat(x.relu().sum().backward().wrt(x).toArray()).containsExactly(0f, 0f, 1f);
    }

    static Stream<Arguments> softmaxCases() {
        List<Arguments> cases = new ArrayList<>();
        for (int[] s : new int[][] {{}, {5}, {2, 3}, {3, 1}, {2, 3, 4}}) {
            int rank = Math.max(1, s.length);
            for (int axis = -rank; axis < rank; axis++) {
                cases.add(Arguments.of(s, axis));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "softmax {0} axis {1}")
    @MethodSource("softmaxCases")
    void softmax(int[] dims, int axis) {
        GradCheck.assertClose(xs -> xs.get(0).softmax(axis), Inputs.randn(5, dims));
    }

    @ParameterizedTest(name = "logSoftmax {0} axis {1}")
    @MethodSource("softmaxCases")
    void logSoftmax(int[] dims, int axis) {
        GradCheck.assertClose(xs -> xs.get(0).logSoftmax(axis), Inputs.randn(6, dims));
    }

    @ParameterizedTest(name = "offset {0}")
    @org.junit.jupiter.params.provider.ValueSource(floats = {100f, -100f})
    void softmaxFamilyWithLargeOffsets(float offset) {
        // Near |x| = 100 the default relative step would be 1; use an absolute-size step instead.
        NDArray x = Inputs.randn(7, 3, 4);
        NDArray shifted = Tensor.constant(x).add(offset).value();
        GradCheck.Options small = GradCheck.Options.DEFAULTS.withStep(1e-4);
        GradCheck.assertClose(xs -> xs.get(0).softmax(1), small, shifted);
        GradCheck.assertClose(xs -> xs.get(0).logSoftmax(0), small, shifted);
    }

    @Test
    void crossEntropyComposition() {
        // -sum(target * logSoftmax(logits)) / batch: the gradient is (softmax - target) / batch
        NDArray logits = Inputs.randn(8, 4, 3);
        NDArray target = NDArray.of(new float[] {1, 0, 0, 0, 1, 0, 0, 0, 1, 0.5f, 0.5f, 0}, 4, 3);
        GradCheck.assertClose(xs -> xs.get(0).logSoftmax(-1).mul(Tensor.constant(target)).sum().neg().mul(0.25f),
                logits);
        Tensor v = Tensor.var("logits", logits);
        NDArray g = v.logSoftmax(-1).mul(Tensor.constant(target)).sum().neg().mul(0.25f).backward().wrt(v);
        float[] p = v.softmax(-1).value().toArray();
        float[] t = target.toArray();
        float[] got = g.toArray();
        for (int i = 0; i < p.length; i++) {
            assertThat(got[i]).isCloseTo((p[i] - t[i]) / 4f, org.assertj.core.api.Assertions.within(1e-6f));
        }
    }
}
