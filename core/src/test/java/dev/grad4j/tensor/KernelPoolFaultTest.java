package dev.grad4j.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The kernel pool survives any {@link Throwable} and stray interrupts: the claim is always
 * released, a failed part always reaches the caller (never a partial result), dead workers are
 * replaced, and an interrupted worker parks instead of spinning.
 */
class KernelPoolFaultTest {

    private static boolean onWorker() {
        return Thread.currentThread().getName().startsWith("grad4j-kernel-");
    }

    /** Runs jobs until one has a part on a worker; {@code onWorkerPart} runs there. */
    private static Throwable failOnAWorker(Runnable onWorkerPart) {
        for (int attempt = 0; attempt < 1000; attempt++) {
            AtomicBoolean reached = new AtomicBoolean();
            try {
                KernelPool.run(8, p -> {
                    if (onWorker()) {
                        reached.set(true);
                        onWorkerPart.run();
                    } else {
                        spin(200_000);
                    }
                });
            } catch (Throwable t) {
                return t;
            }
            assertThat(reached).as("a worker ran a part but no failure reached the caller").isFalse();
        }
        throw new AssertionError("no part ran on a worker in 1000 jobs");
    }

    private static void spin(long nanos) {
        long end = System.nanoTime() + nanos;
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
    }

    private static void assertPoolWorksWithItsWorkers() {
        Set<String> threads = ConcurrentHashMap.newKeySet();
        for (int attempt = 0; attempt < 1000 && threads.size() < 2; attempt++) {
            AtomicIntegerArray runs = new AtomicIntegerArray(8);
            KernelPool.run(8, p -> {
                threads.add(Thread.currentThread().getName());
                runs.incrementAndGet(p);
                spin(50_000);
            });
            for (int p = 0; p < 8; p++) {
                assertThat(runs.get(p)).isEqualTo(1);
            }
        }
        assertThat(threads).as("threads that ran parts").hasSizeGreaterThanOrEqualTo(2);
        assertThat(KernelPool.idle()).isTrue();
    }

    @Test
    void anOutOfMemoryErrorInAWorkerReachesTheCallerAndTheWorkerLives() {
        assumeTrue(KernelPool.workers() > 0, "one kernel thread: no workers");
        Throwable t = failOnAWorker(() -> {
            throw new OutOfMemoryError("simulated in a worker");
        });
        assertThat(t).isInstanceOf(OutOfMemoryError.class).hasMessage("simulated in a worker");
        assertThat(KernelPool.liveWorkers()).isEqualTo(KernelPool.workers());
        assertPoolWorksWithItsWorkers();
    }

    @Test
    @SuppressWarnings("removal")
    void aWorkerThatDiesIsReplaced() throws InterruptedException {
        assumeTrue(KernelPool.workers() > 0, "one kernel thread: no workers");
        AtomicReference<Thread> victim = new AtomicReference<>();
        Throwable t = failOnAWorker(() -> {
            victim.set(Thread.currentThread());
            throw new ThreadDeath();
        });
        assertThat(t).isInstanceOf(ThreadDeath.class);
        victim.get().join(10_000);
        assertThat(victim.get().isAlive()).isFalse();
        assertThat(KernelPool.liveWorkers()).isLessThan(KernelPool.workers());
        assertPoolWorksWithItsWorkers();
        assertThat(KernelPool.liveWorkers()).isEqualTo(KernelPool.workers());
    }

    private static void recurseThroughThePool(int depth) {
        KernelPool.run(2, p -> { });
        recurseThroughThePool(depth + 1);
    }

    @Test
    void aStackOverflowAnywhereInRunReleasesThePool() throws InterruptedException {
        for (int rep = 0; rep < 150; rep++) {
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            Thread t = new Thread(null, () -> {
                try {
                    recurseThroughThePool(0);
                } catch (StackOverflowError e) {
                    thrown.set(e);
                }
            }, "deep-" + rep, 64 * 1024 + rep * 264);
            t.start();
            t.join();
            assertThat(thrown.get()).isInstanceOf(StackOverflowError.class);
            assertThat(KernelPool.idle()).as("pool released after overflow %d", rep).isTrue();
        }
        assertPoolWorksWithItsWorkers();
    }

    @Test
    void anInterruptedWorkerParksInsteadOfSpinning() throws InterruptedException {
        assumeTrue(KernelPool.workers() > 0, "one kernel thread: no workers");
        assertPoolWorksWithItsWorkers();
        Thread worker = Thread.getAllStackTraces().keySet().stream()
                .filter(th -> th.getName().equals("grad4j-kernel-1") && th.isAlive()).findFirst().orElseThrow();
        worker.interrupt();
        Thread.sleep(100);
        int waiting = 0;
        for (int i = 0; i < 20; i++) {
            Thread.State state = worker.getState();
            waiting += state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING ? 1 : 0;
            Thread.sleep(5);
        }
        assertThat(waiting).as("samples of 20 in which the interrupted worker was parked").isGreaterThanOrEqualTo(15);
        assertPoolWorksWithItsWorkers();
    }

    @Test
    void failuresOfAnyKindReachTheCallerFromTheCallerThreadToo() {
        assertThatThrownBy(() -> KernelPool.run(4, p -> {
            throw new StackOverflowError("part " + p);
        })).isInstanceOf(StackOverflowError.class);
        assertThat(KernelPool.idle()).isTrue();
    }
}
