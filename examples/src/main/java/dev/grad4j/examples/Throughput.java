package dev.grad4j.examples;

import java.util.Arrays;

/**
 * The timing loop shared by the training benchmarks, the same as the PyTorch reference scripts:
 * warm-up, a 0.3 s probe to size the samples, then {@code SAMPLES} samples of at least
 * {@code MIN_SAMPLE_S} seconds each; the rates are examples (or tokens) per second. The warm-up
 * runs at least the given number of steps and at least {@code WARMUP_S} seconds: the JIT compiles
 * the Vector API kernels only after thousands of calls, and until then they run as slow Java
 * fallbacks (seen: 300 samples/s for lenet5 at batch 1 in the first seconds, 5,600 once compiled),
 * while the reference measures PyTorch's steady state. It also waits for the heap to stop
 * growing (see {@link #measure}).
 */
final class Throughput {

    static final int SAMPLES = 7;
    static final double MIN_SAMPLE_S = 0.5;
    /** Seconds of warm-up at least; {@code -Dgrad4j.bench.warmup=SECONDS} changes it. */
    static final double WARMUP_S = Double.parseDouble(System.getProperty("grad4j.bench.warmup", "4"));
    /** After the warm-up, how long the committed heap must keep its size before timing starts. */
    private static final long HEAP_SETTLE_NS = 1_000_000_000L;

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
        // Warm up for the JIT, then until the heap has kept its size for a second: when G1 grows
        // the heap, the first pass over the new young generation faults its pages in, and a sample
        // that ran through it measured up to 5x slower (seen on JDK 25 at 4.2 s, batch 32).
        Runtime runtime = Runtime.getRuntime();
        long w0 = System.nanoTime();
        long heap = runtime.totalMemory();
        long heapSince = w0;
        for (int i = 0; ; i++) {
            long now = System.nanoTime();
            if (runtime.totalMemory() != heap) {
                heap = runtime.totalMemory();
                heapSince = now;
            }
            boolean jitWarm = i >= warmup && now - w0 >= WARMUP_S * 1e9;
            boolean heapSettled = now - heapSince >= HEAP_SETTLE_NS || now - w0 >= 3 * WARMUP_S * 1e9;
            if (jitWarm && heapSettled) {
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
