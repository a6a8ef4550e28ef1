package dev.grad4j.nn;

import dev.grad4j.autograd.Autograd;
import dev.grad4j.autograd.Tensor;
import dev.grad4j.tensor.Backend;
import dev.grad4j.tensor.IntArray;
import dev.grad4j.tensor.NDArray;

import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Multi-head attention as PyTorch's {@code nn.MultiheadAttention(embedDim, numHeads, bias,
 * batch_first=True)} without dropout: {@code q, k, v = query W_qᵀ + b_q, key W_kᵀ + b_k,
 * value W_vᵀ + b_v}, split into {@code numHeads} heads of size {@code embedDim / numHeads},
 * {@link Tensor#scaledDotProductAttention fused attention} per head with scale
 * {@code 1/sqrt(headDim)}, heads concatenated and projected by {@code out_proj}.
 *
 * <p>Parameters (PyTorch's names and initialisation): {@code in_proj_weight [3E, E]} (rows q, k, v;
 * Xavier uniform), {@code in_proj_bias [3E]} (zeros), {@code out_proj.weight [E, E]}
 * ({@code U(±1/sqrt(E))}), {@code out_proj.bias [E]} (zeros); without bias neither bias exists.
 *
 * <p>Shapes: query {@code [B, T, E]}, key and value {@code [B, S, E]}, output {@code [B, T, E]}.
 * Mask convention as PyTorch's boolean {@code attn_mask}: a <b>nonzero</b> entry of {@code maskedOut}
 * ({@code [T, S]} or anything broadcastable to {@code [B, H, T, S]}) means the query does
 * <b>not</b> attend that key.
 *
 * <pre>{@code
 * MultiheadAttention attn = new MultiheadAttention(64, 4, true, random);
 * Tensor y = attn.forward(h, h, h, null, true);    // causal self-attention, [B, T, 64]
 * }</pre>
 */
public final class MultiheadAttention extends AbstractModule {

    private final int embedDim;
    private final int numHeads;
    private final Tensor inProjWeight;
    private final Tensor inProjBias;
    private final Linear outProj;

    /**
     * A layer of {@code numHeads} heads over {@code embedDim} features.
     *
     * @param embedDim the model width E
     * @param numHeads the number of heads; must divide E
     * @param bias whether the projections have biases
     * @param random the generator of the initial weights
     * @throws IllegalArgumentException if a size is not positive or {@code numHeads} does not divide {@code embedDim}
     */
    public MultiheadAttention(int embedDim, int numHeads, boolean bias, RandomGenerator random) {
        if (embedDim <= 0 || numHeads <= 0 || embedDim % numHeads != 0) {
            throw new IllegalArgumentException("MultiheadAttention: embedDim must be a positive multiple of numHeads:"
                    + " embedDim=" + embedDim + ", numHeads=" + numHeads);
        }
        Objects.requireNonNull(random, "MultiheadAttention: random is null");
        this.embedDim = embedDim;
        this.numHeads = numHeads;
        // xavier_uniform_ on [3E, E]: fan_in E, fan_out 3E
        this.inProjWeight = registerParameter("in_proj_weight", Init.xavierUniform().weight(embedDim, 3 * embedDim,
                random));
        this.inProjBias = bias ? registerParameter("in_proj_bias", NDArray.zeros(3 * embedDim)) : null;
        // NonDynamicallyQuantizableLinear: kaiming_uniform_(a=sqrt(5)) = U(±1/sqrt(E)); MHA then zeroes its bias
        this.outProj = registerModule("out_proj", new Linear(embedDim, embedDim, bias, Init.torchDefault(), random));
        outProj.bias().ifPresent(b -> Backend.cpu().assign(b.value(), NDArray.zeros(embedDim)));
    }

    /**
     * Self-attention without mask: {@code forward(x, x, x, null, false)}.
     *
     * @throws IllegalArgumentException if {@code x} is not {@code [B, T, E]}
     */
    @Override
    public Tensor forward(Tensor x) {
        return forward(x, x, x, null, false);
    }

    /**
     * Attention of {@code query [B, T, E]} over {@code key}, {@code value [B, S, E]}.
     *
     * @param query the queries {@code [B, T, E]}
     * @param key the keys {@code [B, S, E]}
     * @param value the values {@code [B, S, E]}
     * @param maskedOut nonzero = not attended; {@code [T, S]} or broadcastable to {@code [B, H, T, S]}; or null
     * @param causal whether query t attends only keys {@code s <= t}
     * @return the attended values {@code [B, T, E]}
     * @throws IllegalArgumentException if the shapes do not fit or the mask does not broadcast
     */
    public Tensor forward(Tensor query, Tensor key, Tensor value, IntArray maskedOut, boolean causal) {
        Objects.requireNonNull(query, "MultiheadAttention: query is null");
        Objects.requireNonNull(key, "MultiheadAttention: key is null");
        Objects.requireNonNull(value, "MultiheadAttention: value is null");
        requireInput("query", query);
        requireInput("key", key);
        requireInput("value", value);
        int b = query.shape().dim(0);
        int t = query.shape().dim(1);
        int s = key.shape().dim(1);
        if (key.shape().dim(0) != b || !value.shape().equals(key.shape())) {
            throw new IllegalArgumentException("MultiheadAttention: query " + query.shape() + ", key " + key.shape()
                    + " and value " + value.shape() + " do not fit together ([B, T, E], [B, S, E], [B, S, E])");
        }
        int hd = embedDim / numHeads;
        Tensor q;
        Tensor k;
        Tensor v;
        if (query == key && key == value && maskedOut == null) {
            // fused: heads read with strides from the packed projection, no transposes
            return outProj.forward(Tensor.packedSelfAttention(query.linear(inProjWeight, inProjBias), numHeads,
                    causal));
        }
        if (query == key && key == value) {
            // one projection [B, T, 3E] -> [3, B, H, T, hd]
            Tensor qkv = query.linear(inProjWeight, inProjBias).reshape(b, t, 3, numHeads, hd).permute(2, 0, 3, 1, 4);
            q = qkv.narrow(0, 0, 1).reshape(b, numHeads, t, hd);
            k = qkv.narrow(0, 1, 1).reshape(b, numHeads, t, hd);
            v = qkv.narrow(0, 2, 1).reshape(b, numHeads, t, hd);
        } else {
            q = heads(project(query, 0), b, t, hd);
            k = heads(project(key, 1), b, s, hd);
            v = heads(project(value, 2), b, s, hd);
        }
        Tensor a = Tensor.scaledDotProductAttention(q, k, v, maskedOut, causal, null); // [B, H, T, hd]
        return outProj.forward(a.permute(0, 2, 1, 3).reshape(b, t, embedDim));
    }

    /**
     * Incremental causal self-attention for inference: projects the next positions
     * {@code x [B, Tn, E]}, appends their keys and values to layer {@code layer} of {@code cache}
     * and attends each new query to every cached position up to its own (causal within the new
     * chunk). Equals the rows of {@code forward(all, all, all, null, true)} for the new positions.
     * No graph is recorded: call it under {@link dev.grad4j.autograd.Autograd#noGrad()}.
     *
     * @param x the new positions {@code [B, Tn, E]}
     * @param cache the keys and values of the earlier positions
     * @param layer which of the cache's layers this attention uses
     * @return the attended values {@code [B, Tn, E]}
     * @throws IllegalStateException if the graph is being recorded
     * @throws IllegalArgumentException if {@code x} is not {@code [B, Tn, E]}, the cache has another
     *     batch size or head layout, or it has no room for {@code Tn} more positions
     */
    public Tensor forward(Tensor x, KVCache cache, int layer) {
        Objects.requireNonNull(x, "MultiheadAttention: x is null");
        Objects.requireNonNull(cache, "MultiheadAttention: cache is null");
        if (Autograd.isRecording()) {
            throw new IllegalStateException("MultiheadAttention: the cached forward is for inference;"
                    + " call it under Autograd.noGrad()");
        }
        requireInput("x", x);
        NDArray keys = cache.keys(layer);
        if (keys.shape().dim(1) != numHeads || keys.shape().dim(3) != embedDim / numHeads
                || keys.shape().dim(0) != x.shape().dim(0)) {
            throw new IllegalArgumentException("MultiheadAttention: cache " + keys.shape() + " does not fit x "
                    + x.shape() + " with " + numHeads + " heads");
        }
        int tn = x.shape().dim(1);
        NDArray qkv = x.linear(inProjWeight, inProjBias).value();
        NDArray a = Backend.cpu().attentionCached(qkv, keys, cache.values(layer), cache.length(layer),
                (float) (1.0 / Math.sqrt(embedDim / numHeads)));
        cache.advance(layer, tn);
        return outProj.forward(Tensor.constant(a));
    }

    /** {@code x W_iᵀ + b_i} with block i (0 = q, 1 = k, 2 = v) of the input projection. */
    private Tensor project(Tensor x, int i) {
        Tensor w = inProjWeight.narrow(0, i * embedDim, embedDim);
        Tensor bias = inProjBias == null ? null : inProjBias.narrow(0, i * embedDim, embedDim);
        return x.linear(w, bias);
    }

    /** {@code [B, L, E]} to {@code [B, H, L, hd]}. */
    private Tensor heads(Tensor x, int b, int len, int hd) {
        return x.reshape(b, len, numHeads, hd).permute(0, 2, 1, 3);
    }

    private void requireInput(String what, Tensor x) {
        if (x.shape().rank() != 3 || x.shape().dim(2) != embedDim) {
            throw new IllegalArgumentException("MultiheadAttention: " + what + " must be [B, L, " + embedDim
                    + "] (batch first), got " + x.shape());
        }
    }

    /** The input projection {@code [3E, E]} (rows q, k, v). */
    public Tensor inProjWeight() {
        return inProjWeight;
    }

    /** The output projection. */
    public Linear outProj() {
        return outProj;
    }

    /** {@code MultiheadAttention(embedDim=64, numHeads=4, bias=true)}. */
    @Override
    public String toString() {
        return "MultiheadAttention(embedDim=" + embedDim + ", numHeads=" + numHeads + ", bias=" + (inProjBias != null)
                + ")";
    }
}
