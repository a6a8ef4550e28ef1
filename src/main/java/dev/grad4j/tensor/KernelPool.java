package dev.grad4j.tensor;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;

/**
 * The kernels' internal thread pool, sized once from the system property {@code grad4j.threads}
 * (default: available processors). Work is split into parts by the caller; which thread runs a
 * part never changes a result, because each part owns its output elements.
 */
final class KernelPool {

    /** Number of threads kernels may use, the calling thread included. */
    static final int THREADS = readThreads();

    private static final ExecutorService POOL = THREADS > 1
            ? Executors.newFixedThreadPool(THREADS - 1, r -> {
                Thread t = new Thread(r, "grad4j-kernel");
                t.setDaemon(true);
                return t;
            })
            : null;

    private KernelPool() {
    }

    private static int readThreads() {
        String v = System.getProperty("grad4j.threads");
        if (v == null || v.isBlank()) {
            return Runtime.getRuntime().availableProcessors();
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n < 1) {
                throw new IllegalArgumentException("grad4j.threads: must be >= 1, got " + v);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("grad4j.threads: not an integer: " + v, e);
        }
    }

    /** A piece of elementwise work over the index range {@code [from, to)}. */
    @FunctionalInterface
    interface RangeBody {
        void run(int from, int to);
    }

    /**
     * Runs {@code body} over {@code [0, n)}, split between the kernel threads in ranges of at least
     * {@code grain} elements (aligned to 64) when {@code n} is large enough, else on the caller.
     */
    static void forRange(int n, int grain, RangeBody body) {
        int parts = (int) Math.min(THREADS, Math.max(1, n / Math.max(1, grain)));
        if (parts <= 1) {
            body.run(0, n);
            return;
        }
        run(parts, part -> {
            int from = (int) ((long) n * part / parts) & ~63;
            int to = part + 1 == parts ? n : (int) ((long) n * (part + 1) / parts) & ~63;
            body.run(from, to);
        });
    }

    /**
     * Runs {@code body} for parts {@code 0..parts-1}, part 0 on the calling thread and the others
     * on the pool, and returns when all are done. Exceptions of a part are rethrown.
     */
    static void run(int parts, IntConsumer body) {
        if (parts <= 1 || POOL == null) {
            for (int p = 0; p < parts; p++) {
                body.accept(p);
            }
            return;
        }
        @SuppressWarnings("unchecked")
        Future<?>[] futures = new Future[parts - 1];
        for (int p = 1; p < parts; p++) {
            int part = p;
            futures[p - 1] = POOL.submit(() -> body.accept(part));
        }
        RuntimeException failure = null;
        try {
            body.accept(0);
        } catch (RuntimeException e) {
            failure = e;
        }
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (ExecutionException e) {
                if (failure == null) {
                    failure = e.getCause() instanceof RuntimeException
                            ? (RuntimeException) e.getCause() : new IllegalStateException(e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                if (failure == null) {
                    failure = new IllegalStateException("kernel interrupted", e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
