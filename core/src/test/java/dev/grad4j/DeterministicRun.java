package dev.grad4j;

import dev.grad4j.autograd.Autograd;
import dev.grad4j.autograd.Gradients;
import dev.grad4j.autograd.Tensor;
import dev.grad4j.data.Batch;
import dev.grad4j.data.DataLoader;
import dev.grad4j.data.TensorDataset;
import dev.grad4j.nn.Linear;
import dev.grad4j.nn.Losses;
import dev.grad4j.nn.ReLU;
import dev.grad4j.nn.Sequential;
import dev.grad4j.nn.Tanh;
import dev.grad4j.nn.optim.Adam;
import dev.grad4j.nn.optim.GradientClipping;
import dev.grad4j.tensor.NDArray;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * A fixed, seeded workload whose every result is reduced to a bit-exact fingerprint: each op's
 * forward output and input gradients on arrays large enough that the kernels split them between
 * threads, and a whole training run of an MLP (shuffled loader, Adam, gradient clipping, no-grad
 * evaluation). {@link DeterminismTest} runs it in child JVMs with different {@code grad4j.threads}
 * and compares the printed fingerprints.
 *
 * <p>Usage: {@code java -Dgrad4j.threads=N dev.grad4j.DeterministicRun SEED STEPS} prints one
 * {@code name fingerprint} line per result.
 */
public final class DeterministicRun {

    /** Elementwise arrays: 512 x 320 = 163840 elements, enough for four kernel parts. */
    static final int ROWS = 512;
    static final int COLS = 320;

    private DeterministicRun() {
    }

    public static void main(String[] args) {
        long seed = Long.parseLong(args[0]);
        int steps = Integer.parseInt(args[1]);
        StringBuilder out = new StringBuilder();
        fingerprints(seed, steps).forEach((k, v) -> out.append(k).append(' ').append(v).append('\n'));
        System.out.print(out);
        System.out.flush();
    }

    /** Every result of the workload by name, in a fixed order. */
    static Map<String, String> fingerprints(long seed, int steps) {
        Map<String, String> out = new LinkedHashMap<>();
        ops(seed, out);
        out.putAll(training(seed, steps));
        return out;
    }

    // ---- every op, forward and backward ----------------------------------------------------

    private static void ops(long seed, Map<String, String> out) {
        SplittableRandom r = new SplittableRandom(seed);
        NDArray a = NDArray.randn(r, ROWS, COLS);
        NDArray b = NDArray.randn(r, ROWS, COLS);
        NDArray positive = NDArray.rand(r, ROWS, COLS);
        NDArray row = NDArray.randn(r, COLS);
        NDArray m1 = NDArray.randn(r, 384, 256);
        NDArray m2 = NDArray.randn(r, 256, 320);
        NDArray b1 = NDArray.randn(r, 4, 96, 128);
        NDArray b2 = NDArray.randn(r, 4, 128, 160);
        NDArray shared = NDArray.randn(r, 128, 96);
        NDArray w = NDArray.randn(r, 200, COLS);
        NDArray bias = NDArray.randn(r, 200);

        op(out, r, "add", xs -> xs.get(0).add(xs.get(1)), a, b);
        op(out, r, "add_broadcast", xs -> xs.get(0).add(xs.get(1)), a, row);
        op(out, r, "sub", xs -> xs.get(0).sub(xs.get(1)), a, b);
        op(out, r, "mul", xs -> xs.get(0).mul(xs.get(1)), a, b);
        op(out, r, "mul_broadcast", xs -> xs.get(0).mul(xs.get(1)), a, row);
        op(out, r, "div", xs -> xs.get(0).div(xs.get(1).add(2f)), a, positive);
        op(out, r, "maximum", xs -> xs.get(0).maximum(xs.get(1)), a, b);
        op(out, r, "neg", xs -> xs.get(0).neg(), a);
        op(out, r, "exp", xs -> xs.get(0).exp(), a);
        op(out, r, "log", xs -> xs.get(0).add(0.5f).log(), positive);
        op(out, r, "sqrt", xs -> xs.get(0).add(0.5f).sqrt(), positive);
        op(out, r, "abs", xs -> xs.get(0).abs(), a);
        op(out, r, "pow", xs -> xs.get(0).pow(3f), a);
        op(out, r, "relu", xs -> xs.get(0).relu(), a);
        op(out, r, "sigmoid", xs -> xs.get(0).sigmoid(), a);
        op(out, r, "tanh", xs -> xs.get(0).tanh(), a);
        op(out, r, "softmax_rows", xs -> xs.get(0).softmax(1), a);
        op(out, r, "softmax_cols", xs -> xs.get(0).softmax(0), a);
        op(out, r, "logSoftmax", xs -> xs.get(0).logSoftmax(-1), a);
        op(out, r, "sum_all", xs -> xs.get(0).sum(), a);
        op(out, r, "sum_rows", xs -> xs.get(0).sum(new int[] {1}, false), a);
        op(out, r, "sum_cols", xs -> xs.get(0).sum(new int[] {0}, true), a);
        op(out, r, "mean", xs -> xs.get(0).mean(), a);
        op(out, r, "mean_rows", xs -> xs.get(0).mean(new int[] {-1}, true), a);
        op(out, r, "max_all", xs -> xs.get(0).max(), a);
        op(out, r, "max_cols", xs -> xs.get(0).max(new int[] {0}, false), a);
        op(out, r, "transpose", xs -> xs.get(0).transpose(0, 1), a);
        op(out, r, "reshape", xs -> xs.get(0).reshape(COLS, -1), a);
        op(out, r, "matmul", xs -> xs.get(0).matmul(xs.get(1)), m1, m2);
        op(out, r, "matmul_batched", xs -> xs.get(0).matmul(xs.get(1)), b1, b2);
        op(out, r, "matmul_broadcast", xs -> xs.get(0).matmul(xs.get(1)), b1, shared);
        op(out, r, "linear", xs -> xs.get(0).linear(xs.get(1), xs.get(2)), a, w, bias);
        NDArray image = NDArray.randn(r, 16, 8, 14, 14);
        NDArray kernel = NDArray.randn(r, 16, 8, 3, 3);
        NDArray convBias = NDArray.randn(r, 16);
        op(out, r, "conv2d", xs -> xs.get(0).conv2d(xs.get(1), xs.get(2), new int[] {1, 1}, new int[] {1, 1},
                new int[] {1, 1}, 1), image, kernel, convBias);
        op(out, r, "conv2d_strided_grouped", xs -> xs.get(0).conv2d(xs.get(1), null, new int[] {2, 1},
                new int[] {1, 0}, new int[] {1, 2}, 2), image, NDArray.randn(r, 8, 4, 3, 3));
        op(out, r, "conv1d", xs -> xs.get(0).conv1d(xs.get(1), xs.get(2), 1, 2, 1, 1),
                NDArray.randn(r, 32, 16, 64), NDArray.randn(r, 24, 16, 5), NDArray.randn(r, 24));
    }

    /**
     * Fingerprints {@code f(inputs)} and the gradients of {@code sum(f(inputs) * u)} for a seeded
     * random {@code u}.
     */
    private static void op(Map<String, String> out, SplittableRandom r, String name,
                           Function<List<Tensor>, Tensor> f, NDArray... inputs) {
        List<Tensor> xs = new ArrayList<>();
        for (int i = 0; i < inputs.length; i++) {
            xs.add(Tensor.var("x" + i, inputs[i]));
        }
        Tensor y = f.apply(xs);
        out.put(name + ".forward", fingerprint(y.value()));
        Gradients g = y.backward(NDArray.randn(r, y.shape().toArray()));
        for (int i = 0; i < xs.size(); i++) {
            out.put(name + ".grad" + i, fingerprint(g.wrt(xs.get(i))));
        }
    }

    // ---- a whole training run ---------------------------------------------------------------

    /** Fingerprints of a seeded training run: losses, gradient norms, parameters, Adam state, evaluation. */
    static Map<String, String> training(long seed, int steps) {
        Map<String, String> out = new LinkedHashMap<>();
        SplittableRandom r = new SplittableRandom(seed ^ 0x5DEECE66DL);
        int n = 1024;
        int in = 32;
        int classes = 10;
        NDArray x = NDArray.randn(r, n, in);
        NDArray teacher = NDArray.randn(r, classes, in);
        int[] labels = argmaxRows(Tensor.constant(x).linear(Tensor.constant(teacher), null).value(), classes);
        DataLoader loader = DataLoader.builder(new TensorDataset(x, labels), 256).shuffle(r).build();
        Sequential model = new Sequential(new Linear(in, 256, r), new ReLU(), new Linear(256, 512, r), new Tanh(),
                new Linear(512, classes, r));
        Adam adam = new Adam(model.parameters(), 1e-3f);
        long lossBits = 0xcbf29ce484222325L;
        double norms = 0;
        Iterator<Batch> batches = loader.iterator();
        for (int step = 0; step < steps; step++) {
            if (!batches.hasNext()) {
                batches = loader.iterator();
            }
            Batch batch = batches.next();
            Tensor loss = Losses.crossEntropy(model.forward(Tensor.constant(batch.features())), batch.labels());
            Gradients grads = loss.backward();
            norms += GradientClipping.clipNorm(grads, 5f);
            adam.step(grads);
            lossBits = mix(lossBits, Float.floatToRawIntBits(loss.item()));
        }
        out.put("train.losses", Long.toHexString(lossBits));
        out.put("train.norms", Long.toHexString(Double.doubleToRawLongBits(norms)));
        model.namedParameters().forEach((name, p) -> out.put("train.param." + name, fingerprint(p.value())));
        for (Map.Entry<String, NDArray> e : adam.stateDict().entrySet()) {
            out.put("train.adam." + e.getKey(), fingerprint(e.getValue()));
        }
        try (Autograd.Scope scope = Autograd.noGrad()) {
            out.put("train.eval", fingerprint(model.forward(Tensor.constant(x)).value()));
        }
        return out;
    }

    static int[] argmaxRows(NDArray logits, int classes) {
        float[] v = logits.toArray();
        int[] labels = new int[v.length / classes];
        for (int i = 0; i < labels.length; i++) {
            int best = 0;
            for (int c = 1; c < classes; c++) {
                if (v[i * classes + c] > v[i * classes + best]) {
                    best = c;
                }
            }
            labels[i] = best;
        }
        return labels;
    }

    // ---- fingerprints -------------------------------------------------------------------------

    /** FNV-1a over the raw bits of every element, with the shape: equal iff bit-identical (almost surely). */
    static String fingerprint(NDArray a) {
        long h = 0xcbf29ce484222325L;
        for (int d : a.shape().toArray()) {
            h = mix(h, d);
        }
        for (float f : a.toArray()) {
            h = mix(h, Float.floatToRawIntBits(f));
        }
        return a.shape() + ":" + Long.toHexString(h);
    }

    private static long mix(long h, int v) {
        for (int k = 0; k < 4; k++) {
            h ^= (v >>> (8 * k)) & 0xFF;
            h *= 0x100000001b3L;
        }
        return h;
    }
}
