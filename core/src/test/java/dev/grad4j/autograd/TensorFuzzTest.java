package dev.grad4j.autograd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.grad4j.tensor.NDArray;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

/**
 * Random ops on random, often ill-fitting tensors: each op either throws an
 * {@link IllegalArgumentException} or succeeds, and then backward from its result succeeds and
 * gives every variable a gradient of the variable's shape (zero-size shapes included).
 */
class TensorFuzzTest {

    private static final int CALLS = 2000;

    private final SplittableRandom random = new SplittableRandom(77);

    private int[] dims() {
        int rank = random.nextInt(4);
        int[] d = new int[rank];
        for (int i = 0; i < rank; i++) {
            d[i] = random.nextInt(4);
        }
        return d;
    }

    private Tensor var(String name, int[] dims) {
        return Tensor.var(name, NDArray.randn(random, dims));
    }

    private int[] near(int[] d) {
        int[] r = d.clone();
        switch (random.nextInt(4)) {
            case 0:
                return r;
            case 1:
                if (r.length > 0) {
                    r[random.nextInt(r.length)] = 1;
                }
                return r;
            case 2:
                return Arrays.copyOfRange(r, Math.min(r.length, random.nextInt(3)), r.length);
            default:
                return dims();
        }
    }

    private int axis() {
        return random.nextInt(-4, 4);
    }

    private int[] axes() {
        if (random.nextInt(5) == 0) {
            return null;
        }
        int[] a = new int[random.nextInt(1, 3)];
        for (int i = 0; i < a.length; i++) {
            a[i] = axis();
        }
        return a;
    }

    @Test
    void opsFailCleanlyOrBackpropagateWithVariableShapes() {
        int succeeded = 0;
        for (int n = 0; n < CALLS; n++) {
            int[] da = dims();
            Tensor a = var("a", da);
            Tensor b = var("b", near(da));
            Tensor c = var("c", near(da));
            boolean keep = random.nextBoolean();
            Supplier<Tensor> op;
            String name;
            switch (random.nextInt(16)) {
                case 0: name = "add"; op = () -> a.add(b); break;
                case 1: name = "sub"; op = () -> a.sub(b); break;
                case 2: name = "mul"; op = () -> a.mul(b); break;
                case 3: name = "div"; op = () -> a.div(b.exp()); break;
                case 4: name = "maximum"; op = () -> a.maximum(b); break;
                case 5: name = "exp/tanh/abs"; op = () -> a.exp().tanh().abs().sigmoid().relu().neg(); break;
                case 6: name = "pow"; op = () -> a.exp().pow(1.5f).sqrt().log(); break;
                case 7: name = "softmax"; op = () -> a.softmax(axis()); break;
                case 8: name = "logSoftmax"; op = () -> a.logSoftmax(axis()); break;
                case 9: name = "matmul"; op = () -> a.matmul(b); break;
                case 10: name = "linear"; op = () -> a.linear(b, random.nextBoolean() ? null : c); break;
                case 11: name = "transpose"; op = () -> a.transpose(axis(), axis()); break;
                case 12: name = "reshape"; op = () -> a.reshape(dims()); break;
                case 13: name = "sum"; op = () -> a.sum(axes(), keep); break;
                case 14: name = "mean"; op = () -> a.mean(axes(), keep); break;
                default: name = "max"; op = () -> a.max(axes(), keep); break;
            }
            Tensor y;
            try {
                y = op.get();
            } catch (IllegalArgumentException e) {
                continue;
            } catch (RuntimeException e) {
                throw new AssertionError(name + " on " + a.shape() + ", " + b.shape() + ", " + c.shape() + " threw " + e, e);
            }
            try {
                Gradients g = y.backward(NDArray.ones(y.shape().toArray()));
                for (Tensor v : new Tensor[] {a, b, c}) {
                    g.find(v).ifPresent(grad -> assertThat(grad.shape()).as("%s gradient of %s", name, v.name())
                            .isEqualTo(v.shape()));
                }
                assertThat(g.variables()).isNotEmpty();
                succeeded++;
            } catch (RuntimeException e) {
                fail(name + " on " + a.shape() + ", " + b.shape() + ", " + c.shape() + ": backward threw " + e, e);
            }
        }
        assertThat(succeeded).as("enough valid cases").isGreaterThan(CALLS / 4);
    }
}
