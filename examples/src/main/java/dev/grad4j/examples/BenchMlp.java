package dev.grad4j.examples;

import dev.grad4j.autograd.Tensor;
import dev.grad4j.nn.Linear;
import dev.grad4j.nn.Losses;
import dev.grad4j.nn.ReLU;
import dev.grad4j.nn.Sequential;
import dev.grad4j.nn.optim.Adam;
import dev.grad4j.tensor.NDArray;

import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Training throughput of a 784-256-256-10 ReLU MLP with cross-entropy and Adam(1e-3), mirroring
 * {@code shared/bench/mlp_train.py}: a full step (forward, loss, backward, update) on a pool of 8
 * random batches, after warm-up; the median of 7 samples of at least 0.5 s.
 * {@code examples/run bench-mlp [--threads N] [BATCH...]} prints one JSON line per batch size.
 */
public final class BenchMlp {

    private BenchMlp() {
    }

    /** Runs the benchmark; arguments: optional {@code --threads N}, then batch sizes (default 1 32 128 512). */
    public static void main(String[] args) {
        String[] rest = BenchArgs.applyThreads(args);
        int[] batches = rest.length == 0 ? new int[] {1, 32, 128, 512}
                : Arrays.stream(rest).mapToInt(Integer::parseInt).toArray();
        for (int batch : batches) {
            run(batch);
        }
    }

    private static void run(int batch) {
        SplittableRandom random = new SplittableRandom(0);
        Sequential model = new Sequential(new Linear(784, 256, random), new ReLU(),
                new Linear(256, 256, random), new ReLU(), new Linear(256, 10, random));
        Adam optimizer = new Adam(model.parameters(), 1e-3f);
        Tensor[] xs = new Tensor[8];
        int[][] ys = new int[8][];
        for (int i = 0; i < 8; i++) {
            xs[i] = Tensor.constant(NDArray.randn(random, batch, 784));
            ys[i] = random.ints(batch, 0, 10).toArray();
        }
        int[] it = {0};
        Runnable step = () -> {
            int i = it[0]++ & 7;
            Tensor loss = Losses.crossEntropy(model.forward(xs[i]), ys[i]);
            optimizer.step(loss.backward());
        };
        Throughput.Result r = Throughput.measure(step, batch, 20, 5);
        System.out.println(String.format(Locale.ROOT,
                "{\"bench\":\"mlp_train\",\"lib\":\"grad4j\",\"kernels\":\"%s\",\"threads\":%d,\"batch\":%d,"
                        + "\"samples_per_s_median\":%.1f,\"min\":%.1f,\"max\":%.1f,\"ms_per_step_median\":%.4f,"
                        + "\"steps_per_sample\":%d}",
                BenchArgs.kernels(), BenchArgs.threads(), batch, r.median(), r.min(), r.max(),
                1000.0 * batch / r.median(), r.stepsPerSample()));
    }
}
