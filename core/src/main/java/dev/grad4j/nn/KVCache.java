package dev.grad4j.nn;

import dev.grad4j.tensor.NDArray;

import java.util.Arrays;

/**
 * The keys and values of the positions a decoder has already seen, one pair of arrays
 * {@code [B, H, maxLength, headDim]} per attention layer, so that generating n tokens costs n
 * incremental steps instead of n full forward passes. Each layer's
 * {@link MultiheadAttention#forward(dev.grad4j.autograd.Tensor, KVCache, int) cached forward} appends the new positions'
 * keys and values at its layer's current length and advances it.
 *
 * <pre>{@code
 * KVCache cache = new KVCache(layers, 1, heads, context, embed / heads);
 * try (Autograd.Scope s = Autograd.noGrad()) {
 *     Tensor y = attn.forward(h, cache, 0);      // h [1, Tn, E]: the next Tn positions
 * }
 * }</pre>
 */
public final class KVCache {

    private final NDArray[] keys;
    private final NDArray[] values;
    private final int[] lengths;
    private final int batch;
    private final int maxLength;

    /**
     * An empty cache.
     *
     * @param layers the number of attention layers
     * @param batch the batch size B
     * @param heads the number of heads H
     * @param maxLength the most positions it holds
     * @param headDim the size of one head, {@code E / H}
     * @throws IllegalArgumentException if a size is not positive
     */
    public KVCache(int layers, int batch, int heads, int maxLength, int headDim) {
        if (layers <= 0 || batch <= 0 || heads <= 0 || maxLength <= 0 || headDim <= 0) {
            throw new IllegalArgumentException("KVCache: sizes must be positive: layers=" + layers + ", batch=" + batch
                    + ", heads=" + heads + ", maxLength=" + maxLength + ", headDim=" + headDim);
        }
        this.keys = new NDArray[layers];
        this.values = new NDArray[layers];
        this.lengths = new int[layers];
        this.batch = batch;
        this.maxLength = maxLength;
        for (int i = 0; i < layers; i++) {
            keys[i] = NDArray.zeros(batch, heads, maxLength, headDim);
            values[i] = NDArray.zeros(batch, heads, maxLength, headDim);
        }
    }

    /** The number of positions cached by layer 0 (all layers agree after a full model step). */
    public int length() {
        return lengths[0];
    }

    /**
     * The number of positions cached by one layer.
     *
     * @throws IllegalArgumentException if {@code layer} is out of range
     */
    public int length(int layer) {
        return lengths[checkLayer(layer)];
    }

    /** The most positions this cache holds. */
    public int maxLength() {
        return maxLength;
    }

    /** The batch size B. */
    public int batch() {
        return batch;
    }

    /** The number of layers. */
    public int layers() {
        return keys.length;
    }

    /** Forgets every cached position (the arrays are reused). */
    public void clear() {
        Arrays.fill(lengths, 0);
    }

    NDArray keys(int layer) {
        return keys[checkLayer(layer)];
    }

    NDArray values(int layer) {
        return values[checkLayer(layer)];
    }

    void advance(int layer, int n) {
        lengths[checkLayer(layer)] += n;
    }

    private int checkLayer(int layer) {
        if (layer < 0 || layer >= keys.length) {
            throw new IllegalArgumentException("KVCache: layer " + layer + " is outside [0, " + keys.length + ")");
        }
        return layer;
    }

    /** {@code KVCache(layers=4, batch=1, maxLength=64, length=10)}. */
    @Override
    public String toString() {
        return "KVCache(layers=" + keys.length + ", batch=" + batch + ", maxLength=" + maxLength + ", length="
                + lengths[0] + ")";
    }
}
