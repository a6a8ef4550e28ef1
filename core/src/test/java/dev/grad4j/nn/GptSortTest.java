package dev.grad4j.nn;

import dev.grad4j.autograd.Autograd;
import dev.grad4j.autograd.Gradients;
import dev.grad4j.autograd.Tensor;
import dev.grad4j.nn.optim.AdamW;
import dev.grad4j.nn.optim.GradientClipping;
import dev.grad4j.tensor.IntArray;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * minGPT's sorting task: a tiny GPT reads 6 digits from {0, 1, 2} and writes them sorted. Input
 * sequence: the 6 digits then the first 5 sorted ones; targets: the next token, with the first 5
 * positions ignored ({@code ignoreIndex -1}), so the loss covers only the sorted output (minGPT's
 * labelling). A quarter of the 729 inputs is held out and never drawn for training; after training,
 * greedy generation with a key/value cache must sort every training and every held-out sequence
 * exactly.
 *
 * <p>Recipe (minGPT's, with two changes that make it generalise within 500 steps): 3 layers, 3 heads,
 * width 48, minGPT's initialisation ({@link TestGpt#initLikeMinGpt}), no dropout; AdamW with betas
 * (0.9, 0.95), weight decay on the weight matrices only, gradient-norm clipping at 1, batches of 64
 * uniform random inputs. Changes: (1) instead of 11 learned absolute positions, a segment embedding
 * (input digit or sorted output), so the model cannot memorise where in the input a digit was and has
 * to count; with absolute positions, held-out inputs with a lone minority digit at one end
 * ([2,2,2,2,2,1], [1,0,0,0,0,0]) stayed wrong after 2000 steps at minGPT's lr 5e-4. (2) weight decay
 * 1.0 and lr 3e-3 decaying linearly to 0 over 500 steps (with decay 0.1 some inputs whose multiset
 * of digits occurs only once, such as [2,2,2,2,2,2], were wrong when held out). Checked with split
 * and init seeds 11/1, 11/2, 12/2, 13/3, 14/4, 15/5, 16/6, 17/7, 18/8, 19/9 and 20/10: all pass; the
 * test keeps 11/1,
 * whose held-out quarter contains [2,2,2,2,2,1], the only input where the last digit is a lone 1.
 */
class GptSortTest {

    private static final int N = 6;
    private static final int DIGITS = 3;
    private static final int STEPS = 500;

    private static int[] digits(int code) {
        int[] d = new int[N];
        for (int i = 0; i < N; i++) {
            d[i] = code % DIGITS;
            code /= DIGITS;
        }
        return d;
    }

    private static int code(int[] d) {
        int code = 0;
        for (int i = N - 1; i >= 0; i--) {
            code = code * DIGITS + d[i];
        }
        return code;
    }

    /** A uniform random input that is not held out (rejection sampling, as minGPT's split by hash). */
    private static int[] trainingSequence(SplittableRandom random, boolean[] held) {
        while (true) {
            int[] d = new int[N];
            for (int i = N - 1; i >= 0; i--) {
                d[i] = random.nextInt(DIGITS);
            }
            if (!held[code(d)]) {
                return d;
            }
        }
    }

    /** Greedy generation with a key/value cache, all sequences in one batch: the 6 outputs of each input. */
    private static int[][] sortAll(TestGpt gpt, List<int[]> inputs) {
        int b = inputs.size();
        int[] ids = new int[b * N];
        for (int i = 0; i < b; i++) {
            System.arraycopy(inputs.get(i), 0, ids, i * N, N);
        }
        int[][] out = new int[b][N];
        Sampler greedy = new Sampler(0f, 0);
        gpt.eval();
        SplittableRandom unused = new SplittableRandom(0); // greedy sampling draws nothing
        try (Autograd.Scope s = Autograd.noGrad()) {
            KVCache cache = gpt.newCache(b);
            Tensor logits = gpt.forward(IntArray.of(ids, b, N), cache);
            for (int step = 0; step < N; step++) {
                int t = logits.shape().dim(1);
                IntArray next = greedy.sample(logits.narrow(1, t - 1, 1).reshape(b, DIGITS), unused);
                for (int i = 0; i < b; i++) {
                    out[i][step] = next.get(i);
                }
                if (step < N - 1) {
                    logits = gpt.forward(next.reshape(b, 1), cache);
                }
            }
        }
        gpt.train();
        return out;
    }

    /** The inputs among {@code inputs} that {@code outputs} does not sort exactly, as text. */
    private static List<String> unsorted(List<int[]> inputs, int[][] outputs) {
        List<String> wrong = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            int[] sorted = inputs.get(i).clone();
            Arrays.sort(sorted);
            if (!Arrays.equals(outputs[i], sorted)) {
                wrong.add(Arrays.toString(inputs.get(i)) + " -> " + Arrays.toString(outputs[i]));
            }
        }
        return wrong;
    }

    @Test
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
        int t = 2 * N - 1;
        int[] segments = new int[t]; // 0 for the input digits, 1 for the sorted output
        for (int i = N; i < t; i++) {
            segments[i] = 1;
        }
        TestGpt gpt = new TestGpt(DIGITS, segments, 48, 3, 3, 0f, random).initLikeMinGpt(random);
        List<Tensor> decayed = new ArrayList<>();
        List<Tensor> notDecayed = new ArrayList<>();
        for (Map.Entry<String, Tensor> p : gpt.namedParameters().entrySet()) {
            String name = p.getKey();
            boolean matrix = name.endsWith("weight") && !name.contains("ln") && !name.startsWith("tok")
                    && !name.startsWith("pos");
            (matrix ? decayed : notDecayed).add(p.getValue());
        }
        float lr = 3e-3f;
        AdamW decay = new AdamW(decayed, AdamW.configBuilder().lr(lr).betas(0.9f, 0.95f).weightDecay(1f).build());
        AdamW noDecay = new AdamW(notDecayed, AdamW.configBuilder().lr(lr).betas(0.9f, 0.95f).weightDecay(0f).build());
        Losses.CrossEntropyOptions ce = Losses.CrossEntropyOptions.DEFAULTS.withIgnoreIndex(-1);
        int batch = 64;
        boolean[] trainedOn = new boolean[729];
        for (int step = 0; step < STEPS; step++) {
            float rate = lr * (STEPS - step) / STEPS; // linear decay to 0
            decay.setLearningRate(rate);
            noDecay.setLearningRate(rate);
            int[] x = new int[batch * t];
            int[] y = new int[batch * t];
            for (int b = 0; b < batch; b++) {
                int[] in = trainingSequence(random, held);
                trainedOn[code(in)] = true;
                int[] sorted = in.clone();
                Arrays.sort(sorted);
                for (int j = 0; j < t; j++) {
                    x[b * t + j] = j < N ? in[j] : sorted[j - N];
                    y[b * t + j] = j < N - 1 ? -1 : sorted[j - N + 1];
                }
            }
            Tensor loss = Losses.crossEntropy(gpt.forward(IntArray.of(x, batch, t), null).reshape(-1, DIGITS),
                    IntArray.of(y, batch * t), ce);
            Gradients grads = loss.backward();
            GradientClipping.clipNorm(grads, 1f);
            decay.step(grads);
            noDecay.step(grads);
        }
        assertThat(test).hasSizeGreaterThan(150);
        for (int[] in : test) {
            assertThat(trainedOn[code(in)]).as("held-out %s drawn for training", Arrays.toString(in)).isFalse();
        }
        assertThat(unsorted(train, sortAll(gpt, train))).as("training sequences unsorted after %d steps", STEPS)
                .isEmpty();
        List<String> wrong = unsorted(test, sortAll(gpt, test));
        assertThat(wrong).as("held-out sequences (of %d) sorted wrongly after %d steps", test.size(), STEPS).isEmpty();
    }
}
