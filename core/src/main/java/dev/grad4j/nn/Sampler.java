package dev.grad4j.nn;

import dev.grad4j.autograd.Tensor;
import dev.grad4j.tensor.IntArray;

import java.util.Arrays;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Draws the next token from a model's logits: divides them by the temperature, keeps the
 * {@code topK} largest (all if 0; ties with the k-th largest are kept, as nanoGPT's
 * {@code logits[logits < v[:, [-1]]] = -inf}), and samples from their softmax with an explicit
 * generator, so a seeded run repeats exactly. Temperature 0 picks the largest logit (greedy).
 *
 * <pre>{@code
 * Sampler sampler = new Sampler(0.8f, 40);
 * IntArray next = sampler.sample(lastLogits, new SplittableRandom(42));   // [B, V] -> [B]
 * }</pre>
 */
public final class Sampler {

    private final float temperature;
    private final int topK;

    /**
     * A sampler.
     *
     * @param temperature the divisor of the logits; 0 = greedy, 1 = the model's distribution
     * @param topK how many of the largest logits may be drawn; 0 = all
     * @throws IllegalArgumentException if the temperature is negative or not finite, or topK is negative
     */
    public Sampler(float temperature, int topK) {
        if (!(temperature >= 0f) || Float.isInfinite(temperature) || topK < 0) {
            throw new IllegalArgumentException("Sampler: temperature must be finite and >= 0 and topK >= 0:"
                    + " temperature=" + temperature + ", topK=" + topK);
        }
        this.temperature = temperature;
        this.topK = topK;
    }

    /** The temperature. */
    public float temperature() {
        return temperature;
    }

    /** The number of largest logits kept; 0 = all. */
    public int topK() {
        return topK;
    }

    /**
     * One token per row of {@code logits [B, V]}.
     *
     * @param logits the next-token logits {@code [B, V]}
     * @param random the generator of the draws (one {@code nextDouble()} per row unless greedy)
     * @return the drawn ids {@code [B]}
     * @throws IllegalArgumentException if the logits are not 2-D, empty, or contain NaN
     */
    public IntArray sample(Tensor logits, RandomGenerator random) {
        Objects.requireNonNull(logits, "Sampler: logits is null");
        if (logits.shape().rank() != 2 || logits.shape().dim(1) == 0) {
            throw new IllegalArgumentException("Sampler: logits must be [B, V] with V > 0, got " + logits.shape());
        }
        int b = logits.shape().dim(0);
        int v = logits.shape().dim(1);
        float[] all = logits.value().toArray();
        int[] ids = new int[b];
        for (int i = 0; i < b; i++) {
            ids[i] = sample(Arrays.copyOfRange(all, i * v, (i + 1) * v), random);
        }
        return IntArray.of(ids, b);
    }

    /**
     * One token from the logits of one position.
     *
     * @param logits the logits {@code [V]} (not modified)
     * @param random the generator of the draw
     * @return the drawn id in {@code [0, V)}
     * @throws IllegalArgumentException if the logits are empty or contain NaN
     */
    public int sample(float[] logits, RandomGenerator random) {
        Objects.requireNonNull(logits, "Sampler: logits is null");
        Objects.requireNonNull(random, "Sampler: random is null");
        int v = logits.length;
        if (v == 0) {
            throw new IllegalArgumentException("Sampler: logits are empty");
        }
        int best = 0;
        for (int i = 0; i < v; i++) {
            if (Float.isNaN(logits[i])) {
                throw new IllegalArgumentException("Sampler: logit " + i + " is NaN");
            }
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        if (temperature == 0f) {
            return best;
        }
        float threshold = Float.NEGATIVE_INFINITY;
        if (topK > 0 && topK < v) {
            float[] sorted = logits.clone();
            Arrays.sort(sorted);
            threshold = sorted[v - topK];
        }
        double max = logits[best] / (double) temperature;
        double[] p = new double[v];
        double sum = 0;
        for (int i = 0; i < v; i++) {
            if (logits[i] >= threshold && logits[i] != Float.NEGATIVE_INFINITY) {
                p[i] = Math.exp(logits[i] / (double) temperature - max);
                sum += p[i];
            }
        }
        if (!(sum > 0)) {
            return best; // every logit -inf
        }
        double u = random.nextDouble() * sum;
        int last = best;
        for (int i = 0; i < v; i++) {
            if (p[i] > 0) {
                last = i;
                u -= p[i];
                if (u < 0) {
                    return i;
                }
            }
        }
        return last;
    }

    /** {@code Sampler(temperature=0.8, topK=40)}. */
    @Override
    public String toString() {
        return "Sampler(temperature=" + temperature + ", topK=" + topK + ")";
    }
}
