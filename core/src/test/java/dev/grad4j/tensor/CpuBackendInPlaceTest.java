package dev.grad4j.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The in-place updates of {@link CpuBackend}: assign, scaleInPlace, and the optimizer steps against
 * the torch.optim 1.13 single-tensor update rules written out here in double.
 */
class CpuBackendInPlaceTest {

    private static final Backend B = Backend.cpu();
    private static final int N = 37;
    private static final int STEPS = 6;

    @Test
    void assignCopiesValuesIntoTarget() {
        NDArray target = NDArray.zeros(2, 3);
        NDArray source = Naive.randn(81, 2, 3);
        NDArray source0 = source.copy();
        B.assign(target, source);
        assertThat(target).isEqualTo(source);
        assertThat(source).isEqualTo(source0);
        B.scaleInPlace(target, 2f); // no aliasing
        assertThat(source).isEqualTo(source0);
    }

    @Test
    void scaleInPlaceMultipliesEveryElement() {
        NDArray x = NDArray.of(new float[] {1, -2, 3}, 3);
        B.scaleInPlace(x, -0.5f);
        assertThat(x.toArray()).containsExactly(-0.5f, 1f, -1.5f);
        NDArray empty = NDArray.zeros(0);
        B.scaleInPlace(empty, 3f);
        assertThat(empty.size()).isZero();
    }

    // ---- SGD ----------------------------------------------------------------------------------

    static Stream<Arguments> sgdConfigs() {
        // lr, momentum, dampening, nesterov, weightDecay
        return Stream.of(
                Arguments.of(0.1f, 0f, 0f, false, 0f),
                Arguments.of(0.1f, 0f, 0f, false, 0.01f),
                Arguments.of(0.1f, 0.9f, 0f, false, 0f),
                Arguments.of(0.05f, 0.9f, 0.1f, false, 0.01f),
                Arguments.of(0.1f, 0.9f, 0f, true, 0f),
                Arguments.of(0.02f, 0.5f, 0f, true, 0.001f));
    }

    @ParameterizedTest(name = "lr {0} momentum {1} dampening {2} nesterov {3} wd {4}")
    @MethodSource("sgdConfigs")
    void sgdStepFollowsTorchRule(float lr, float momentum, float dampening, boolean nesterov, float wd) {
        NDArray param = Naive.randn(82, N);
        NDArray buffer = momentum != 0f ? NDArray.zeros(N) : null;
        double[] p = toDouble(param);
        double[] buf = new double[N];
        for (int step = 0; step < STEPS; step++) {
            NDArray grad = Naive.randn(100 + step, N);
            NDArray grad0 = grad.copy();
            double[] g = toDouble(grad);
            boolean first = step == 0;
            // torch.optim.SGD, _single_tensor_sgd (1.13)
            for (int i = 0; i < N; i++) {
                double d = g[i];
                if (wd != 0) {
                    d = d + wd * p[i];
                }
                if (momentum != 0) {
                    buf[i] = first ? d : momentum * buf[i] + (1 - (double) dampening) * d;
                    d = nesterov ? d + momentum * buf[i] : buf[i];
                }
                p[i] = p[i] - lr * d;
            }
            B.sgdStep(param, grad, buffer, first, lr, momentum, dampening, nesterov, wd);
            assertClose(param, p, "sgd param after step " + step);
            if (buffer != null) {
                assertClose(buffer, buf, "sgd momentum buffer after step " + step);
            }
            assertThat(grad).isEqualTo(grad0);
        }
    }

    // ---- Adam / AdamW -------------------------------------------------------------------------

    static Stream<Arguments> adamConfigs() {
        // lr, beta1, beta2, eps, weightDecay, decoupled, amsgrad
        return Stream.of(
                Arguments.of(1e-3f, 0.9f, 0.999f, 1e-8f, 0f, false, false),
                Arguments.of(1e-2f, 0.9f, 0.999f, 1e-8f, 0.1f, false, false),
                Arguments.of(1e-2f, 0.9f, 0.999f, 1e-8f, 0.1f, false, true),
                Arguments.of(1e-2f, 0.8f, 0.99f, 1e-6f, 0.05f, true, false),
                Arguments.of(3e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, true, true));
    }

    @ParameterizedTest(name = "lr {0} betas {1},{2} eps {3} wd {4} decoupled {5} amsgrad {6}")
    @MethodSource("adamConfigs")
    void adamStepFollowsTorchRule(float lr, float beta1, float beta2, float eps, float wd, boolean decoupled,
                                  boolean amsgrad) {
        NDArray param = Naive.randn(83, N);
        NDArray m = NDArray.zeros(N);
        NDArray v = NDArray.zeros(N);
        NDArray vMax = amsgrad ? NDArray.zeros(N) : null;
        double[] p = toDouble(param);
        double[] em = new double[N];
        double[] ev = new double[N];
        double[] evMax = new double[N];
        for (int t = 1; t <= STEPS; t++) {
            NDArray grad = Naive.randn(200 + t, N);
            NDArray grad0 = grad.copy();
            double[] g = toDouble(grad);
            // torch.optim.Adam / AdamW, _single_tensor_adam(w) (1.13)
            double bc1 = 1 - Math.pow(beta1, t);
            double bc2 = 1 - Math.pow(beta2, t);
            for (int i = 0; i < N; i++) {
                double gi = g[i];
                if (decoupled) {
                    p[i] = p[i] * (1 - (double) lr * wd); // AdamW: param.mul_(1 - lr * weight_decay)
                } else if (wd != 0) {
                    gi = gi + wd * p[i]; // Adam: grad = grad.add(param, alpha=weight_decay)
                }
                em[i] = beta1 * em[i] + (1 - (double) beta1) * gi;
                ev[i] = beta2 * ev[i] + (1 - (double) beta2) * gi * gi;
                double second = ev[i];
                if (amsgrad) {
                    evMax[i] = Math.max(evMax[i], ev[i]);
                    second = evMax[i];
                }
                double denom = Math.sqrt(second) / Math.sqrt(bc2) + eps;
                p[i] = p[i] - (lr / bc1) * em[i] / denom;
            }
            B.adamStep(param, grad, m, v, vMax, t, lr, beta1, beta2, eps, wd, decoupled);
            assertClose(param, p, "adam param after step " + t);
            assertClose(m, em, "adam m after step " + t);
            assertClose(v, ev, "adam v after step " + t);
            if (amsgrad) {
                assertClose(vMax, evMax, "adam vMax after step " + t);
            }
            assertThat(grad).isEqualTo(grad0);
        }
    }

    private static double[] toDouble(NDArray x) {
        return Naive.Arr.of(x).data();
    }

    private static void assertClose(NDArray actual, double[] expected, String what) {
        float[] a = actual.toArray();
        for (int i = 0; i < a.length; i++) {
            if (!(Math.abs(a[i] - expected[i]) <= 2e-5 * Math.abs(expected[i]) + 1e-7)) {
                fail(what + ": element " + i + " is " + a[i] + ", expected " + expected[i]);
            }
        }
    }
}
