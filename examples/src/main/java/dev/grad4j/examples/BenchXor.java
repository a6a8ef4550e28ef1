package dev.grad4j.examples;

import dev.grad4j.autograd.Tensor;
import dev.grad4j.nn.Linear;
import dev.grad4j.nn.Losses;
import dev.grad4j.nn.Sequential;
import dev.grad4j.nn.Tanh;
import dev.grad4j.nn.optim.Adam;
import dev.grad4j.nn.optim.Optimizer;
import dev.grad4j.nn.optim.SGD;
import dev.grad4j.tensor.NDArray;

import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Per-step overhead on a tiny net, mirroring the XOR part of {@code shared/bench/overhead.py}: a
 * 2-8-1 Tanh MLP with BCE-with-logits on the four XOR points, full step with Adam(1e-3) and with
 * SGD(0.1); 5000 steps per sample, median of 7. {@code examples/run bench-xor [--threads N]}.
 */
public final class BenchXor {

    private static final int SAMPLES = 7;
    private static final int STEPS = 5000;

    private BenchXor() {
    }

    /** Runs the benchmark; the only argument is an optional {@code --threads N}. */
    public static void main(String[] args) {
        BenchArgs.applyThreads(args);
        Tensor x = Tensor.constant(NDArray.of(new float[] {0, 0, 0, 1, 1, 0, 1, 1}, 4, 2));
        Tensor y = Tensor.constant(NDArray.of(new float[] {0, 1, 1, 0}, 4, 1));
        for (String name : new String[] {"Adam", "SGD"}) {
            SplittableRandom random = new SplittableRandom(0);
            Sequential model = new Sequential(new Linear(2, 8, random), new Tanh(), new Linear(8, 1, random));
            Optimizer optimizer = name.equals("Adam")
                    ? new Adam(model.parameters(), 1e-3f) : new SGD(model.parameters(), 0.1f);
            Runnable step = () -> optimizer.step(Losses.binaryCrossEntropyWithLogits(model.forward(x), y).backward());
            for (int i = 0; i < STEPS; i++) {
                step.run();
            }
            double[] ms = new double[SAMPLES];
            for (int s = 0; s < SAMPLES; s++) {
                long start = System.nanoTime();
                for (int i = 0; i < STEPS; i++) {
                    step.run();
                }
                ms[s] = (System.nanoTime() - start) / 1e6 / STEPS;
            }
            double[] sorted = ms.clone();
            Arrays.sort(sorted);
            System.out.println(String.format(Locale.ROOT,
                    "{\"bench\":\"xor_step\",\"lib\":\"grad4j\",\"optimizer\":\"%s\",\"kernels\":\"%s\",\"threads\":%d,"
                            + "\"ms_per_step_median\":%.5f,\"ms_min\":%.5f,\"ms_max\":%.5f}",
                    name, BenchArgs.kernels(), BenchArgs.threads(), sorted[SAMPLES / 2], sorted[0], sorted[SAMPLES - 1]));
        }
    }
}
