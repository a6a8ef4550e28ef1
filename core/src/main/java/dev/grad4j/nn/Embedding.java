package dev.grad4j.nn;

import dev.grad4j.autograd.Tensor;
import dev.grad4j.tensor.IntArray;
import dev.grad4j.tensor.NDArray;

import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * A lookup table of {@code num} vectors of size {@code dim}, as PyTorch's {@code nn.Embedding}:
 * ids of any shape map to {@code ids.shape + [dim]}. Parameter {@code weight [num, dim]},
 * initialised {@code N(0, 1)} with the padding row (if any) zeroed; the padding row never receives
 * a gradient.
 *
 * <pre>{@code
 * Embedding tok = new Embedding(vocab, 64, null, random);
 * Tensor x = tok.forward(ids);              // ids [B, T] -> [B, T, 64]
 * }</pre>
 */
public final class Embedding extends AbstractModule {

    private final int num;
    private final int dim;
    private final Integer paddingIdx;
    private final Tensor weight;

    /**
     * A table of {@code num} rows of size {@code dim}.
     *
     * @param num the number of ids (vocabulary size)
     * @param dim the size of each vector
     * @param paddingIdx the id whose row is zero and gets no gradient, or null; negative counts from {@code num}
     * @param random the generator of the initial weights
     * @throws IllegalArgumentException if {@code num} or {@code dim} is not positive or {@code paddingIdx}
     *     is outside {@code [-num, num)}
     */
    public Embedding(int num, int dim, Integer paddingIdx, RandomGenerator random) {
        if (num <= 0 || dim <= 0) {
            throw new IllegalArgumentException("Embedding: num and dim must be positive: num=" + num + ", dim=" + dim);
        }
        Objects.requireNonNull(random, "Embedding: random is null");
        if (paddingIdx != null && (paddingIdx < -num || paddingIdx >= num)) {
            throw new IllegalArgumentException("Embedding: paddingIdx " + paddingIdx + " is outside [-" + num + ", "
                    + num + ")");
        }
        this.num = num;
        this.dim = dim;
        this.paddingIdx = paddingIdx == null ? null : paddingIdx < 0 ? paddingIdx + num : paddingIdx;
        float[] w = new float[dev.grad4j.tensor.Shape.size("Embedding", num, dim)];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) random.nextGaussian();
        }
        if (this.paddingIdx != null) {
            java.util.Arrays.fill(w, this.paddingIdx * dim, (this.paddingIdx + 1) * dim, 0f);
        }
        this.weight = registerParameter("weight", NDArray.wrap(w, num, dim));
    }

    /**
     * Looks up the rows of {@code ids}: {@code ids.shape + [dim]}.
     *
     * @param ids ids in {@code [0, num)}, any shape
     * @return the embedded ids
     * @throws IllegalArgumentException if an id is negative or {@code >= num}
     */
    public Tensor forward(IntArray ids) {
        return weight.embedding(ids, paddingIdx);
    }

    /**
     * Looks up ids held as floats (for use inside a {@link Sequential}); prefer {@link #forward(IntArray)}.
     *
     * @throws IllegalArgumentException if a value is not an integer id in {@code [0, num)}
     */
    @Override
    public Tensor forward(Tensor ids) {
        Objects.requireNonNull(ids, "Embedding: ids is null");
        float[] f = ids.value().toArray();
        int[] d = new int[f.length];
        for (int i = 0; i < f.length; i++) {
            if (f[i] != Math.rint(f[i]) || Math.abs(f[i]) > 1 << 24) {
                throw new IllegalArgumentException("embedding: id " + f[i] + " at flat position " + i
                        + " is not an integer (ids of shape " + ids.shape() + ")");
            }
            d[i] = (int) f[i];
        }
        return forward(IntArray.wrap(d, ids.shape().toArray()));
    }

    /** The table {@code [num, dim]}. */
    public Tensor weight() {
        return weight;
    }

    /** {@code Embedding(10, 4, paddingIdx=0)}. */
    @Override
    public String toString() {
        return "Embedding(" + num + ", " + dim + (paddingIdx == null ? "" : ", paddingIdx=" + paddingIdx) + ")";
    }
}
