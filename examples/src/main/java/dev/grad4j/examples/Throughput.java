package dev.grad4j.examples;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.Arrays;

/**
 * The timing loop shared by the training benchmarks, the same as the PyTorch reference scripts:
 * warm-up, a 0.3 s probe to size the samples, then {@code SAMPLES} samples of at least
 * {@code MIN_SAMPLE_S} seconds each; the rates are examples (or tokens) per second. The warm-up
 * runs at least the given number of steps and at least {@code WARMUP_S} seconds: the JIT compiles
 * the Vector API kernels only after thousands of calls, and until then they run as slow Java
 * fallbacks (seen: 300 samples/s for lenet5 at batch 1 in the first seconds, 5,600 once compiled),
 * while the reference measures PyTorch's steady state. It also waits for the JIT to go quiet
 * and the heap to stop growing (see {@link #measure}).
 */
final class Throughput {

    static final int SAMPLES = 7;
    static final double MIN_SAMPLE_S = 0.5;
    /** Seconds of warm-up at least; {@code -Dgrad4j.bench.warmup=SECONDS} changes it. */
    static final double WARMUP_S = Double.parseDouble(System.getProperty("grad4j.bench.warmup", "4"));
    /** How long the JIT must stay quiet and the committed heap keep its size before timing starts. */
    private static final long SETTLE_NS = 1_000_000_000L;
    /** Compilation time (ms, all compiler threads) that still counts as quiet within {@link #SETTLE_NS}. */
    private static final long JIT_QUIET_MS = 20;
    /** The longest warm-up, whether or not the JIT and heap have settled. */
    private static final double WARMUP_LIMIT_S = 5 * WARMUP_S;

    /**
     * The measured rates, sorted ascending.
     *
     * @param rates examples per second of each sample, ascending
     * @param stepsPerSample training steps in each sample
     */
    record Result(double[] rates, int stepsPerSample) {
        double median() {
            return rates[rates.length / 2];
        }

        double min() {
            return rates[0];
        }

        double max() {
            return rates[rates.length - 1];
        }
    }

    private Throughput() {
    }

    /** Times {@code step}, which trains on {@code batch} examples, after {@code warmup} untimed steps. */
    static Result measure(Runnable step, int batch, int warmup, int minSteps) {
        // Warm up for at least WARMUP_S, then until the JIT has been quiet for a second and the heap
        // has kept its size for a second (at most WARMUP_LIMIT_S in all):
        // - with two busy kernel threads on two cores the C2 thread gets little time: a GPT step on
        //   two threads still ran the GELU kernels as the Vector API's Java fallbacks after 11 s;
        // - when G1 grows the heap, the first pass over the new young generation faults its pages
        //   in, and a sample that ran through it measured up to 5x slower (JDK 25, batch 32, 4.2 s).
        Runtime runtime = Runtime.getRuntime();
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        boolean jitTimed = jit != null && jit.isCompilationTimeMonitoringSupported();
        long w0 = System.nanoTime();
        long heap = runtime.totalMemory();
        long heapSince = w0;
        long jitMs = jitTimed ? jit.getTotalCompilationTime() : 0;
        long jitSince = w0;
        for (int i = 0; ; i++) {
            long now = System.nanoTime();
            if (runtime.totalMemory() != heap) {
                heap = runtime.totalMemory();
                heapSince = now;
            }
            if (jitTimed && jit.getTotalCompilationTime() - jitMs > JIT_QUIET_MS) {
                jitMs = jit.getTotalCompilationTime();
                jitSince = now;
            }
            boolean minimum = i >= warmup && now - w0 >= WARMUP_S * 1e9;
            boolean settled = now - heapSince >= SETTLE_NS && now - jitSince >= SETTLE_NS;
            if (minimum && (settled || now - w0 >= WARMUP_LIMIT_S * 1e9)) {
                break;
            }
            step.run();
        }
        long t0 = System.nanoTime();
        int n0 = 0;
        while (System.nanoTime() - t0 < 300_000_000L) {
            step.run();
            n0++;
        }
        double per = (System.nanoTime() - t0) / 1e9 / n0;
        int k = Math.max(minSteps, (int) (MIN_SAMPLE_S / per));
        double[] rates = new double[SAMPLES];
        for (int s = 0; s < SAMPLES; s++) {
            long start = System.nanoTime();
            for (int i = 0; i < k; i++) {
                step.run();
            }
            rates[s] = (double) batch * k / ((System.nanoTime() - start) / 1e9);
        }
        Arrays.sort(rates);
        return new Result(rates, k);
    }
}
