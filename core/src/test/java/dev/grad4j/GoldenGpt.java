package dev.grad4j;

import com.fasterxml.jackson.databind.JsonNode;
import dev.grad4j.autograd.Tensor;
import dev.grad4j.nn.AbstractModule;
import dev.grad4j.nn.Embedding;
import dev.grad4j.nn.LayerNorm;
import dev.grad4j.nn.Linear;
import dev.grad4j.nn.Module;
import dev.grad4j.nn.ModuleList;
import dev.grad4j.nn.MultiheadAttention;
import dev.grad4j.tensor.IntArray;

import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * The tiny pre-LayerNorm GPT of models.json, written with grad4j's public modules exactly as the
 * PyTorch class in the golden README, so its state dict has the same names.
 */
final class GoldenGpt {

    private GoldenGpt() {
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

        @Override
        public Tensor forward(Tensor x) {
            Tensor h = ln1.forward(x);
            x = x.add(attn.forward(h, h, h, null, true));
            return x.add(fc2.forward(fc1.forward(ln2.forward(x)).gelu()));
        }
    }

    /** Token and position embeddings, the blocks, a final LayerNorm and the head. */
    static final class TinyGpt extends AbstractModule {
        final int block;
        final Embedding tok;
        final Embedding pos;
        final ModuleList blocks;
        final LayerNorm lnF;
        final Linear head;

        TinyGpt(int vocab, int block, int embed, int heads, int layers, RandomGenerator random) {
            this.block = block;
            tok = registerModule("tok", new Embedding(vocab, embed, null, random));
            pos = registerModule("pos", new Embedding(block, embed, null, random));
            blocks = registerModule("blocks", new ModuleList());
            for (int i = 0; i < layers; i++) {
                blocks.add(new Block(embed, heads, random));
            }
            lnF = registerModule("ln_f", new LayerNorm(embed));
            head = registerModule("head", new Linear(embed, vocab, random));
        }

        /** Logits {@code [B, T, V]} of ids {@code [B, T]}. */
        Tensor forward(IntArray ids) {
            int t = ids.shape().dim(1);
            int[] positions = new int[t];
            for (int i = 0; i < t; i++) {
                positions[i] = i;
            }
            Tensor x = tok.forward(ids).add(pos.forward(IntArray.vector(positions)));
            for (Module b : blocks) {
                x = b.forward(x);
            }
            return head.forward(lnF.forward(x));
        }

        @Override
        public Tensor forward(Tensor x) {
            throw new UnsupportedOperationException("TinyGpt: takes token ids; call forward(IntArray)");
        }
    }

    static Module build(JsonNode spec) {
        return new TinyGpt(spec.get("vocab").asInt(), spec.get("block").asInt(), spec.get("embed").asInt(),
                spec.get("heads").asInt(), spec.get("layers").asInt(), new SplittableRandom(0));
    }

    static Tensor forward(Module model, IntArray ids) {
        return ((TinyGpt) model).forward(ids);
    }
}
