package dev.grad4j.nn;

import dev.grad4j.autograd.Tensor;
import dev.grad4j.tensor.IntArray;

import java.util.random.RandomGenerator;

/** A tiny pre-LayerNorm GPT for the generation and sorting tests, with a key/value-cached forward. */
final class TestGpt extends AbstractModule {

    /** One block: {@code x + attn(ln1(x))}, then {@code x + fc2(gelu(fc1(ln2(x))))}. */
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

    final int block;
    final int embed;
    final int heads;
    final Embedding tok;
    final Embedding pos;
    final ModuleList blocks;
    final LayerNorm lnF;
    final Linear head;

    TestGpt(int vocab, int block, int embed, int heads, int layers, RandomGenerator random) {
        this.block = block;
        this.embed = embed;
        this.heads = heads;
        tok = registerModule("tok", new Embedding(vocab, embed, null, random));
        pos = registerModule("pos", new Embedding(block, embed, null, random));
        blocks = registerModule("blocks", new ModuleList());
        for (int i = 0; i < layers; i++) {
            blocks.add(new Block(embed, heads, random));
        }
        lnF = registerModule("ln_f", new LayerNorm(embed));
        head = registerModule("head", new Linear(embed, vocab, random));
    }

    KVCache newCache(int batch) {
        return new KVCache(blocks.size(), batch, heads, block, embed / heads);
    }

    /** Logits {@code [B, T, V]}; with a cache, ids are the next positions after the cached ones. */
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
        throw new UnsupportedOperationException("TestGpt: takes token ids");
    }
}
