package dev.grad4j.nn;

import dev.grad4j.autograd.Gradients;
import dev.grad4j.autograd.Tensor;
import dev.grad4j.tensor.NDArray;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

/**
 * The fused ops of the training step equal the compositions of primitives they replace: the
 * fused log-softmax + cross-entropy, and linear with its fused bias, in value and gradients.
 */
class FusedOpsTest {

    @ParameterizedTest(name = "crossEntropy [{0}, {1}]")
    @CsvSource({"1, 2", "4, 10", "33, 7", "128, 10"})
    void crossEntropyEqualsComposedLogSoftmaxLoss(int n, int c) {
        SplittableRandom r = new SplittableRandom(n * 100L + c);
        NDArray z = NDArray.randn(r, n, c);
        int[] labels = r.ints(n, 0, c).toArray();
        float[] hot = new float[n * c];
        for (int i = 0; i < n; i++) {
            hot[i * c + labels[i]] = 1f;
        }
        Tensor fusedIn = Tensor.var("z", z);
        Tensor fused = Losses.crossEntropy(fusedIn, labels);
        Tensor composedIn = Tensor.var("z", z);
        Tensor composed = composedIn.logSoftmax(1).mul(Tensor.constant(NDArray.of(hot, n, c))).sum().mul(-1f / n);
        assertThat(fused.item()).isCloseTo(composed.item(), offset(1e-6f * (1 + Math.abs(composed.item()))));
        assertClose(fused.backward().wrt(fusedIn), composed.backward().wrt(composedIn), 1e-6);
    }

    @ParameterizedTest(name = "linear [{0}, {1}] -> {2}")
    @CsvSource({"1, 3, 2", "5, 17, 9", "64, 784, 32"})
    void linearEqualsMatmulPlusBias(int batch, int in, int out) {
        SplittableRandom r = new SplittableRandom(batch * 7L + in);
        NDArray x = NDArray.randn(r, batch, in);
        NDArray w = NDArray.randn(r, out, in);
        NDArray b = NDArray.randn(r, out);
        NDArray up = NDArray.randn(r, batch, out);
        Tensor x1 = Tensor.var("x", x);
        Tensor w1 = Tensor.var("w", w);
        Tensor b1 = Tensor.var("b", b);
        Tensor fused = x1.linear(w1, b1);
        Tensor x2 = Tensor.var("x", x);
        Tensor w2 = Tensor.var("w", w);
        Tensor b2 = Tensor.var("b", b);
        Tensor composed = x2.matmul(w2.transpose(0, 1)).add(b2);
        double tol = 1e-5 * Math.sqrt(in);
        assertClose(fused.value(), composed.value(), tol);
        Gradients gf = fused.backward(up);
        Gradients gc = composed.backward(up);
        assertClose(gf.wrt(x1), gc.wrt(x2), tol);
        assertClose(gf.wrt(w1), gc.wrt(w2), tol * Math.sqrt(batch));
        assertClose(gf.wrt(b1), gc.wrt(b2), tol * Math.sqrt(batch));
    }

    private static void assertClose(NDArray actual, NDArray expected, double tol) {
        assertThat(actual.shape()).isEqualTo(expected.shape());
        float[] a = actual.toArray();
        float[] e = expected.toArray();
        for (int i = 0; i < a.length; i++) {
            assertThat((double) a[i]).as("element %d", i).isCloseTo(e[i], offset(tol * (1 + Math.abs(e[i]))));
        }
    }
}
