package dev.grad4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.grad4j.autograd.Autograd;
import dev.grad4j.autograd.Tensor;
import dev.grad4j.nn.Linear;
import dev.grad4j.nn.ReLU;
import dev.grad4j.nn.Sequential;
import dev.grad4j.nn.Softmax;
import dev.grad4j.tensor.NDArray;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * The public API from several threads at once: separate models train concurrently to exactly
 * their serial results, one model serves no-grad inference to many threads, and one thread's
 * no-grad scope does not reach another's.
 */
class ConcurrencyTest {

    private static final int THREADS = 4;

    @Test
    void modelsTrainedConcurrentlyOnSeparateThreadsEqualTheirSerialRuns() throws Exception {
        int steps = 12;
        List<Map<String, String>> serial = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            serial.add(DeterministicRun.training(1_000L + t, steps));
        }
        CyclicBarrier start = new CyclicBarrier(THREADS);
        List<Map<String, String>> concurrent = runOnThreads(t -> {
            start.await();
            return DeterministicRun.training(1_000L + t, steps);
        });
        for (int t = 0; t < THREADS; t++) {
            assertThat(concurrent.get(t)).as("run %d on its own thread", t).isEqualTo(serial.get(t));
        }
        assertThat(serial.get(0)).as("different seeds give different runs").isNotEqualTo(serial.get(1));
    }

    @Test
    void oneModelServesNoGradInferenceToManyThreadsAtOnce() throws Exception {
        SplittableRandom r = new SplittableRandom(7);
        Sequential model = new Sequential(new Linear(64, 128, r), new ReLU(), new Linear(128, 10, r), new Softmax(-1));
        List<NDArray> inputs = new ArrayList<>();
        List<float[]> expected = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            NDArray x = NDArray.randn(r, 1 + 13 * i, 64);
            inputs.add(x);
            try (Autograd.Scope scope = Autograd.noGrad()) {
                expected.add(model.forward(Tensor.constant(x)).value().toArray());
            }
        }
        CyclicBarrier start = new CyclicBarrier(THREADS);
        List<Integer> checked = runOnThreads(t -> {
            start.await();
            int n = 0;
            try (Autograd.Scope scope = Autograd.noGrad()) {
                for (int round = 0; round < 20; round++) {
                    for (int i = 0; i < inputs.size(); i++) {
                        int k = (i + t * 5) % inputs.size(); // threads work on different inputs at once
                        float[] y = model.forward(Tensor.constant(inputs.get(k))).value().toArray();
                        assertThat(y).as("thread %d, input %d, round %d", t, k, round).containsExactly(expected.get(k));
                        n++;
                    }
                }
            }
            return n;
        });
        assertThat(checked).containsOnly(20 * inputs.size());
    }

    @Test
    void aNoGradScopeOnOneThreadDoesNotStopRecordingOnAnother() throws Exception {
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        ExecutorService other = Executors.newSingleThreadExecutor();
        try {
            Future<Boolean> recordingInside = other.submit(() -> {
                try (Autograd.Scope scope = Autograd.noGrad()) {
                    inside.countDown();
                    assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
                    return Tensor.var("w", NDArray.ones(3)).mul(2f).sum().requiresGrad();
                }
            });
            assertThat(inside.await(30, TimeUnit.SECONDS)).isTrue();
            Tensor w = Tensor.var("w", NDArray.of(new float[] {1, 2, 3}, 3));
            NDArray dw = w.mul(w).sum().backward().wrt(w);
            done.countDown();
            assertThat(dw.toArray()).containsExactly(2f, 4f, 6f);
            assertThat(Autograd.isRecording()).isTrue();
            assertThat(recordingInside.get(30, TimeUnit.SECONDS)).as("recorded inside the other thread's noGrad").isFalse();
        } finally {
            other.shutdownNow();
        }
    }

    /** Calls {@code task} with 0..THREADS-1, each on its own thread, and returns the results in order. */
    private static <T> List<T> runOnThreads(IndexedTask<T> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int index = t;
                Callable<T> c = () -> task.call(index);
                futures.add(pool.submit(c));
            }
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get(120, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    @FunctionalInterface
    private interface IndexedTask<T> {
        T call(int index) throws Exception;
    }
}
