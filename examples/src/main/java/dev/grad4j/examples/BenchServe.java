package dev.grad4j.examples;

import dev.grad4j.autograd.Autograd;
import dev.grad4j.autograd.Tensor;
import dev.grad4j.nn.Linear;
import dev.grad4j.nn.ReLU;
import dev.grad4j.nn.Sequential;
import dev.grad4j.tensor.NDArray;

import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Serving throughput: N client threads run no-grad inference on one shared 784-256-256-10 MLP with
 * batches of 32, for 2 s after warm-up. {@code examples/run bench-serve [--threads N] [CLIENTS...]}
 * (default clients 1 2 4 8) prints one JSON line per client count, with the speed-up over 1 client.
 */
public final class BenchServe {

    private static final int BATCH = 32;
    private static final long MEASURE_NANOS = 2_000_000_000L;

    private BenchServe() {
    }

    /** Runs the benchmark; arguments: optional {@code --threads N}, then client counts. */
    public static void main(String[] args) throws Exception {
        String[] rest = BenchArgs.applyThreads(args);
        int[] clients = rest.length == 0 ? new int[] {1, 2, 4, 8}
                : Arrays.stream(rest).mapToInt(Integer::parseInt).toArray();
        SplittableRandom random = new SplittableRandom(0);
        Sequential model = new Sequential(new Linear(784, 256, random), new ReLU(),
                new Linear(256, 256, random), new ReLU(), new Linear(256, 10, random));
        NDArray input = NDArray.randn(random, BATCH, 784);
        run(model, input, 1, 2_000_000_000L); // warm-up: the Vector API kernels run as slow fallbacks
        run(model, input, 2, 2_000_000_000L); // until C2 has compiled them (see docs/performance.md)
        double single = 0;
        for (int n : clients) {
            double rate = run(model, input, n, MEASURE_NANOS);
            if (single == 0) {
                single = n == 1 ? rate : run(model, input, 1, MEASURE_NANOS);
            }
            System.out.println(String.format(Locale.ROOT,
                    "{\"bench\":\"serve_mlp\",\"lib\":\"grad4j\",\"kernels\":\"%s\",\"threads\":%d,\"clients\":%d,"
                            + "\"batch\":%d,\"samples_per_s\":%.1f,\"speedup_vs_1_client\":%.2f}",
                    BenchArgs.kernels(), BenchArgs.threads(), n, BATCH, rate, rate / single));
        }
    }

    private static double run(Sequential model, NDArray input, int clients, long nanos) throws Exception {
        AtomicLong samples = new AtomicLong();
        CyclicBarrier start = new CyclicBarrier(clients + 1);
        long[] window = new long[1];
        Thread[] threads = new Thread[clients];
        for (int c = 0; c < clients; c++) {
            threads[c] = new Thread(() -> {
                try {
                    start.await();
                    try (Autograd.Scope scope = Autograd.noGrad()) {
                        while (System.nanoTime() < window[0]) {
                            model.forward(Tensor.constant(input)).value();
                            samples.addAndGet(BATCH);
                        }
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            threads[c].start();
        }
        long t0 = System.nanoTime();
        window[0] = t0 + nanos;
        start.await();
        for (Thread t : threads) {
            t.join();
        }
        return samples.get() / ((System.nanoTime() - t0) / 1e9);
    }
}
