package dev.grad4j.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

/**
 * The sequence-model backend ops: each adjoint pair satisfies {@code <A x, u> = <x, Aᵀ u>}, the
 * backend-only adjoints reject mismatched shapes, and random ill-fitting arguments either succeed
 * or throw an {@link IllegalArgumentException} naming the op, never an index error from a kernel.
 */
class CpuBackendSequenceTest {

    private static final Backend B = Backend.cpu();

    private static double dot(NDArray a, NDArray b) {
        assertThat(a.shape()).isEqualTo(b.shape());
        float[] x = a.toArray();
        float[] y = b.toArray();
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += (double) x[i] * y[i];
        }
        return s;
    }

    private static NDArray randn(long seed, int... dims) {
        return NDArray.randn(new SplittableRandom(seed), dims);
    }

    @Test
    void gatherAndScatterAddAreAdjoint() {
        NDArray x = randn(1, 3, 4, 5);
        IntArray index = IntArray.of(new int[] {0, 4, 4, 1, 2, 3, 0, 0, 1, 4, 2, 2}, 2, 3, 2);
        NDArray y = B.gather(x, 2, index);
        NDArray u = randn(2, 2, 3, 2);
        assertThat(dot(y, u)).isCloseTo(dot(x, B.scatterAdd(x.shape(), 2, index, u)), org.assertj.core.data.Offset.offset(1e-5));
    }

    @Test
    void indexSelectAndIndexAddAreAdjoint() {
        NDArray x = randn(3, 3, 4, 2);
        IntArray index = IntArray.vector(3, 3, 0, 1, 3);
        NDArray y = B.indexSelect(x, 1, index);
        NDArray u = randn(4, 3, 5, 2);
        assertThat(dot(y, u)).isCloseTo(dot(x, B.indexAdd(x.shape(), 1, index, u)), org.assertj.core.data.Offset.offset(1e-5));
    }

    @Test
    void narrowAndItsBackwardAreAdjoint() {
        NDArray x = randn(5, 3, 6, 2);
        NDArray y = B.narrow(x, -2, 2, 3);
        NDArray u = randn(6, 3, 3, 2);
        assertThat(dot(y, u)).isCloseTo(dot(x, B.narrowBackward(u, x.shape(), -2, 2)), org.assertj.core.data.Offset.offset(1e-5));
    }

    @Test
    void permuteEqualsRepeatedTranspose() {
        NDArray x = randn(7, 2, 3, 4);
        assertThat(B.permute(x, 1, 0, 2)).isEqualTo(B.transpose(x, 0, 1));
        assertThat(B.permute(x, 2, 1, 0)).isEqualTo(B.transpose(x, 0, 2));
    }

    @Test
    void adjointsRejectMismatchedShapes() {
        NDArray g = NDArray.zeros(2, 3);
        assertThatThrownBy(() -> B.narrowBackward(g, Shape.of(3, 2), 0, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("narrow backward").hasMessageContaining("[2, 3]");
        assertThatThrownBy(() -> B.narrowBackward(g, Shape.of(3, 3), 0, 2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("narrow backward");
        assertThatThrownBy(() -> B.indexAdd(Shape.of(4, 3), 0, IntArray.vector(1), g)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("indexAdd: source [2, 3] must be [1, 3]");
        assertThatThrownBy(() -> B.scatterAdd(Shape.of(4, 3), 0, IntArray.zeros(2, 2), g)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("scatterAdd: source [2, 3] and index [2, 2] differ");
        assertThatThrownBy(() -> B.clampBackward(g, NDArray.zeros(3), 0f, 1f)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("clamp backward");
        assertThatThrownBy(() -> B.softplusBackward(g, NDArray.zeros(3), 1f, 20f)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("softplus backward");
    }

    // ---- fuzz ---------------------------------------------------------------------------------

    private final SplittableRandom random = new SplittableRandom(77);

    private int[] dims() {
        int[] d = new int[random.nextInt(4)];
        for (int i = 0; i < d.length; i++) {
            d[i] = random.nextInt(4);
        }
        return d;
    }

    private IntArray ints(int lo, int hi) {
        int[] d = dims();
        int n = 1;
        for (int v : d) {
            n *= v;
        }
        int[] data = new int[n];
        for (int i = 0; i < n; i++) {
            data[i] = random.nextInt(lo, hi);
        }
        return IntArray.wrap(data, d);
    }

    private void call(String op, Supplier<Object> f) {
        try {
            assertThat(f.get()).isNotNull();
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).as("message of %s", op).containsIgnoringCase(op.substring(0, 3));
        } catch (RuntimeException | AssertionError e) {
            fail(op + " threw " + e, e);
        }
    }

    @Test
    void randomCallsSucceedOrThrowIllegalArgument() {
        for (int n = 0; n < 3000; n++) {
            NDArray x = NDArray.randn(random, dims());
            NDArray y = NDArray.randn(random, dims());
            int dim = random.nextInt(-4, 4);
            int a = random.nextInt(-1, 4);
            int b = random.nextInt(-1, 4);
            boolean keep = random.nextBoolean();
            int[] axes = random.nextBoolean() ? null : new int[] {random.nextInt(-3, 3)};
            int[] perm = new int[random.nextInt(4)];
            Arrays.setAll(perm, i -> random.nextInt(-3, 3));
            switch (random.nextInt(14)) {
                case 0: call("permute", () -> B.permute(x, perm)); break;
                case 1: call("cat", () -> B.cat(dim, x, y)); break;
                case 2: call("stack", () -> B.stack(dim, x, y)); break;
                case 3: call("narrow", () -> B.narrow(x, dim, a, b)); break;
                case 4: call("narrow backward", () -> B.narrowBackward(x, y.shape(), dim, a)); break;
                case 5: call("indexSelect", () -> B.indexSelect(x, dim, ints(-1, 4))); break;
                case 6: call("indexAdd", () -> B.indexAdd(x.shape(), dim, ints(-1, 4), y)); break;
                case 7: call("gather", () -> B.gather(x, dim, ints(-1, 4))); break;
                case 8: call("scatterAdd", () -> B.scatterAdd(x.shape(), dim, ints(-1, 4), y)); break;
                case 9: call("where", () -> B.where(ints(0, 3), x, y)); break;
                case 10: call("maskedFill", () -> B.maskedFill(x, ints(0, 3), 1f)); break;
                case 11: call("var", () -> B.var(x, axes, a, keep)); break;
                case 12: call("logSumExp", () -> B.logSumExp(x, axes, keep)); break;
                default: call("min", () -> B.min(x, axes, keep)); break;
            }
        }
    }
}
