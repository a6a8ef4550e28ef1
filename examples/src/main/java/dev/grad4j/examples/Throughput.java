package dev.grad4j.examples;

import java.util.Arrays;

/**
 * The timing loop shared by the training benchmarks, the same as the PyTorch reference scripts:
 * warm-up, a 0.3 s probe to size the samples, then {@code SAMPLES} samples of at least
 * {@code MIN_SAMPLE_S} seconds each; the rates are examples (or tokens) per second. The warm-up
 * runs at least the given number of steps and at least {@code WARMUP_S} seconds: the JIT compiles
 * the Vector API kernels only after thousands of calls, and until then they run as slow Java
 * fallbacks (seen: 300 samples/s for lenet5 at batch 1 in the first seconds, 5,600 once compiled),
 * while the reference measures PyTorch's steady state.
 */
final class Throughput {

    static final int SAMPLES = 7;
    static final double MIN_SAMPLE_S = 0.5;
    /** Seconds of warm-up at least; {@code -Dgrad4j.bench.warmup=SECONDS} changes it. */
    static final double WARMUP_S = Double.parseDouble(System.getProperty("grad4j.bench.warmup", "4"));

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
        long w0 = System.nanoTime();
        for (int i = 0; i < warmup || System.nanoTime() - w0 < WARMUP_S * 1e9; i++) {
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
