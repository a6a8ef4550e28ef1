package dev.grad4j.tensor;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * The kernels' internal thread pool, sized once from the system property {@code grad4j.threads}
 * (default: available processors). Work is split into parts by the caller; which thread runs a
 * part never changes a result, because each part owns its output elements.
 *
 * <p>Handing work to a parked thread costs tens of microseconds on a virtual machine (measured:
 * 50-90 us per hand-off through an {@code ExecutorService}), as much as a whole mid-sized GEMM. So
 * the workers spin for a short while after each job before they park, and the caller works on the
 * parts itself. One job runs at a time: a caller that finds the pool busy (another thread's job)
 * runs its parts itself, which gives the same results. When as many callers as there are kernel
 * threads (or cores, if fewer) are inside kernels at once, the callers already use the cores, so
 * each runs its parts itself and the workers park instead of competing with them.
 *
 * <p>Faults: the pool survives any {@link Throwable}. A part's failure (an {@link Error} such as
 * {@link OutOfMemoryError} included) is recorded and rethrown to the caller after the other parts
 * finish, so a caller never gets a partly computed result without an exception; the claim on the
 * pool is released whatever the caller throws; a worker that dies is replaced at the next job (and
 * a job waiting for a part the dead worker had claimed fails instead of hanging); a worker's
 * interrupt flag, set by someone else, is cleared before it parks, so it never spins on it.
 */
final class KernelPool {

    /** Number of threads kernels may use, the calling thread included. */
    static final int THREADS = readThreads();

    /** How long an idle worker spins, waiting for the next job, before it parks. */
    private static final long SPIN_NANOS = 200_000L;

    /**
     * Callers inside kernels at once from which each runs its parts itself: as many as there are
     * kernel threads or cores, whichever is fewer (at least 2, so that one caller uses the pool).
     */
    private static final int INLINE_CALLERS =
            Math.max(2, Math.min(THREADS, Runtime.getRuntime().availableProcessors()));

    /** 1 while a caller holds the pool: claimed by a CAS, released by a plain volatile store (no call). */
    private static volatile int busy;
    private static final VarHandle BUSY;

    static {
        try {
            BUSY = MethodHandles.lookup().findStaticVarHandle(KernelPool.class, "busy", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Threads currently inside {@link #run} (callers, and parts that run kernels themselves). */
    private static final AtomicInteger ACTIVE = new AtomicInteger();
    /** The workers; an element is replaced (by the caller holding {@link #BUSY}) when its thread has died. */
    private static final Worker[] WORKERS = startWorkers(THREADS - 1);
    private static final AtomicLong JOB_IDS = new AtomicLong();
    /** The job being run, or null; written only by the caller holding {@link #BUSY}. */
    private static volatile Job current;

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
        split(n, grain, ~63, body);
    }

    /**
     * Like {@link #forRange} for {@code n} independent items of some size (channels, planes, rows),
     * split without alignment: 64 channels go 32 and 32 to two threads, where {@code forRange}'s
     * 64-element alignment would give all of them to one.
     */
    static void forItems(int n, int grain, RangeBody body) {
        split(n, grain, ~0, body);
    }

    private static void split(int n, int grain, int alignMask, RangeBody body) {
        int parts = Math.min(THREADS, Math.max(1, n / Math.max(1, grain)));
        if (parts <= 1) {
            body.run(0, n);
            return;
        }
        run(parts, part -> {
            int from = (int) ((long) n * part / parts) & alignMask;
            int to = part + 1 == parts ? n : (int) ((long) n * (part + 1) / parts) & alignMask;
            body.run(from, to);
        });
    }

    /**
     * Runs {@code body} for parts {@code 0..parts-1}, on the calling thread and the workers, and
     * returns when all are done. The first exception of a part is rethrown.
     */
    static void run(int parts, IntConsumer body) {
        if (parts <= 1 || WORKERS.length == 0) {
            runInline(parts, body);
            return;
        }
        // A stack overflow must strike before the count and the claim are taken, not in the finally
        // blocks that give them back: those run at this frame's depth, which the probe has just
        // shown to have room for a few more calls. (The release of the claim makes no call at all.)
        stackProbe(PROBE_FRAMES);
        int active = ACTIVE.incrementAndGet();
        try { // no call between the increment and the try: the count is always given back
            if (active >= INLINE_CALLERS || !BUSY.compareAndSet(0, 1)) {
                runInline(parts, body);
                return;
            }
            try { // nor between the claim and this try: the claim is released whatever is thrown
                runOnPool(parts, body);
            } finally {
                current = null;
                busy = 0;
            }
        } finally {
            ACTIVE.decrementAndGet();
        }
    }

    /** Frames of {@link #stackProbe} below {@link #run}: more than the calls its finally blocks make. */
    private static final int PROBE_FRAMES = 6;

    /** Uses a few stack frames, so that a thread near the end of its stack overflows here. */
    private static long stackProbe(int frames) {
        long a = frames * 0x9E3779B97F4A7C15L;
        long b = a ^ (a >>> 29);
        return frames <= 0 ? b : b + stackProbe(frames - 1);
    }

    private static void runInline(int parts, IntConsumer body) {
        for (int p = 0; p < parts; p++) {
            body.accept(p);
        }
    }

    /** Runs a job with the workers; the caller holds {@link #BUSY}. */
    private static void runOnPool(int parts, IntConsumer body) {
        Job job = new Job(JOB_IDS.incrementAndGet(), parts, body);
        try {
            replaceDeadWorkers();
            current = job;
            for (Worker w : WORKERS) {
                if (w.parked) {
                    LockSupport.unpark(w);
                }
            }
            job.work();
            job.awaitDone();
        } finally {
            current = null;
            job.body = null;
        }
        job.rethrow();
    }

    /** Starts a new worker in place of each one whose thread has ended. */
    private static void replaceDeadWorkers() {
        for (int i = 0; i < WORKERS.length; i++) {
            if (!WORKERS[i].isAlive()) {
                Worker w = new Worker(i + 1);
                w.start();
                WORKERS[i] = w;
            }
        }
    }

    /** Whether no caller holds the pool or is inside {@link #run} (for tests). */
    static boolean idle() {
        return busy == 0 && ACTIVE.get() == 0;
    }

    /** Number of worker threads (for tests). */
    static int workers() {
        return WORKERS.length;
    }

    /** Number of live workers (for tests). */
    static int liveWorkers() {
        int n = 0;
        for (Worker w : WORKERS) {
            n += w.isAlive() ? 1 : 0;
        }
        return n;
    }

    private static Worker[] startWorkers(int n) {
        Worker[] workers = new Worker[Math.max(0, n)];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker(i + 1);
            workers[i].start();
        }
        return workers;
    }

    /** One parallel call: its parts are claimed in turn by the caller and the workers. */
    private static final class Job {
        final long id;
        private final int parts;
        /** Cleared when the job is done, so an idle worker holding the job keeps none of its arrays. */
        private IntConsumer body;
        private final AtomicInteger next = new AtomicInteger();
        private final AtomicInteger done = new AtomicInteger();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();

        Job(long id, int parts, IntConsumer body) {
            this.id = id;
            this.parts = parts;
            this.body = body;
        }

        /**
         * Runs parts until none is left unclaimed. Each claimed part is counted done whether it
         * completes or fails, and a failure of any kind is recorded for the caller.
         */
        void work() {
            while (true) {
                int p = next.getAndIncrement();
                if (p >= parts) {
                    return;
                }
                try {
                    body.accept(p);
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                    if (t instanceof ThreadDeath) {
                        throw (ThreadDeath) t; // the thread is meant to end (counted done below); the pool replaces it
                    }
                } finally {
                    done.incrementAndGet();
                }
            }
        }

        /**
         * Waits for the parts other threads claimed; they are running, so this is short. A worker
         * that died holding a part of this job fails the job instead of leaving it waiting forever.
         */
        void awaitDone() {
            long start = System.nanoTime();
            while (done.get() < parts) {
                if (System.nanoTime() - start < SPIN_NANOS) {
                    Thread.onSpinWait();
                } else {
                    Thread.yield();
                    for (Worker w : WORKERS) {
                        if (w.running == this && !w.isAlive() && done.get() < parts) {
                            failure.compareAndSet(null, new IllegalStateException(
                                    "kernel pool: worker " + w.getName() + " died while running a part"));
                            return;
                        }
                    }
                }
            }
        }

        void rethrow() {
            Throwable t = failure.get();
            if (t instanceof RuntimeException) {
                throw (RuntimeException) t;
            }
            if (t instanceof Error) {
                throw (Error) t;
            }
            if (t != null) {
                throw new IllegalStateException(t);
            }
        }
    }

    /** A daemon thread that runs the parts of each new job, spinning briefly between jobs. */
    private static final class Worker extends Thread {
        volatile boolean parked;
        /** The job whose parts this worker is running, or null. */
        volatile Job running;

        Worker(int index) {
            super("grad4j-kernel-" + index);
            setDaemon(true);
        }

        @Override
        public void run() {
            long seen = 0;
            while (true) {
                Job job = awaitJob(seen);
                seen = job.id;
                running = job;
                try {
                    job.work();
                } catch (ThreadDeath death) {
                    throw death;
                } catch (Throwable t) {
                    // Parts record their own failures; anything else (an Error in the bookkeeping) must
                    // not end the worker.
                    job.failure.compareAndSet(null, t);
                } finally {
                    running = null;
                }
            }
        }

        private Job awaitJob(long seen) {
            long start = System.nanoTime();
            while (true) {
                Job job = current;
                if (job != null && job.id != seen) {
                    return job;
                }
                if (System.nanoTime() - start < SPIN_NANOS) {
                    Thread.onSpinWait();
                } else {
                    // An interrupt from someone else would make park return at once, forever: clear it.
                    Thread.interrupted();
                    parked = true;
                    job = current;
                    if (job == null || job.id == seen) {
                        LockSupport.park(this);
                    }
                    parked = false;
                    start = System.nanoTime();
                }
            }
        }
    }
}
