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
        if (n > 8) { // the tails and clamps of the exponential inside GELU, SiLU, sigmoid
            x[3] = -12f;
            x[4] = 40f;
            x[5] = Float.NEGATIVE_INFINITY;
            x[6] = Float.POSITIVE_INFINITY;
            x[7] = -100f;
            x[8] = 5e-39f;
        }
        for (UnaryOp op : UnaryOp.values()) {
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

    @Test
    void scalarReluBackwardAndOffsetBinaryMatchTheirDefinition() {
        float[] x = {0f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MIN_VALUE,
            -Float.MIN_VALUE, 1f, -1f, Float.MAX_VALUE, -Float.MAX_VALUE, Float.intBitsToFloat(0xFFC00000), 3f};
        float[] g = {2f, -3f, 4f, Float.NaN, 5f, -0f, 6f, Float.POSITIVE_INFINITY, 7f, -8f, 9f, 10f, -0f};
        int n = x.length;
        float[] r = new float[n];
        SCALAR.unaryBackward(UnaryOp.RELU, g, x, x, r, 0, n);
        float[] expected = new float[n];
        for (int i = 0; i < n; i++) {
            expected[i] = x[i] > 0f ? g[i] : 0f;
        }
        assertThat(r).isEqualTo(expected);
        for (BinaryOp op : new BinaryOp[] {BinaryOp.ADD, BinaryOp.SUB, BinaryOp.MUL, BinaryOp.DIV}) {
            // a at the result's offset, b elsewhere; then b at the result's offset, a elsewhere; then a scalar.
            float[] r1 = new float[n + 2];
            float[] r2 = new float[n + 2];
            float[] a = new float[n + 2];
            System.arraycopy(x, 0, a, 2, n);
            SCALAR.binary(op, a, 2, 1, g, 0, 1, r1, 2, n);
            SCALAR.binary(op, g, 0, 1, a, 2, 1, r2, 2, n);
            float[] s1 = new float[n];
            float[] s2 = new float[n];
            SCALAR.binary(op, x, 0, 1, g, 1, 0, s1, 0, n);
            SCALAR.binary(op, g, 1, 0, x, 0, 1, s2, 0, n);
            for (int i = 0; i < n; i++) {
                assertThat(Float.floatToIntBits(r1[i + 2])).as("%s", op).isEqualTo(Float.floatToIntBits(apply(op, x[i], g[i])));
                assertThat(Float.floatToIntBits(r2[i + 2])).as("%s", op).isEqualTo(Float.floatToIntBits(apply(op, g[i], x[i])));
                assertThat(Float.floatToIntBits(s1[i])).as("%s", op).isEqualTo(Float.floatToIntBits(apply(op, x[i], g[1])));
                assertThat(Float.floatToIntBits(s2[i])).as("%s", op).isEqualTo(Float.floatToIntBits(apply(op, g[1], x[i])));
            }
        }
    }

    private static float apply(BinaryOp op, float a, float b) {
        switch (op) {
            case ADD:
                return a + b;
            case SUB:
                return a - b;
            case MUL:
                return a * b;
            default:
                return a / b;
        }
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

    /**
     * Moments and gradients that reach the subnormal range (decaying moments of dead units, squares
     * of tiny gradients): the vector kernel keeps gradual underflow (no flush to zero) and stays bit
     * for bit the scalar float kernel, for Adam with L2, AdamW and AMSGrad.
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void adamMatchesScalarBitForBitThroughTheSubnormalRange(boolean amsgrad) {
        int n = 4099;
        SplittableRandom r = new SplittableRandom(11);
        float[] p1 = random(r, n);
        for (int i = 0; i < n; i += 7) {
            p1[i] = (float) (r.nextDouble() * 1e-40); // subnormal weights, for the weight decay
        }
        float[] p2 = p1.clone();
        float[] m1 = new float[n];
        float[] v1 = new float[n];
        for (int i = 0; i < n; i++) {
            m1[i] = tiny(r);
            v1[i] = Math.abs(tiny(r));
        }
        float[] m2 = m1.clone();
        float[] v2 = v1.clone();
        float[] x1 = amsgrad ? v1.clone() : null;
        float[] x2 = amsgrad ? v1.clone() : null;
        int subnormalsSeen = 0;
        for (int t = 1; t <= 60; t++) {
            float[] g = new float[n];
            for (int i = 0; i < n; i++) {
                g[i] = t % 3 == 0 ? tiny(r) : r.nextInt(4) == 0 ? (float) (r.nextDouble() - 0.5) : 0f;
            }
            // Adam, AdamW (decoupled decay, eps 0), and now and then Adam with L2 weight decay
            for (int variant = 0; variant < (t % 15 == 0 ? 3 : 2); variant++) {
                OptimizerKernels.AdamScalars s = OptimizerKernels.AdamScalars.of(t, 1e-3f, 0.9f, 0.999f,
                        variant == 1 ? 0f : 1e-8f, variant == 0 ? 0f : variant == 1 ? 0.1f : 0.01f, variant == 1);
                SCALAR_OPT.adam(p1, g, m1, v1, x1, 0, n, s);
                Kernels.OPTIMIZER.adam(p2, g, m2, v2, x2, 0, n, s);
                assertThat(p2).as("parameters at step %d, variant %d", t, variant).isEqualTo(p1);
                assertThat(m2).as("first moments at step %d, variant %d", t, variant).isEqualTo(m1);
                assertThat(v2).as("second moments at step %d, variant %d", t, variant).isEqualTo(v1);
                if (amsgrad) {
                    assertThat(x2).isEqualTo(x1);
                }
            }
            for (float x : m1) {
                subnormalsSeen += x != 0f && Math.abs(x) < Float.MIN_NORMAL ? 1 : 0;
            }
        }
        assertThat(subnormalsSeen).as("subnormal first moments met on the way").isGreaterThan(5_000);
    }

    /** Zero, a signed zero, a subnormal, or a tiny normal value, at random. */
    private static float tiny(SplittableRandom r) {
        switch (r.nextInt(5)) {
            case 0:
                return 0f;
            case 1:
                return -0f;
            case 2:
                return (float) ((r.nextDouble() - 0.5) * 1e-39);
            case 3:
                return (float) ((r.nextDouble() - 0.5) * 1e-20);
            default:
                return Float.MIN_VALUE * r.nextInt(1, 9);
        }
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
