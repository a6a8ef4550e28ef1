package dev.grad4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.grad4j.autograd.Gradients;
import dev.grad4j.autograd.Tensor;
import dev.grad4j.nn.Linear;
import dev.grad4j.nn.Losses;
import dev.grad4j.nn.Sequential;
import dev.grad4j.nn.Tanh;
import dev.grad4j.nn.optim.Adam;
import dev.grad4j.tensor.NDArray;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.lang.ref.WeakReference;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/**
 * Long runs keep nothing: 100,000 training steps leave the live heap where it was, and backward
 * releases the arrays of the recorded graph even while the caller still holds the loss.
 */
class LongRunTest {

    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

    @Test
    void aHundredThousandTrainingStepsDoNotGrowTheHeap() throws InterruptedException {
        Tensor x = Tensor.constant(NDArray.of(new float[] {0, 0, 0, 1, 1, 0, 1, 1}, 4, 2));
        Tensor y = Tensor.constant(NDArray.of(new float[] {0, 1, 1, 0}, 4, 1));
        SplittableRandom random = new SplittableRandom(3);
        Sequential model = new Sequential(new Linear(2, 8, random), new Tanh(), new Linear(8, 1, random));
        Adam adam = new Adam(model.parameters(), 1e-2f);
        int warmUp = 5_000;
        int steps = 100_000;
        long before = 0;
        float loss = Float.NaN;
        for (int step = 0; step < steps; step++) {
            if (step == warmUp) {
                before = liveHeap();
            }
            Tensor l = Losses.binaryCrossEntropyWithLogits(model.forward(x), y);
            adam.step(l.backward());
            loss = l.item();
        }
        long after = liveHeap();
        // A leak of one recorded graph per step (a few KB) would show as hundreds of MB; 4 MB
        // leaves room for the collector's accounting while catching anything above ~40 bytes a step.
        assertThat(after - before).as("live heap growth over %d steps, bytes", steps - warmUp)
                .isLessThan(4L << 20);
        assertThat(loss).as("the run trained").isLessThan(0.05f);
    }

    @Test
    void backwardReleasesTheIntermediateArraysWhileTheCallerStillHoldsTheLoss() throws InterruptedException {
        SplittableRandom random = new SplittableRandom(5);
        Tensor w = Tensor.var("w", NDArray.randn(random, 64, 32));
        Tensor x = Tensor.constant(NDArray.randn(random, 256, 32));
        WeakReference<NDArray>[] intermediate = newRefs(3);
        Tensor loss = forward(x, w, intermediate);
        for (WeakReference<NDArray> ref : intermediate) {
            System.gc();
            assertThat(ref.get()).as("intermediate array reachable through the loss before backward").isNotNull();
        }
        Gradients g = loss.backward();
        for (int i = 0; i < 3; i++) {
            for (int attempt = 0; attempt < 20 && intermediate[i].get() != null; attempt++) {
                System.gc();
                Thread.sleep(10);
            }
            assertThat(intermediate[i].get()).as("intermediate array %d after backward", i).isNull();
        }
        assertThat(g.wrt(w).shape().toArray()).containsExactly(64, 32);
        assertThat(loss.item()).as("the loss is still held and readable").isPositive();
        Reference.reachabilityFence(loss);
    }

    /** Builds {@code mean(tanh(x Wᵀ)²)}, keeping only weak references to its intermediate values. */
    private static Tensor forward(Tensor x, Tensor w, WeakReference<NDArray>[] refs) {
        Tensor h = x.linear(w, null);
        Tensor t = h.tanh();
        Tensor sq = t.mul(t);
        refs[0] = new WeakReference<>(h.value());
        refs[1] = new WeakReference<>(t.value());
        refs[2] = new WeakReference<>(sq.value());
        return sq.mean();
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static WeakReference<NDArray>[] newRefs(int n) {
        return new WeakReference[n];
    }

    /** Used heap after full collections, the smallest of several readings. */
    private static long liveHeap() throws InterruptedException {
        long min = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(20);
            min = Math.min(min, MEMORY.getHeapMemoryUsage().getUsed());
        }
        return min;
    }
}
