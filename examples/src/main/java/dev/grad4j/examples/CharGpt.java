package dev.grad4j.examples;

import dev.grad4j.autograd.Autograd;
import dev.grad4j.autograd.Tensor;
import dev.grad4j.io.SafeTensors;
import dev.grad4j.nn.AbstractModule;
import dev.grad4j.nn.Embedding;
import dev.grad4j.nn.Init;
import dev.grad4j.nn.KVCache;
import dev.grad4j.nn.LayerNorm;
import dev.grad4j.nn.Linear;
import dev.grad4j.nn.Losses;
import dev.grad4j.nn.Module;
import dev.grad4j.nn.ModuleList;
import dev.grad4j.nn.MultiheadAttention;
import dev.grad4j.nn.Sampler;
import dev.grad4j.nn.optim.AdamW;
import dev.grad4j.tensor.Backend;
import dev.grad4j.tensor.IntArray;
import dev.grad4j.tensor.NDArray;
import dev.grad4j.tensor.StateDict;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.random.RandomGenerator;

/**
 * A character-level GPT trained on the fortune-cookie corpus in {@code examples/data/fortunes}:
 * the model, training loop and sampling of PyTorch's {@code shared/bench/gpt_fortunes.py}
 * (nanoGPT's "baby GPT": E = 128, 4 layers, 4 heads, context 64), written with grad4j's public
 * modules only.
 *
 * <p>Vocabulary: the sorted distinct characters of the file; split: first 90% training, last 10%
 * validation. Each step draws {@code --batch} random windows of 65 characters (inputs the first
 * 64, targets the last 64); AdamW(lr 1e-3, betas (0.9, 0.99), weight decay 0.1). Every 250 steps
 * it prints {@code val_loss}, the mean cross-entropy over 50 fixed validation batches of 32. Then
 * it writes the loss curve ({@code target/char-gpt.svg}), saves the model
 * ({@code target/char-gpt.safetensors}, PyTorch's state-dict names) and prints a 300-character
 * sample generated with a key/value cache.
 *
 * <pre>
 * examples/run char-gpt [--steps N] [--batch B] [--threads N] [--temperature T] [--top-k K] [--seed S]
 *                       [--out FILE] [--generate MODEL] [--length N]
 * </pre>
 */
public final class CharGpt {

    static final int CONTEXT = 64;
    static final int EMBED = 128;
    static final int LAYERS = 4;
    static final int HEADS = 4;
    static final int EVAL_EVERY = 250;

    private CharGpt() {
    }

    /** One decoder block: {@code x + attn(ln1(x))}, then {@code x + fc2(gelu(fc1(ln2(x))))}. */
    static final class Block extends AbstractModule {
        final LayerNorm ln1;
        final MultiheadAttention attn;
        final LayerNorm ln2;
        final Linear fc1;
        final Linear fc2;

        Block(int embed, int heads, RandomGenerator random) {
            ln1 = registerModule("ln1", new LayerNorm(embed));
            attn = registerModule("attn", new MultiheadAttention(embed, heads, true, random));
            ln2 = registerModule("ln2", new LayerNorm(embed));
            fc1 = registerModule("fc1", new Linear(embed, 4 * embed, random));
            fc2 = registerModule("fc2", new Linear(4 * embed, embed, random));
        }

        /** The block over {@code x [B, T, E]}; with a cache, x holds the positions after the cached ones. */
        Tensor forward(Tensor x, KVCache cache, int layer) {
            Tensor h = ln1.forward(x);
            x = x.add(cache == null ? attn.forward(h, h, h, null, true) : attn.forward(h, cache, layer));
            return x.add(fc2.forward(fc1.forward(ln2.forward(x)).gelu()));
        }

        @Override
        public Tensor forward(Tensor x) {
            return forward(x, null, 0);
        }
    }

    /** Token and position embeddings, the blocks, a final LayerNorm and the head. */
    static final class Gpt extends AbstractModule {
        final int vocab;
        final int context;
        final int embed;
        final int heads;
        final Embedding tok;
        final Embedding pos;
        final ModuleList blocks;
        final LayerNorm lnF;
        final Linear head;

        Gpt(int vocab, int context, int embed, int heads, int layers, RandomGenerator random) {
            this.vocab = vocab;
            this.context = context;
            this.embed = embed;
            this.heads = heads;
            tok = registerModule("tok", new Embedding(vocab, embed, null, random));
            pos = registerModule("pos", new Embedding(context, embed, null, random));
            blocks = registerModule("blocks", new ModuleList());
            for (int i = 0; i < layers; i++) {
                Block b = new Block(embed, heads, random);
                // gpt_train.py projects with nn.Linear(E, 3E) and nn.Linear(E, E): U(±1/sqrt(E)) weights and biases
                double bound = 1 / Math.sqrt(embed);
                Backend.cpu().assign(b.attn.inProjWeight().value(), Init.uniform(random, bound, 3 * embed, embed));
                for (Map.Entry<String, Tensor> p : b.attn.namedParameters().entrySet()) {
                    if (p.getKey().endsWith("bias")) {
                        Backend.cpu().assign(p.getValue().value(), Init.uniform(random, bound, p.getValue().shape().toArray()));
                    }
                }
                blocks.add(b);
            }
            lnF = registerModule("ln_f", new LayerNorm(embed));
            head = registerModule("head", new Linear(embed, vocab, random));
        }

        /** A key/value cache for {@code batch} sequences of up to the context length. */
        KVCache newCache(int batch) {
            return new KVCache(blocks.size(), batch, heads, context, embed / heads);
        }

        /**
         * Logits {@code [B, T, V]} of ids {@code [B, T]}; with a cache, the ids are the positions
         * after the cached ones (inference only).
         */
        Tensor forward(IntArray ids, KVCache cache) {
            int t = ids.shape().dim(1);
            int start = cache == null ? 0 : cache.length();
            int[] positions = new int[t];
            for (int i = 0; i < t; i++) {
                positions[i] = start + i;
            }
            Tensor x = tok.forward(ids).add(pos.forward(IntArray.vector(positions)));
            int layer = 0;
            for (Module b : blocks) {
                x = ((Block) b).forward(x, cache, layer++);
            }
            return head.forward(lnF.forward(x));
        }

        @Override
        public Tensor forward(Tensor x) {
            throw new UnsupportedOperationException("Gpt: takes token ids; call forward(IntArray, KVCache)");
        }
    }

    /** The text as ids of its sorted distinct characters. */
    record Corpus(int[] chars, int[] ids) {
        static Corpus load(Path file) {
            String text;
            try {
                text = Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("char-gpt: cannot read " + file, e);
            }
            int[] cps = text.codePoints().toArray();
            TreeSet<Integer> set = new TreeSet<>();
            for (int c : cps) {
                set.add(c);
            }
            int[] chars = set.stream().mapToInt(Integer::intValue).toArray();
            int[] ids = new int[cps.length];
            for (int i = 0; i < cps.length; i++) {
                ids[i] = java.util.Arrays.binarySearch(chars, cps[i]);
            }
            return new Corpus(chars, ids);
        }

        int id(int codePoint) {
            int i = java.util.Arrays.binarySearch(chars, codePoint);
            return Math.max(i, 0);
        }

        String decode(int[] tokens) {
            StringBuilder s = new StringBuilder();
            for (int t : tokens) {
                s.appendCodePoint(chars[t]);
            }
            return s.toString();
        }
    }

    /** Inputs {@code [B, T]} and next-character targets {@code [B*T]} of windows starting at {@code starts}. */
    static IntArray[] windows(int[] src, int from, int[] starts) {
        int b = starts.length;
        int[] x = new int[b * CONTEXT];
        int[] y = new int[b * CONTEXT];
        for (int i = 0; i < b; i++) {
            System.arraycopy(src, from + starts[i], x, i * CONTEXT, CONTEXT);
            System.arraycopy(src, from + starts[i] + 1, y, i * CONTEXT, CONTEXT);
        }
        return new IntArray[] {IntArray.of(x, b, CONTEXT), IntArray.of(y, b * CONTEXT)};
    }

    static int[] randomStarts(RandomGenerator random, int n, int len) {
        int[] s = new int[n];
        for (int i = 0; i < n; i++) {
            s[i] = random.nextInt(len - CONTEXT - 1);
        }
        return s;
    }

    /** Mean cross-entropy of {@code model} over the fixed validation batches. */
    static double validationLoss(Gpt model, int[] ids, int from, int len, List<int[]> batches) {
        double sum = 0;
        try (Autograd.Scope s = Autograd.noGrad()) {
            for (int[] starts : batches) {
                IntArray[] w = windows(ids, from, starts);
                Tensor logits = model.forward(w[0], null);
                sum += Losses.crossEntropy(logits.reshape(-1, model.vocab), w[1]).item();
            }
        }
        return sum / batches.size();
    }

    /** {@code n} characters sampled after {@code prompt}, with a key/value cache (restarted when full). */
    static int[] generate(Gpt model, int prompt, int n, Sampler sampler, RandomGenerator random) {
        int[] out = new int[n + 1];
        out[0] = prompt;
        try (Autograd.Scope s = Autograd.noGrad()) {
            KVCache cache = model.newCache(1);
            int fed = 0; // out[0 .. fed) are in the cache
            for (int i = 0; i < n; i++) {
                IntArray chunk;
                if (cache.length() == model.context) {
                    // full: restart with the last context - 1 characters as the prompt (a sliding window)
                    cache.clear();
                    int from = i + 1 - (model.context - 1);
                    chunk = IntArray.of(java.util.Arrays.copyOfRange(out, from, i + 1), 1, i + 1 - from);
                } else {
                    chunk = IntArray.of(java.util.Arrays.copyOfRange(out, fed, i + 1), 1, i + 1 - fed);
                }
                Tensor logits = model.forward(chunk, cache);
                int t = chunk.shape().dim(1);
                Tensor last = logits.narrow(1, t - 1, 1).reshape(1, model.vocab);
                out[i + 1] = sampler.sample(last, random).get(0);
                fed = i + 1;
            }
        }
        return out;
    }

    /** Runs the example; see the class comment for the options. */
    public static void main(String[] args) {
        args = BenchArgs.applyThreads(args);
        int steps = 2000;
        int batch = 16;
        float temperature = 1f;
        int topK = 0;
        long seed = 1337;
        int length = 300;
        Path out = Path.of("target/char-gpt.safetensors");
        Path data = Path.of("examples/data/fortunes/fortunes.txt");
        Path generateFrom = null;
        try {
            for (int i = 0; i < args.length; i += 2) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("char-gpt: " + args[i] + " needs a value");
                }
                String v = args[i + 1];
                switch (args[i]) {
                    case "--steps" -> steps = Integer.parseInt(v);
                    case "--batch" -> batch = Integer.parseInt(v);
                    case "--temperature" -> temperature = Float.parseFloat(v);
                    case "--top-k" -> topK = Integer.parseInt(v);
                    case "--seed" -> seed = Long.parseLong(v);
                    case "--length" -> length = Integer.parseInt(v);
                    case "--out" -> out = Path.of(v);
                    case "--data" -> data = Path.of(v);
                    case "--generate" -> generateFrom = Path.of(v);
                    default -> throw new IllegalArgumentException("char-gpt: unknown option " + args[i]);
                }
            }
            if (steps < 0 || batch <= 0 || length < 0) {
                throw new IllegalArgumentException("char-gpt: need --steps >= 0, --batch > 0, --length >= 0");
            }
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println("usage: examples/run char-gpt [--steps N] [--batch B] [--threads N] [--temperature T]"
                    + " [--top-k K] [--seed S] [--length N] [--out FILE] [--data FILE] [--generate MODEL]");
            System.exit(2);
            return;
        }
        Corpus corpus = Corpus.load(data);
        int vocab = corpus.chars().length;
        Sampler sampler = new Sampler(temperature, topK);
        if (generateFrom != null) {
            Gpt model = new Gpt(vocab, CONTEXT, EMBED, HEADS, LAYERS, new SplittableRandom(seed));
            StateDict state = SafeTensors.load(generateFrom);
            model.loadStateDict(state);
            model.eval();
            int[] sample = generate(model, corpus.id('\n'), length, sampler, new SplittableRandom(seed));
            System.out.println(corpus.decode(sample));
            return;
        }
        int[] ids = corpus.ids();
        int n = (int) (0.9 * ids.length);
        int valLen = ids.length - n;
        System.out.printf(Locale.ROOT, "char-gpt: %s, %d characters, vocabulary %d; %d training, %d validation;"
                + " E %d, %d layers, %d heads, context %d; batch %d, %d steps, %d threads%n", data, ids.length, vocab,
                n, valLen, EMBED, LAYERS, HEADS, CONTEXT, batch, steps, BenchArgs.threads());
        Gpt model = new Gpt(vocab, CONTEXT, EMBED, HEADS, LAYERS, new SplittableRandom(seed));
        AdamW optimizer = new AdamW(model.parameters(),
                AdamW.configBuilder().lr(1e-3f).betas(0.9f, 0.99f).weightDecay(0.1f).build());
        SplittableRandom windowsRandom = new SplittableRandom(seed);
        SplittableRandom valRandom = new SplittableRandom(7);
        List<int[]> valBatches = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            valBatches.add(randomStarts(valRandom, 32, valLen));
        }
        List<double[]> curve = new ArrayList<>(); // step, train loss, val loss
        MnistMlp.ProgressBar bar = new MnistMlp.ProgressBar(System.err, "train", steps);
        double acc = 0;
        int cnt = 0;
        long t0 = System.nanoTime();
        double trainSeconds = 0;
        for (int step = 1; step <= steps; step++) {
            IntArray[] w = windows(ids, 0, randomStarts(windowsRandom, batch, n));
            long s0 = System.nanoTime();
            Tensor loss = Losses.crossEntropy(model.forward(w[0], null).reshape(-1, vocab), w[1]);
            optimizer.step(loss.backward());
            trainSeconds += (System.nanoTime() - s0) / 1e9;
            acc += loss.item();
            cnt++;
            bar.update(step, acc / cnt);
            if (step % EVAL_EVERY == 0 || step == steps) {
                bar.finish();
                double val = validationLoss(model, ids, n, valLen, valBatches);
                System.out.printf(Locale.ROOT, "step %d  train_loss %.4f  val_loss %.4f  train %.1f s%n", step,
                        acc / cnt, val, trainSeconds);
                curve.add(new double[] {step, acc / cnt, val});
                acc = 0;
                cnt = 0;
            }
        }
        bar.finish();
        System.out.printf(Locale.ROOT, "training %.1f s (%.1f ms/step), total %.1f s%n", trainSeconds,
                steps == 0 ? 0 : 1000 * trainSeconds / steps, (System.nanoTime() - t0) / 1e9);
        if (!curve.isEmpty()) {
            Path svg = out.resolveSibling(out.getFileName().toString().replaceFirst("\\.safetensors$", "") + ".svg");
            double[] x = curve.stream().mapToDouble(c -> c[0]).toArray();
            Chart.write(svg, List.of(new Chart.Panel("char-gpt on fortunes", "step", "cross-entropy (nats)", List.of(
                    new Chart.Series("train loss", "#1f77b4", x, curve.stream().mapToDouble(c -> c[1]).toArray()),
                    new Chart.Series("val loss", "#d62728", x, curve.stream().mapToDouble(c -> c[2]).toArray())))));
            System.out.println("wrote " + svg);
        }
        Map<String, NDArray> state = model.stateDict();
        SafeTensors.save(out, state, Map.of("vocab", corpus.decode(java.util.stream.IntStream.range(0, vocab)
                .toArray())));
        System.out.println("saved " + out);
        model.eval();
        int[] sample = generate(model, corpus.id('\n'), length, sampler, windowsRandom);
        System.out.println(corpus.decode(sample));
    }
}
