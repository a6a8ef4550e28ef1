package dev.grad4j.autograd;

import static dev.grad4j.autograd.Tensor.BACKEND;

import dev.grad4j.tensor.Backend;
import dev.grad4j.tensor.IntArray;
import dev.grad4j.tensor.NDArray;
import dev.grad4j.tensor.Shape;

import java.util.Objects;
import java.util.function.Function;

/**
 * The fused layers of sequence models — layer normalisation, embedding lookup, scaled dot-product
 * attention — with their backward rules. Each op's backward computes the gradients of all its
 * inputs in one fused pass, the first time the engine asks for one of them, and hands out the
 * others from that pass.
 */
final class SequenceOps {

    private SequenceOps() {
    }

    static Tensor layerNorm(Tensor x, int[] normalizedShape, Tensor weight, Tensor bias, float eps) {
        Objects.requireNonNull(x, "layerNorm: x is null");
        Objects.requireNonNull(normalizedShape, "layerNorm: normalizedShape is null");
        NDArray xv = x.value();
        NDArray wv = weight == null ? null : weight.value();
        NDArray bv = bias == null ? null : bias.value();
        Backend.LayerNormResult r = BACKEND.layerNorm(xv, normalizedShape.clone(), wv, bv, eps);
        Fused<Backend.LayerNormGradients> grads =
                new Fused<>(g -> BACKEND.layerNormBackward(g, xv, r.mean(), r.invStd(), wv));
        // Inputs: x, then the weight and the bias where present.
        int biasSlot = weight == null ? 1 : 2;
        BackwardRule rule = (i, g) -> {
            Backend.LayerNormGradients d = grads.of(g);
            if (i == 0) {
                return d.input();
            }
            return i == biasSlot ? d.bias() : d.weight();
        };
        if (weight != null && bias != null) {
            return Tensor.record("layerNorm", r.output(), rule, x, weight, bias);
        }
        if (weight != null) {
            return Tensor.record("layerNorm", r.output(), rule, x, weight);
        }
        if (bias != null) {
            return Tensor.record("layerNorm", r.output(), rule, x, bias);
        }
        return Tensor.record("layerNorm", r.output(), rule, x);
    }

    static Tensor embedding(Tensor weight, IntArray ids, Integer paddingIdx) {
        Objects.requireNonNull(weight, "embedding: weight is null");
        Objects.requireNonNull(ids, "embedding: ids is null");
        NDArray y = BACKEND.embedding(weight.value(), ids);
        int v = weight.shape().dim(0);
        Integer pad = paddingIdx;
        if (pad != null) {
            if (pad < -v || pad >= v) {
                throw new IllegalArgumentException("embedding: paddingIdx " + pad + " is outside [-" + v + ", " + v
                        + ") for weight " + weight.shape());
            }
            pad = pad < 0 ? pad + v : pad;
        }
        Integer padRow = pad;
        return Tensor.record("embedding", y, (i, g) -> BACKEND.embeddingBackward(g, ids, v, padRow), weight);
    }

    static Tensor packedSelfAttention(Tensor qkv, int heads, boolean causal) {
        String op = "packedSelfAttention";
        Objects.requireNonNull(qkv, op + ": qkv is null");
        Shape qs = qkv.shape();
        if (heads <= 0 || qs.rank() != 3 || qs.dim(2) % (3 * heads) != 0) {
            throw new IllegalArgumentException(op + ": qkv must be [B, T, 3E] with E divisible by heads " + heads
                    + ", got " + qs);
        }
        float s = (float) (1.0 / Math.sqrt(qs.dim(2) / (3 * heads)));
        NDArray x = qkv.value();
        Backend.AttentionResult r = BACKEND.attentionPacked(x, heads, causal, s);
        NDArray probs = r.probs();
        return Tensor.record(op, r.output(),
                (i, g) -> BACKEND.attentionPackedBackward(g, x, probs, heads, causal, s), qkv);
    }

    static Tensor attention(Tensor q, Tensor k, Tensor v, IntArray maskedOut, boolean causal, Float scale) {
        String op = "scaledDotProductAttention";
        Objects.requireNonNull(q, op + ": q is null");
        Objects.requireNonNull(k, op + ": k is null");
        Objects.requireNonNull(v, op + ": v is null");
        Shape qs = q.shape();
        float s = scale != null ? scale : qs.rank() == 0 ? 1f : (float) (1.0 / Math.sqrt(qs.dim(-1)));
        NDArray qv = q.value();
        NDArray kv = k.value();
        NDArray vv = v.value();
        Backend.AttentionResult r = BACKEND.attention(qv, kv, vv, maskedOut, causal, s);
        NDArray probs = r.probs();
        Fused<Backend.AttentionGradients> grads =
                new Fused<>(g -> BACKEND.attentionBackward(g, qv, kv, vv, probs, s));
        return Tensor.record(op, r.output(), (i, g) -> {
            Backend.AttentionGradients d = grads.of(g);
            return i == 0 ? d.q() : i == 1 ? d.k() : d.v();
        }, q, k, v);
    }

    /**
     * The gradients of all inputs of a fused op, computed once per upstream gradient: the engine
     * asks for each input with the same upstream array; another array (a second backward through a
     * retained graph) computes them anew.
     */
    private static final class Fused<G> {
        private final Function<NDArray, G> compute;
        private NDArray upstream;
        private G grads;

        Fused(Function<NDArray, G> compute) {
            this.compute = compute;
        }

        G of(NDArray g) {
            if (g != upstream) {
                grads = compute.apply(g);
                upstream = g;
            }
            return grads;
        }
    }
}
