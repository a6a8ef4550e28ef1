package dev.grad4j.examples;

import dev.grad4j.autograd.Tensor;
import dev.grad4j.nn.Losses;
import dev.grad4j.nn.optim.AdamW;
import dev.grad4j.tensor.IntArray;

import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Training throughput of the character-level GPT of {@link CharGpt} (vocabulary 65, context 64,
 * E 128, 4 layers, 4 heads), mirroring {@code shared/bench/gpt_train.py}: a full step (forward,
 * cross-entropy, backward, AdamW(1e-3, weight decay 0.1)) on a pool of 8 batches of random token
 * ids, after warm-up; the median of 7 samples of at least 0.5 s.
 * {@code examples/run bench-gpt [--threads N] [BATCH...]} prints one JSON line per batch size.
 */
public final class BenchGpt {

    private static final int V = 65;
    private static final int T = CharGpt.CONTEXT;

    private BenchGpt() {
    }

    /** Runs the benchmark; arguments: optional {@code --threads N}, then batch sizes (default 1 16 64). */
    public static void main(String[] args) {
        String[] rest = BenchArgs.applyThreads(args);
        int[] batches = rest.length == 0 ? new int[] {1, 16, 64}
                : Arrays.stream(rest).mapToInt(Integer::parseInt).toArray();
        for (int batch : batches) {
            run(batch);
        }
    }

    private static void run(int batch) {
        SplittableRandom random = new SplittableRandom(0);
        CharGpt.Gpt model = new CharGpt.Gpt(V, T, CharGpt.EMBED, CharGpt.HEADS, CharGpt.LAYERS, random);
        AdamW optimizer = new AdamW(model.parameters(), AdamW.configBuilder().lr(1e-3f).weightDecay(0.1f).build());
        IntArray[] xs = new IntArray[8];
        IntArray[] ys = new IntArray[8];
        for (int i = 0; i < 8; i++) {
            int[] d = random.ints(batch * (T + 1), 0, V).toArray();
            int[] x = new int[batch * T];
            int[] y = new int[batch * T];
            for (int b = 0; b < batch; b++) {
                System.arraycopy(d, b * (T + 1), x, b * T, T);
                System.arraycopy(d, b * (T + 1) + 1, y, b * T, T);
            }
            xs[i] = IntArray.of(x, batch, T);
            ys[i] = IntArray.of(y, batch * T);
        }
        int[] it = {0};
        float[] last = {0f};
        Runnable step = () -> {
            int i = it[0]++ & 7;
            Tensor loss = Losses.crossEntropy(model.forward(xs[i], null).reshape(-1, V), ys[i]);
            optimizer.step(loss.backward());
            last[0] = loss.item();
        };
        Throughput.Result r = Throughput.measure(step, batch, 10, 3);
        double median = r.median();
        long params = model.parameters().stream().mapToLong(p -> p.shape().size()).sum();
        System.out.println(String.format(Locale.ROOT,
                "{\"bench\":\"gpt_train\",\"lib\":\"grad4j\",\"kernels\":\"%s\",\"threads\":%d,\"batch\":%d,"
                        + "\"context\":%d,\"params\":%d,\"samples_per_s_median\":%.1f,\"tokens_per_s_median\":%.1f,"
                        + "\"min\":%.1f,\"max\":%.1f,\"ms_per_step_median\":%.4f,\"steps_per_sample\":%d,"
                        + "\"samples\":%d,\"final_loss\":%.4f}",
                BenchArgs.kernels(), BenchArgs.threads(), batch, T, params, median, median * T, r.min(),
                r.max(), 1000.0 * batch / median, r.stepsPerSample(), Throughput.SAMPLES, last[0]));
    }
}
