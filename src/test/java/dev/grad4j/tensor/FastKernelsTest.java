package dev.grad4j.tensor;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The selected (Vector API, when present) elementwise and optimizer kernels against the scalar
 * ones: bit-identical on lengths around the vector width, for every range split.
 */
class FastKernelsTest {

    private static final ElementwiseKernels SCALAR = new ElementwiseKernels();
    private static final OptimizerKernels SCALAR_OPT = new OptimizerKernels();

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 7, 8, 15, 16, 17, 33, 100, 1000})
    void elementwiseMatchesScalar(int n) {
        SplittableRandom r = new SplittableRandom(n);
        float[] x = random(r, n);
        float[] g = random(r, n);
        if (n > 3) {
            x[0] = 0f;
            x[1] = -0f;
            x[2] = Float.NaN;
        }
        for (UnaryOp op : new UnaryOp[] {UnaryOp.RELU, UnaryOp.NEG, UnaryOp.TANH}) {
            float[] y1 = new float[n];
            float[] y2 = new float[n];
            SCALAR.unary(op, x, y1, 0, n);
            Kernels.ELEMENTWISE.unary(op, x, y2, 0, n);
            assertThat(y2).as("%s forward", op).isEqualTo(y1);
            float[] r1 = new float[n];
            float[] r2 = new float[n];
            SCALAR.unaryBackward(op, g, x, y1, r1, 0, n);
            Kernels.ELEMENTWISE.unaryBackward(op, g, x, y1, r2, 0, n);
            assertThat(r2).as("%s backward", op).isEqualTo(r1);
        }
        for (BinaryOp op : new BinaryOp[] {BinaryOp.ADD, BinaryOp.SUB, BinaryOp.MUL, BinaryOp.DIV}) {
            float[] r1 = new float[n + 1];
            float[] r2 = new float[n + 1];
            SCALAR.binary(op, x, 0, 1, g, 0, 1, r1, 1, n);
            Kernels.ELEMENTWISE.binary(op, x, 0, 1, g, 0, 1, r2, 1, n);
            assertThat(r2).as("%s", op).isEqualTo(r1);
        }
        float[] s1 = new float[n];
        float[] s2 = new float[n];
        SCALAR.scale(x, s1, 0, n, 0.3f);
        Kernels.ELEMENTWISE.scale(x, s2, 0, n, 0.3f);
        assertThat(s2).isEqualTo(s1);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void adamMatchesScalarBitForBit(boolean amsgrad) {
        int n = 1037;
        SplittableRandom r = new SplittableRandom(3);
        float[] p1 = random(r, n);
        float[] p2 = p1.clone();
        float[] m1 = new float[n];
        float[] m2 = new float[n];
        float[] v1 = new float[n];
        float[] v2 = new float[n];
        float[] x1 = amsgrad ? new float[n] : null;
        float[] x2 = amsgrad ? new float[n] : null;
        for (int t = 1; t <= 5; t++) {
            float[] g = random(r, n);
            for (boolean decoupled : new boolean[] {false, true}) {
                OptimizerKernels.AdamScalars s = OptimizerKernels.AdamScalars.of(t, 1e-2f, 0.9f, 0.99f, 1e-8f, 0.1f, decoupled);
                SCALAR_OPT.adam(p1, g, m1, v1, x1, 0, n, s);
                Kernels.OPTIMIZER.adam(p2, g, m2, v2, x2, 0, n, s);
            }
        }
        assertThat(p2).isEqualTo(p1);
        assertThat(m2).isEqualTo(m1);
        assertThat(v2).isEqualTo(v1);
    }

    @Test
    void parallelRangesCoverEveryElementOnce() {
        int n = 200_003;
        int[] hits = new int[n];
        KernelPool.forRange(n, 1000, (from, to) -> {
            for (int i = from; i < to; i++) {
                hits[i]++;
            }
        });
        for (int i = 0; i < n; i++) {
            assertThat(hits[i]).as("element %d", i).isEqualTo(1);
        }
    }

    private static float[] random(SplittableRandom r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (r.nextDouble() * 4 - 2);
        }
        return x;
    }
}
