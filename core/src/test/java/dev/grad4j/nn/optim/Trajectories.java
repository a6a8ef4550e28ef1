package dev.grad4j.nn.optim;

import dev.grad4j.autograd.Tensor;
import dev.grad4j.tensor.NDArray;

import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Steps an optimizer with given gradients and compares it with a reference computed in double. */
final class Trajectories {

    static final int SIZE = 6;
    static final int STEPS = 6;

    private Trajectories() {
    }

    /** A reference update: {@code step(t, p, g)} updates {@code p} in place for step {@code t} (from 1). */
    interface Reference {
        void step(int t, double[] p, double[] g);
    }

    /** Seeded start values and gradients (gradients of varying size, some shrinking, to exercise AMSGrad). */
    static float[][] gradients(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[][] g = new float[STEPS][SIZE];
        for (int k = 0; k < STEPS; k++) {
            for (int i = 0; i < SIZE; i++) {
                g[k][i] = (float) (r.nextGaussian() * (k < 2 ? 1.0 : 0.1));
            }
        }
        return g;
    }

    static float[] start(long seed) {
        SplittableRandom r = new SplittableRandom(seed + 1);
        float[] p = new float[SIZE];
        for (int i = 0; i < SIZE; i++) {
            p[i] = (float) r.nextGaussian();
        }
        return p;
    }

    /** Runs {@code optimizer} over the parameter {@code p} and checks every step against {@code reference}. */
    static void assertFollows(Tensor p, Optimizer optimizer, Reference reference, long seed) {
        float[][] grads = gradients(seed);
        double[] expected = new double[SIZE];
        float[] p0 = p.value().toArray();
        for (int i = 0; i < SIZE; i++) {
            expected[i] = p0[i];
        }
        for (int k = 0; k < STEPS; k++) {
            NDArray g = NDArray.of(grads[k], SIZE);
            optimizer.step(p.mul(Tensor.constant(g)).sum().backward());
            double[] gd = new double[SIZE];
            for (int i = 0; i < SIZE; i++) {
                gd[i] = grads[k][i];
            }
            reference.step(k + 1, expected, gd);
            float[] actual = p.value().toArray();
            for (int i = 0; i < SIZE; i++) {
                assertThat((double) actual[i]).as("step %d element %d", k + 1, i)
                        .isCloseTo(expected[i], within(1e-5 * (1 + Math.abs(expected[i]))));
            }
        }
    }

    static Tensor parameter(long seed) {
        return Tensor.var("p", NDArray.of(start(seed), SIZE));
    }

    static List<Tensor> list(Tensor p) {
        return List.of(p);
    }
}
