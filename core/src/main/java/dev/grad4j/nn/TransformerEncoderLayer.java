package dev.grad4j.nn;

import dev.grad4j.autograd.Tensor;
import dev.grad4j.tensor.IntArray;

import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * One Transformer encoder block, as PyTorch's {@code nn.TransformerEncoderLayer(dModel, nHead,
 * batch_first=True)}: self-attention and a feed-forward network, each with a residual connection
 * and a layer norm.
 *
 * <p>With {@code SA(x) = dropout1(selfAttn(x, x, x))} and
 * {@code FF(x) = dropout2(linear2(dropout(act(linear1(x)))))}:
 * <ul>
 *   <li>post-norm (default, {@code normFirst = false}):
 *       {@code x = norm1(x + SA(x)); x = norm2(x + FF(x))};</li>
 *   <li>pre-norm ({@code normFirst = true}): {@code x = x + SA(norm1(x)); x = x + FF(norm2(x))}.</li>
 * </ul>
 *
 * <p>Children, in PyTorch's registration order: {@code self_attn} ({@link MultiheadAttention},
 * {@code nHead} heads), {@code linear1} ({@code [dimFeedforward, dModel]}), {@code dropout},
 * {@code linear2} ({@code [dModel, dimFeedforward]}), {@code norm1}, {@code norm2}
 * ({@link LayerNorm} over {@code dModel}), {@code dropout1}, {@code dropout2}. The state dict is
 * therefore {@code self_attn.in_proj_weight, self_attn.in_proj_bias, self_attn.out_proj.weight,
 * self_attn.out_proj.bias, linear1.weight, linear1.bias, linear2.weight, linear2.bias,
 * norm1.weight, norm1.bias, norm2.weight, norm2.bias}, and a PyTorch state dict of the same
 * layer loads by its keys. Initialisation: {@code self_attn} as {@link MultiheadAttention}, the
 * two linear layers {@link Init#torchDefault()} (weight and bias {@code U(±1/sqrt(in))}), the
 * norms ones and zeros.
 *
 * <p>Shapes: input and output {@code [B, T, dModel]} (batch first only). Defaults
 * ({@link Options#DEFAULTS}, PyTorch's): {@code dimFeedforward 2048}, {@code dropout 0.1},
 * activation ReLU, {@code layerNormEps 1e-5}, post-norm.
 *
 * <p>Dropout is active only in training mode; its masks are drawn from the generator given at
 * construction (after the initial weights), in the order of the forward pass. Unlike PyTorch,
 * the attention probabilities are not dropped (grad4j's {@link MultiheadAttention} has no dropout),
 * so training-mode outputs follow a different random stream; evaluation mode, and training with
 * {@code dropout = 0}, compute what PyTorch computes.
 *
 * <pre>{@code
 * var layer = new TransformerEncoderLayer(64, 4,
 *         TransformerEncoderLayer.Options.DEFAULTS.withDimFeedforward(256).withNormFirst(true), random);
 * Tensor y = layer.forward(x, null, true);   // causal, x [B, T, 64] -> [B, T, 64]
 * }</pre>
 */
public final class TransformerEncoderLayer extends AbstractModule {

    /** The activation of the feed-forward network. */
    public enum Activation {
        /** {@code max(0, x)}, PyTorch's default. */
        RELU,
        /** The exact (erf) GELU. */
        GELU
    }

    /**
     * The optional hyperparameters, validated on construction; PyTorch's defaults in {@link #DEFAULTS}.
     *
     * @param dimFeedforward the width of the feed-forward network, positive
     * @param dropout the dropout probability, in {@code [0, 1]}
     * @param activation the feed-forward activation
     * @param layerNormEps the epsilon of both layer norms, finite and {@code >= 0}
     * @param normFirst pre-norm ({@code true}) or post-norm ({@code false})
     */
    public record Options(int dimFeedforward, float dropout, Activation activation, float layerNormEps,
                          boolean normFirst) {

        /** PyTorch's defaults: {@code dimFeedforward 2048, dropout 0.1, RELU, layerNormEps 1e-5, post-norm}. */
        public static final Options DEFAULTS = new Options(2048, 0.1f, Activation.RELU, LayerNorm.DEFAULT_EPS, false);

        /**
         * Validates the values.
         *
         * @throws NullPointerException if {@code activation} is null
         * @throws IllegalArgumentException naming the first invalid value
         */
        public Options {
            Objects.requireNonNull(activation, "TransformerEncoderLayer: activation is null");
            if (dimFeedforward <= 0) {
                throw new IllegalArgumentException("TransformerEncoderLayer: dimFeedforward must be positive, got "
                        + dimFeedforward);
            }
            if (!(dropout >= 0f && dropout <= 1f)) {
                throw new IllegalArgumentException("TransformerEncoderLayer: dropout must be in [0, 1], got " + dropout);
            }
            if (!(layerNormEps >= 0f) || !Float.isFinite(layerNormEps)) {
                throw new IllegalArgumentException("TransformerEncoderLayer: layerNormEps must be finite and >= 0, got "
                        + layerNormEps);
            }
        }

        /**
         * Returns these options with another feed-forward width.
         *
         * @param d the width, positive
         * @return the new options
         */
        public Options withDimFeedforward(int d) {
            return new Options(d, dropout, activation, layerNormEps, normFirst);
        }

        /**
         * Returns these options with another dropout probability.
         *
         * @param p the probability, in {@code [0, 1]}
         * @return the new options
         */
        public Options withDropout(float p) {
            return new Options(dimFeedforward, p, activation, layerNormEps, normFirst);
        }

        /**
         * Returns these options with another activation.
         *
         * @param a the activation
         * @return the new options
         */
        public Options withActivation(Activation a) {
            return new Options(dimFeedforward, dropout, a, layerNormEps, normFirst);
        }

        /**
         * Returns these options with another layer-norm epsilon.
         *
         * @param eps the epsilon, finite and {@code >= 0}
         * @return the new options
         */
        public Options withLayerNormEps(float eps) {
            return new Options(dimFeedforward, dropout, activation, eps, normFirst);
        }

        /**
         * Returns these options with pre-norm ({@code true}) or post-norm ({@code false}).
         *
         * @param first whether the norms come before the sublayers
         * @return the new options
         */
        public Options withNormFirst(boolean first) {
            return new Options(dimFeedforward, dropout, activation, layerNormEps, first);
        }
    }

    private final int dModel;
    private final int nHead;
    private final Options options;
    private final MultiheadAttention selfAttn;
    private final Linear linear1;
    private final Dropout dropout;
    private final Linear linear2;
    private final LayerNorm norm1;
    private final LayerNorm norm2;
    private final Dropout dropout1;
    private final Dropout dropout2;

    /**
     * A layer with PyTorch's defaults ({@link Options#DEFAULTS}).
     *
     * @param dModel the model width
     * @param nHead the number of attention heads; must divide {@code dModel}
     * @param random the generator of the initial weights and the dropout masks
     * @throws IllegalArgumentException if a size is not positive or {@code nHead} does not divide {@code dModel}
     */
    public TransformerEncoderLayer(int dModel, int nHead, RandomGenerator random) {
        this(dModel, nHead, Options.DEFAULTS, random);
    }

    /**
     * A layer with the given options. The weights are drawn from {@code random} in the order
     * {@code self_attn}, {@code linear1}, {@code linear2}; the same generator then draws the dropout masks.
     *
     * @param dModel the model width
     * @param nHead the number of attention heads; must divide {@code dModel}
     * @param options the optional hyperparameters
     * @param random the generator of the initial weights and the dropout masks
     * @throws IllegalArgumentException if a size is not positive or {@code nHead} does not divide {@code dModel}
     */
    public TransformerEncoderLayer(int dModel, int nHead, Options options, RandomGenerator random) {
        if (dModel <= 0 || nHead <= 0 || dModel % nHead != 0) {
            throw new IllegalArgumentException("TransformerEncoderLayer: dModel must be a positive multiple of nHead:"
                    + " dModel=" + dModel + ", nHead=" + nHead);
        }
        this.options = Objects.requireNonNull(options, "TransformerEncoderLayer: options is null");
        Objects.requireNonNull(random, "TransformerEncoderLayer: random is null");
        this.dModel = dModel;
        this.nHead = nHead;
        int ff = options.dimFeedforward();
        float p = options.dropout();
        this.selfAttn = registerModule("self_attn", new MultiheadAttention(dModel, nHead, true, random));
        this.linear1 = registerModule("linear1", new Linear(dModel, ff, Init.torchDefault(), random));
        this.dropout = registerModule("dropout", new Dropout(p, random));
        this.linear2 = registerModule("linear2", new Linear(ff, dModel, Init.torchDefault(), random));
        this.norm1 = registerModule("norm1", new LayerNorm(new int[] {dModel}, options.layerNormEps(), true));
        this.norm2 = registerModule("norm2", new LayerNorm(new int[] {dModel}, options.layerNormEps(), true));
        this.dropout1 = registerModule("dropout1", new Dropout(p, random));
        this.dropout2 = registerModule("dropout2", new Dropout(p, random));
    }

    /**
     * The layer without mask: {@code forward(x, null, false)}.
     *
     * @throws IllegalArgumentException if {@code x} is not {@code [B, T, dModel]}
     */
    @Override
    public Tensor forward(Tensor x) {
        return forward(x, null, false);
    }

    /**
     * The layer over {@code x [B, T, dModel]}, as PyTorch's {@code forward(src, src_mask)}.
     *
     * @param x the input {@code [B, T, dModel]}
     * @param srcMask nonzero = not attended (query t does not attend key s), {@code [T, T]} or
     *     broadcastable to {@code [B, nHead, T, T]} (so a key padding mask is {@code [B, 1, 1, T]}); or null
     * @param causal whether query t attends only keys {@code s <= t} (combined with {@code srcMask})
     * @return the output {@code [B, T, dModel]}
     * @throws IllegalArgumentException if {@code x} is not {@code [B, T, dModel]} or the mask does not broadcast
     */
    public Tensor forward(Tensor x, IntArray srcMask, boolean causal) {
        Objects.requireNonNull(x, "TransformerEncoderLayer: input is null");
        if (x.shape().rank() != 3 || x.shape().dim(2) != dModel) {
            throw new IllegalArgumentException("TransformerEncoderLayer: input must be [B, T, " + dModel
                    + "] (batch first), got " + x.shape());
        }
        if (options.normFirst()) {
            x = x.add(selfAttentionBlock(norm1.forward(x), srcMask, causal));
            return x.add(feedForwardBlock(norm2.forward(x)));
        }
        x = norm1.forward(x.add(selfAttentionBlock(x, srcMask, causal)));
        return norm2.forward(x.add(feedForwardBlock(x)));
    }

    private Tensor selfAttentionBlock(Tensor x, IntArray srcMask, boolean causal) {
        return dropout1.forward(selfAttn.forward(x, x, x, srcMask, causal));
    }

    private Tensor feedForwardBlock(Tensor x) {
        Tensor h = linear1.forward(x);
        h = options.activation() == Activation.GELU ? h.gelu() : h.relu();
        return dropout2.forward(linear2.forward(dropout.forward(h)));
    }

    /** The self-attention sublayer. */
    public MultiheadAttention selfAttn() {
        return selfAttn;
    }

    /** The first feed-forward layer, {@code dModel -> dimFeedforward}. */
    public Linear linear1() {
        return linear1;
    }

    /** The second feed-forward layer, {@code dimFeedforward -> dModel}. */
    public Linear linear2() {
        return linear2;
    }

    /** The first layer norm (before self-attention with pre-norm, after it with post-norm). */
    public LayerNorm norm1() {
        return norm1;
    }

    /** The second layer norm (around the feed-forward network). */
    public LayerNorm norm2() {
        return norm2;
    }

    /** The hyperparameters this layer was built with. */
    public Options options() {
        return options;
    }

    /** {@code TransformerEncoderLayer(dModel=8, nHead=2, dimFeedforward=16, dropout=0.1, activation=GELU, ...)}. */
    @Override
    public String toString() {
        return "TransformerEncoderLayer(dModel=" + dModel + ", nHead=" + nHead + ", dimFeedforward="
                + options.dimFeedforward() + ", dropout=" + options.dropout() + ", activation=" + options.activation()
                + ", layerNormEps=" + options.layerNormEps() + ", normFirst=" + options.normFirst() + ")";
    }
}
