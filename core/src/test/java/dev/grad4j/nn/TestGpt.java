package dev.grad4j.nn;

import dev.grad4j.autograd.Tensor;
import dev.grad4j.tensor.Backend;
import dev.grad4j.tensor.IntArray;
import dev.grad4j.tensor.NDArray;

import java.util.Arrays;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * A tiny pre-LayerNorm GPT for the generation and sorting tests, with a key/value-cached forward and
 * optional dropout (as minGPT: on the embeddings and on each residual branch, in training mode only).
 */
public final class TestGpt extends AbstractModule {

    /** One block: {@code x + drop(attn(ln1(x)))}, then {@code x + drop(fc2(gelu(fc1(ln2(x)))))}. */
    static final class Block extends AbstractModule {
        final LayerNorm ln1;
        final MultiheadAttention attn;
        final LayerNorm ln2;
        final Linear fc1;
        final Linear fc2;
        final Dropout drop;

        Block(int embed, int heads, float dropout, RandomGenerator random) {
            ln1 = registerModule("ln1", new LayerNorm(embed));
            attn = registerModule("attn", new MultiheadAttention(embed, heads, true, random));
            ln2 = registerModule("ln2", new LayerNorm(embed));
            fc1 = registerModule("fc1", new Linear(embed, 4 * embed, random));
            fc2 = registerModule("fc2", new Linear(4 * embed, embed, random));
            drop = dropout > 0 ? registerModule("drop", new Dropout(dropout, random)) : null;
        }

        Tensor forward(Tensor x, KVCache cache, int layer) {
            Tensor h = ln1.forward(x);
            x = x.add(dropped(cache == null ? attn.forward(h, h, h, null, true) : attn.forward(h, cache, layer)));
            return x.add(dropped(fc2.forward(fc1.forward(ln2.forward(x)).gelu())));
        }

        private Tensor dropped(Tensor x) {
            return drop == null ? x : drop.forward(x);
        }

        @Override
        public Tensor forward(Tensor x) {
            return forward(x, null, 0);
        }
    }

    final int block;
    final int embed;
    final int heads;
    final int[] positionIds;
    final Embedding tok;
    final Embedding pos;
    final Dropout drop;
    final ModuleList blocks;
    final LayerNorm lnF;
    final Linear head;

    public TestGpt(int vocab, int block, int embed, int heads, int layers, RandomGenerator random) {
        this(vocab, block, embed, heads, layers, 0f, random);
    }

    /** A GPT with dropout probability {@code dropout} (0: no dropout modules). */
    TestGpt(int vocab, int block, int embed, int heads, int layers, float dropout, RandomGenerator random) {
        this(vocab, identity(block), embed, heads, layers, dropout, random);
    }

    /**
     * A GPT whose position {@code i} (of {@code positionIds.length}) adds row {@code positionIds[i]}
     * of the position embedding: the identity gives learned absolute positions, a map such as
     * {@code {0, 0, 0, 1, 1}} gives segment embeddings that tell only which part of the sequence a
     * token is in.
     */
    TestGpt(int vocab, int[] positionIds, int embed, int heads, int layers, float dropout, RandomGenerator random) {
        this.block = positionIds.length;
        this.embed = embed;
        this.heads = heads;
        this.positionIds = positionIds.clone();
        tok = registerModule("tok", new Embedding(vocab, embed, null, random));
        pos = registerModule("pos", new Embedding(Arrays.stream(positionIds).max().orElse(0) + 1, embed, null, random));
        drop = dropout > 0 ? registerModule("drop", new Dropout(dropout, random)) : null;
        blocks = registerModule("blocks", new ModuleList());
        for (int i = 0; i < layers; i++) {
            blocks.add(new Block(embed, heads, dropout, random));
        }
        lnF = registerModule("ln_f", new LayerNorm(embed));
        head = registerModule("head", new Linear(embed, vocab, random));
    }

    /**
     * Re-initialises the weights as minGPT does: every linear, attention and embedding weight
     * {@code N(0, 0.02²)}, the residual output projections (attention {@code out_proj}, {@code fc2})
     * {@code N(0, (0.02 / sqrt(2 layers))²)}, biases 0, LayerNorms 1 and 0.
     */
    TestGpt initLikeMinGpt(RandomGenerator random) {
        double residualStd = 0.02 / Math.sqrt(2.0 * blocks.size());
        for (Map.Entry<String, Tensor> e : namedParameters().entrySet()) {
            String name = e.getKey();
            NDArray value = e.getValue().value();
            if (name.contains("ln")) {
                continue; // LayerNorm: weight 1, bias 0 already
            }
            if (name.endsWith("bias")) {
                Backend.cpu().assign(value, NDArray.zeros(value.shape().toArray()));
                continue;
            }
            double std = name.endsWith("out_proj.weight") || name.endsWith("fc2.weight") ? residualStd : 0.02;
            NDArray w = NDArray.randn(random, value.shape().toArray());
            Backend.cpu().scaleInPlace(w, (float) std);
            Backend.cpu().assign(value, w);
        }
        return this;
    }

    private static int[] identity(int block) {
        int[] ids = new int[block];
        for (int i = 0; i < block; i++) {
            ids[i] = i;
        }
        return ids;
    }

    KVCache newCache(int batch) {
        return new KVCache(blocks.size(), batch, heads, block, embed / heads);
    }

    /** Logits {@code [B, T, V]}; with a cache, ids are the next positions after the cached ones. */
    public Tensor forward(IntArray ids, KVCache cache) {
        int t = ids.shape().dim(1);
        int start = cache == null ? 0 : cache.length();
        int[] positions = new int[t];
        for (int i = 0; i < t; i++) {
            positions[i] = positionIds[start + i];
        }
        Tensor x = tok.forward(ids).add(pos.forward(IntArray.vector(positions)));
        if (drop != null) {
            x = drop.forward(x);
        }
        int layer = 0;
        for (Module b : blocks) {
            x = ((Block) b).forward(x, cache, layer++);
        }
        return head.forward(lnF.forward(x));
    }

    @Override
    public Tensor forward(Tensor x) {
        throw new UnsupportedOperationException("TestGpt: takes token ids");
    }
}
