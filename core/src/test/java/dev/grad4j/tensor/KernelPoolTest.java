package dev.grad4j.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;

import org.junit.jupiter.api.Test;

/** The kernel pool: every part runs exactly once, failures reach the caller, callers may overlap. */
class KernelPoolTest {

    @Test
    void everyPartRunsExactlyOnce() {
        for (int parts = 1; parts <= 9; parts++) {
            for (int rep = 0; rep < 200; rep++) {
                AtomicIntegerArray runs = new AtomicIntegerArray(parts);
                KernelPool.run(parts, runs::incrementAndGet);
                for (int p = 0; p < parts; p++) {
                    assertThat(runs.get(p)).as("runs of part %d of %d", p, parts).isEqualTo(1);
                }
            }
        }
    }

    @Test
    void forRangeCoversTheRangeOnceInAlignedPieces() {
        for (int n : new int[] {0, 1, 63, 64, 1000, 100_000, 1 << 20}) {
            AtomicIntegerArray seen = new AtomicIntegerArray(n);
            KernelPool.forRange(n, 1 << 10, (from, to) -> {
                assertThat(from % 64).isZero();
                for (int i = from; i < to; i++) {
                    seen.incrementAndGet(i);
                }
            });
            for (int i = 0; i < n; i++) {
                assertThat(seen.get(i)).as("element %d of %d", i, n).isEqualTo(1);
            }
        }
    }

    @Test
    void forItemsCoversTheItemsOnceAndSplitsEvenSmallCounts() {
        for (int n : new int[] {0, 1, 2, 3, 32, 64, 1000}) {
            AtomicIntegerArray seen = new AtomicIntegerArray(n);
            List<Integer> nonEmptyParts = java.util.Collections.synchronizedList(new ArrayList<>());
            KernelPool.forItems(n, 1, (from, to) -> {
                if (to > from) {
                    nonEmptyParts.add(from);
                }
                for (int i = from; i < to; i++) {
                    seen.incrementAndGet(i);
                }
            });
            for (int i = 0; i < n; i++) {
                assertThat(seen.get(i)).as("item %d of %d", i, n).isEqualTo(1);
            }
            // 64 channels on two threads go 32 and 32 (forRange's alignment would give one thread all 64)
            assertThat(nonEmptyParts).as("parts of %d items", n).hasSize(Math.min(n, KernelPool.THREADS));
        }
    }

    @Test
    void aFailingPartIsRethrownAfterTheOthersFinishAndThePoolStaysUsable() {
        AtomicIntegerArray runs = new AtomicIntegerArray(4);
        assertThatThrownBy(() -> KernelPool.run(4, p -> {
            runs.incrementAndGet(p);
            if (p == 3) {
                throw new IllegalStateException("part 3 failed");
            }
        })).isInstanceOf(IllegalStateException.class).hasMessage("part 3 failed");
        for (int p = 0; p < 4; p++) {
            assertThat(runs.get(p)).isEqualTo(1);
        }
        assertThatThrownBy(() -> KernelPool.run(2, p -> {
            throw new AssertionError("error in part " + p);
        })).isInstanceOf(AssertionError.class).hasMessageStartingWith("error in part");
        AtomicIntegerArray after = new AtomicIntegerArray(3);
        KernelPool.run(3, after::incrementAndGet);
        assertThat(after.get(0) + after.get(1) + after.get(2)).isEqualTo(3);
    }

    @Test
    void aPartMayRunKernelsItself() {
        AtomicIntegerArray runs = new AtomicIntegerArray(4 * 3);
        KernelPool.run(4, outer -> KernelPool.run(3, inner -> runs.incrementAndGet(outer * 3 + inner)));
        for (int i = 0; i < 12; i++) {
            assertThat(runs.get(i)).isEqualTo(1);
        }
    }

    @Test
    void callersOnManyThreadsAtOnceEachGetAllTheirParts() throws Exception {
        int callers = 4;
        CyclicBarrier start = new CyclicBarrier(callers);
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            List<Future<Integer>> futures = new ArrayList<>();
            for (int c = 0; c < callers; c++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    int jobs = 0;
                    for (int rep = 0; rep < 2000; rep++) {
                        int parts = 2 + rep % 3;
                        AtomicIntegerArray runs = new AtomicIntegerArray(parts);
                        KernelPool.run(parts, runs::incrementAndGet);
                        for (int p = 0; p < parts; p++) {
                            assertThat(runs.get(p)).isEqualTo(1);
                        }
                        jobs++;
                    }
                    return jobs;
                }));
            }
            for (Future<Integer> f : futures) {
                assertThat(f.get(120, TimeUnit.SECONDS)).isEqualTo(2000);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theLastJobKeepsNoneOfItsArraysAlive() throws InterruptedException {
        WeakReference<float[]> ref = runOnAFreshArray();
        for (int attempt = 0; attempt < 20 && ref.get() != null; attempt++) {
            System.gc();
            Thread.sleep(10);
        }
        assertThat(ref.get()).as("array captured by the last job").isNull();
    }

    private static WeakReference<float[]> runOnAFreshArray() {
        float[] data = new float[1 << 16];
        KernelPool.run(2, p -> data[p] = p);
        assertThat(data[1]).isEqualTo(1f);
        return new WeakReference<>(data);
    }
}
