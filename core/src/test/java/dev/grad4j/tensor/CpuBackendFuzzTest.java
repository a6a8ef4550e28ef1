package dev.grad4j.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

/**
 * Random, mostly ill-fitting arguments for every {@link Backend} method: each call either succeeds
 * with a result of the documented shape or throws an {@link IllegalArgumentException} naming the
 * op; never an index error, a negative array size or another exception from inside a kernel.
 */
class CpuBackendFuzzTest {

    private static final Backend B = Backend.cpu();
    private static final int CALLS = 3000;

    private final SplittableRandom random = new SplittableRandom(20240601);

    private int[] dims() {
        int rank = random.nextInt(5);
        int[] d = new int[rank];
        for (int i = 0; i < rank; i++) {
            d[i] = random.nextInt(4); // 0..3, zero-size dims included
        }
        return d;
    }

    private NDArray array() {
        return NDArray.randn(random, dims());
    }

    /** A related shape: equal, with a dim set to 1, trimmed, or unrelated. */
    private NDArray near(NDArray x) {
        int[] d = x.shape().toArray();
        switch (random.nextInt(4)) {
            case 0:
                return NDArray.randn(random, d);
            case 1:
                if (d.length > 0) {
                    d[random.nextInt(d.length)] = 1;
                }
                return NDArray.randn(random, d);
            case 2:
                return NDArray.randn(random, Arrays.copyOfRange(d, Math.min(d.length, random.nextInt(3)), d.length));
            default:
                return array();
        }
    }

    private int axis() {
        return random.nextInt(-5, 5);
    }

    private int[] axes() {
        if (random.nextInt(5) == 0) {
            return random.nextBoolean() ? null : new int[0];
        }
        int[] a = new int[random.nextInt(1, 4)];
        for (int i = 0; i < a.length; i++) {
            a[i] = axis();
        }
        return a;
    }

    private void call(String op, Supplier<Object> body) {
        try {
            Object r = body.get();
            if (r instanceof NDArray) {
                NDArray y = (NDArray) r;
                assertThat(y.toArray()).hasSize(y.shape().size());
            }
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).as("message of %s", op).isNotBlank();
        } catch (RuntimeException | AssertionError e) {
            fail(op + " threw " + e, e);
        }
    }

    @Test
    void everyCallSucceedsOrThrowsIllegalArgument() {
        BinaryOp[] binaries = BinaryOp.values();
        UnaryOp[] unaries = UnaryOp.values();
        for (int n = 0; n < CALLS; n++) {
            NDArray x = array();
            NDArray y = near(x);
            NDArray z = near(x);
            boolean keep = random.nextBoolean();
            switch (random.nextInt(23)) {
                case 0: call("binary", () -> B.binary(binaries[random.nextInt(binaries.length)], x, y)); break;
                case 1: call("unary", () -> B.unary(unaries[random.nextInt(unaries.length)], x)); break;
                case 2: call("unaryBackward", () -> B.unaryBackward(unaries[random.nextInt(unaries.length)], x, y, z));
                    break;
                case 3: call("pow", () -> B.pow(x, (float) random.nextDouble(-3, 3))); break;
                case 4: call("powBackward", () -> B.powBackward(x, y, 2.5f)); break;
                case 5: call("transpose", () -> B.transpose(x, axis(), axis())); break;
                case 6: call("broadcastTo", () -> B.broadcastTo(x, y.shape())); break;
                case 7: call("sumTo", () -> B.sumTo(x, y.shape())); break;
                case 8: call("sum", () -> B.sum(x, axes(), keep)); break;
                case 9: call("mean", () -> B.mean(x, axes(), keep)); break;
                case 10: call("max", () -> B.max(x, axes(), keep)); break;
                case 11: call("softmax", () -> B.softmax(x, axis())); break;
                case 12: call("logSoftmax", () -> B.logSoftmax(x, axis())); break;
                case 13: call("softmaxBackward", () -> B.softmaxBackward(x, y, axis())); break;
                case 14: call("logSoftmaxBackward", () -> B.logSoftmaxBackward(x, y, axis())); break;
                case 15: call("matmul", () -> B.matmul(x, random.nextBoolean(), y, random.nextBoolean())); break;
                case 16: call("linear", () -> B.linear(x, y, random.nextBoolean() ? null : z)); break;
                case 17: call("assign", () -> {
                    B.assign(x, y);
                    return null;
                });
                    break;
                case 18: call("sgdStep", () -> {
                    B.sgdStep(x, y, z, random.nextBoolean(), 0.1f, 0.9f, 0f, false, 0f);
                    return null;
                });
                    break;
                case 19: call("adamStep", () -> {
                    B.adamStep(x, y, z, near(x), random.nextBoolean() ? null : near(x), random.nextInt(-1, 3),
                            1e-3f, 0.9f, 0.999f, 1e-8f, 0f, random.nextBoolean());
                    return null;
                });
                    break;
                case 20: call("reshape", () -> x.reshape(dims())); break;
                case 21: call("matmulInto", () -> {
                    B.matmulInto(x, random.nextBoolean(), y, random.nextBoolean(), random.nextBoolean() ? z : x);
                    return null;
                });
                    break;
                default: call("scale", () -> B.scale(x, 2f)); break;
            }
        }
    }

    @Test
    void wellFormedProductsOfEveryShapeSucceed() {
        // matmul and linear with matching random dims (including zeros) never fail
        for (int n = 0; n < 500; n++) {
            int m = random.nextInt(4);
            int k = random.nextInt(4);
            int p = random.nextInt(4);
            int b = random.nextInt(3);
            NDArray a3 = NDArray.randn(random, b, m, k);
            NDArray b3 = NDArray.randn(random, b, k, p);
            NDArray a2 = NDArray.randn(random, m, k);
            NDArray b2 = NDArray.randn(random, k, p);
            assertThat(B.matmul(a2, b2).shape()).isEqualTo(Shape.of(m, p));
            assertThat(B.matmul(a3, b3).shape()).isEqualTo(Shape.of(b, m, p));
            assertThat(B.matmul(a3, b2).shape()).isEqualTo(Shape.of(b, m, p));
            assertThat(B.matmul(a2, b3).shape()).isEqualTo(Shape.of(b, m, p));
            NDArray into = NDArray.full(Float.NaN, b, m, p);
            B.matmulInto(a2, b3, into);
            assertThat(into).isEqualTo(B.matmul(a2, b3));
            assertThat(B.linear(a3, NDArray.randn(random, p, k), NDArray.randn(random, p)).shape())
                    .isEqualTo(Shape.of(b, m, p));
        }
    }
}
