package dev.grad4j.autograd;

import dev.grad4j.tensor.Backend;
import dev.grad4j.tensor.IntArray;
import dev.grad4j.tensor.NDArray;
import dev.grad4j.tensor.Shape;

import java.util.List;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * A value in a recorded computation: an {@link NDArray}, the op that made it and that op's inputs.
 *
 * <p>{@link #var} creates a variable tracked for gradients (a weight, or an input whose gradient
 * you want); {@link #constant} creates an untracked value. Every op below computes its value
 * through the {@link Backend} and, while {@link Autograd#isRecording() recording} and if any
 * input is tracked, records its backward rule. {@link #backward()} replays the recorded ops in
 * reverse and returns the {@link Gradients} of every variable:
 *
 * <pre>{@code
 * Tensor w = Tensor.var("w", NDArray.of(new float[] {1, 2, 3}, 3));
 * Tensor loss = w.mul(w).sum();          // sum of squares
 * NDArray dw = loss.backward().wrt(w);    // [2, 4, 6]
 * }</pre>
 *
 * <p>Binary ops broadcast their operands with NumPy rules. Shape mistakes throw an
 * {@link IllegalArgumentException} naming the op and the shapes; a null operand throws a
 * {@link NullPointerException} naming the op. Inside {@link Autograd#detectAnomaly()} an op or
 * backward rule that produces a NaN or an infinity throws an {@link ArithmeticException} naming it.
 *
 * <p>Tensors are immutable apart from a variable's array, which optimizers update in place; ops
 * only read their inputs, so one model may be evaluated from several threads at once.
 */
public final class Tensor {

    static final Backend BACKEND = Backend.cpu();
    private static final Tensor[] NO_INPUTS = new Tensor[0];

    private final NDArray value;
    private final String name;
    private final String op;
    /** The recorded inputs and rule; dropped by {@link #release()} once backward has used them. */
    private Tensor[] inputs;
    private BackwardRule rule;
    private final boolean requiresGrad;

    private Tensor(NDArray value, String name, String op, Tensor[] inputs, BackwardRule rule, boolean requiresGrad) {
        this.value = value;
        this.name = name;
        this.op = op;
        this.inputs = inputs;
        this.rule = rule;
        this.requiresGrad = requiresGrad;
    }

    /**
     * Returns a variable: a leaf tracked for gradients. The tensor holds {@code value} itself (no
     * copy), so optimizers that update the array in place update the variable.
     */
    public static Tensor var(String name, NDArray value) {
        Objects.requireNonNull(name, "Tensor.var: name is null");
        Objects.requireNonNull(value, "Tensor.var: value is null");
        return new Tensor(value, name, "var", NO_INPUTS, null, true);
    }

    /** Returns a constant: a leaf that takes part in computations but gets no gradient. */
    public static Tensor constant(NDArray value) {
        Objects.requireNonNull(value, "Tensor.constant: value is null");
        return new Tensor(value, null, "constant", NO_INPUTS, null, false);
    }

    /** Returns a scalar constant (shape {@code []}). */
    public static Tensor constant(float value) {
        return constant(NDArray.scalar(value));
    }

    /**
     * Records the result of an op. Used by the op families of this package and by custom ops: the
     * result is tracked, with {@code rule} as its derivative, only when recording is on and an
     * input is tracked.
     *
     * @param op the op's name, used in error messages
     * @param value the op's output
     * @param rule the gradient for each input given the output's gradient
     * @param inputs the op's inputs, in the order {@code rule} numbers them
     * @throws NullPointerException if an argument or an input is null
     * @throws ArithmeticException inside {@link Autograd#detectAnomaly()}, if {@code value} holds a NaN or an infinity
     */
    public static Tensor record(String op, NDArray value, BackwardRule rule, Tensor... inputs) {
        Objects.requireNonNull(op, "Tensor.record: op is null");
        Objects.requireNonNull(value, "Tensor.record: value is null");
        Objects.requireNonNull(rule, "Tensor.record: rule is null");
        Objects.requireNonNull(inputs, "Tensor.record: inputs is null");
        for (int i = 0; i < inputs.length; i++) {
            if (inputs[i] == null) {
                throw new NullPointerException("Tensor.record: input " + i + " of op '" + op + "' is null");
            }
        }
        boolean[] flags = Autograd.flags(); // one per-thread lookup per op
        if (flags[Autograd.ANOMALY]) {
            Anomaly.checkForward(op, value, inputs);
        }
        boolean track = false;
        if (flags[Autograd.RECORDING]) {
            for (Tensor in : inputs) {
                track |= in.requiresGrad;
            }
        }
        return track
                ? new Tensor(value, null, op, inputs.clone(), rule, true)
                : new Tensor(value, null, op, NO_INPUTS, null, false);
    }

    // ---- accessors --------------------------------------------------------------------------

    /** The value of this tensor. */
    public NDArray value() {
        return value;
    }

    /** The shape of the value. */
    public Shape shape() {
        return value.shape();
    }

    /** The only element of a one-element tensor, such as a loss. */
    public float item() {
        return value.item();
    }

    /** The variable's name, or {@code null} for a constant or an op result. */
    public String name() {
        return name;
    }

    /** The name of the op that made this tensor: {@code "var"}, {@code "constant"} or an op such as {@code "matmul"}. */
    public String op() {
        return op;
    }

    /**
     * The recorded inputs of the op that made this tensor (empty for leaves, untracked results, and
     * results whose graph a backward has released).
     */
    public List<Tensor> inputs() {
        return List.of(inputs);
    }

    /** Whether gradients flow to this tensor: true for variables and recorded results that depend on one. */
    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** Returns a constant with the same value, cutting the gradient path. */
    public Tensor detach() {
        return constant(value);
    }

    boolean isVariable() {
        return name != null;
    }

    BackwardRule rule() {
        return rule;
    }

    /** Whether this is a recorded op result whose inputs and rule an earlier backward released. */
    boolean isReleased() {
        return requiresGrad && name == null && rule == null;
    }

    /**
     * Drops the recorded inputs and backward rule, and with them the arrays the rule saved: called
     * by the backward walk once this node's gradient has been passed on. The value stays.
     */
    void release() {
        inputs = NO_INPUTS;
        rule = null;
    }

    Tensor[] inputArray() {
        return inputs;
    }

    // ---- elementwise ------------------------------------------------------------------------

    /** {@code this + other}, broadcast. */
    public Tensor add(Tensor other) {
        return ElementwiseOps.add(this, Objects.requireNonNull(other, "add: other is null"));
    }

    /** {@code this + c}. */
    public Tensor add(float c) {
        return ElementwiseOps.add(this, constant(c));
    }

    /** {@code this - other}, broadcast. */
    public Tensor sub(Tensor other) {
        return ElementwiseOps.sub(this, Objects.requireNonNull(other, "sub: other is null"));
    }

    /** {@code this * other} elementwise, broadcast. */
    public Tensor mul(Tensor other) {
        return ElementwiseOps.mul(this, Objects.requireNonNull(other, "mul: other is null"));
    }

    /** {@code this * c}. */
    public Tensor mul(float c) {
        return ElementwiseOps.mul(this, constant(c));
    }

    /** {@code this / other} elementwise, broadcast. */
    public Tensor div(Tensor other) {
        return ElementwiseOps.div(this, Objects.requireNonNull(other, "div: other is null"));
    }

    /** Elementwise {@code max(this, other)}, broadcast; ties split the gradient equally. */
    public Tensor maximum(Tensor other) {
        return ElementwiseOps.maximum(this, Objects.requireNonNull(other, "maximum: other is null"));
    }

    /** {@code -this}. */
    public Tensor neg() {
        return ElementwiseOps.neg(this);
    }

    /** {@code e^this}. */
    public Tensor exp() {
        return ElementwiseOps.exp(this);
    }

    /** Natural logarithm. */
    public Tensor log() {
        return ElementwiseOps.log(this);
    }

    /** Square root. */
    public Tensor sqrt() {
        return ElementwiseOps.sqrt(this);
    }

    /** {@code |this|}; its gradient is {@code sign(x)}, 0 at 0. */
    public Tensor abs() {
        return ElementwiseOps.abs(this);
    }

    /** {@code this^exponent} elementwise, for a finite float exponent. */
    public Tensor pow(float exponent) {
        return ElementwiseOps.pow(this, exponent);
    }

    // ---- activations ------------------------------------------------------------------------

    /** {@code max(x, 0)}; gradient 0 at 0, as in PyTorch. */
    public Tensor relu() {
        return ActivationOps.relu(this);
    }

    /** The logistic function {@code 1 / (1 + e^-x)}. */
    public Tensor sigmoid() {
        return ActivationOps.sigmoid(this);
    }

    /** Hyperbolic tangent. */
    public Tensor tanh() {
        return ActivationOps.tanh(this);
    }

    /** Exact GELU {@code 0.5 x (1 + erf(x / sqrt 2))} ({@code torch.nn.functional.gelu}, approximate "none"). */
    public Tensor gelu() {
        return ActivationOps.gelu(this, false);
    }

    /**
     * GELU, exact or (with {@code tanhApproximation}) PyTorch's {@code approximate="tanh"} form
     * {@code 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))}.
     */
    public Tensor gelu(boolean tanhApproximation) {
        return ActivationOps.gelu(this, tanhApproximation);
    }

    /** SiLU (swish) {@code x * sigmoid(x)}. */
    public Tensor silu() {
        return ActivationOps.silu(this);
    }

    /**
     * Leaky ReLU {@code x > 0 ? x : slope * x} (PyTorch's default slope is 0.01); gradient
     * {@code slope} at 0.
     *
     * @throws IllegalArgumentException if the slope is not finite
     */
    public Tensor leakyRelu(float slope) {
        return ActivationOps.leakyRelu(this, slope);
    }

    /**
     * Softplus {@code log(1 + e^{beta x}) / beta}, and {@code x} itself where {@code beta x > threshold}
     * (PyTorch's defaults: beta 1, threshold 20).
     *
     * @throws IllegalArgumentException if beta is not positive and finite or the threshold is NaN
     */
    public Tensor softplus(float beta, float threshold) {
        return ActivationOps.softplus(this, beta, threshold);
    }

    /**
     * ELU {@code x > 0 ? x : alpha (e^x - 1)} (PyTorch's default alpha is 1).
     *
     * @throws IllegalArgumentException if alpha is not finite
     */
    public Tensor elu(float alpha) {
        return ActivationOps.elu(this, alpha);
    }

    /**
     * Clamps every element into {@code [min, max]} ({@code torch.clamp}); a null bound leaves that
     * side open. The gradient is 1 where {@code min <= x <= max} and 0 outside, as PyTorch.
     *
     * @throws IllegalArgumentException if both bounds are null, a bound is NaN, or {@code min > max}
     */
    public Tensor clamp(Float min, Float max) {
        return ActivationOps.clamp(this, min, max);
    }

    /** Softmax along {@code axis} (negative counts from the end); finite for any finite input. */
    public Tensor softmax(int axis) {
        return ActivationOps.softmax(this, axis);
    }

    /** Log-softmax along {@code axis}: {@code x - logsumexp(x)}, finite for any finite input. */
    public Tensor logSoftmax(int axis) {
        return ActivationOps.logSoftmax(this, axis);
    }

    // ---- pooling and normalisation ----

    /**
     * 2-D max pooling ({@code torch.nn.functional.max_pool2d}, no dilation, floor output size):
     * this {@code [N, C, H, W]} or {@code [C, H, W]}; output {@code [N, C, oh, ow]} with
     * {@code oh = (H + 2 ph - kh) / sh + 1}, likewise ow. Padding acts as {@code -inf}; the gradient
     * goes to each window's maximum, summed over overlapping windows.
     *
     * @param kernel {@code [kh, kw]}
     * @param stride {@code [sh, sw]}, or null for the kernel size
     * @param padding {@code [ph, pw]}, at most half the kernel, or null for none
     * @throws IllegalArgumentException for a wrong rank, a non-positive kernel or stride, padding
     *     outside {@code [0, kernel / 2]}, or a kernel larger than the padded input
     */
    public Tensor maxPool2d(int[] kernel, int[] stride, int[] padding) {
        return PoolOps.maxPool2d(this, kernel, stride, padding);
    }

    /**
     * 2-D max pooling with a square {@code kernel}, stride = kernel and no padding.
     *
     * @throws IllegalArgumentException as {@link #maxPool2d(int[], int[], int[])}
     */
    public Tensor maxPool2d(int kernel) {
        return PoolOps.maxPool2d(this, new int[] {kernel, kernel}, null, null);
    }

    /**
     * 2-D average pooling ({@code torch.nn.functional.avg_pool2d}, floor output size, zero padding):
     * shapes as {@link #maxPool2d(int[], int[], int[])}. Each output divides its window's sum by
     * {@code kh * kw} if {@code countIncludePad}, else by the number of input elements in the window.
     *
     * @param kernel {@code [kh, kw]}
     * @param stride {@code [sh, sw]}, or null for the kernel size
     * @param padding {@code [ph, pw]}, at most half the kernel, or null for none
     * @param countIncludePad whether padding counts in the divisor (PyTorch's default: true)
     * @throws IllegalArgumentException as {@link #maxPool2d(int[], int[], int[])}
     */
    public Tensor avgPool2d(int[] kernel, int[] stride, int[] padding, boolean countIncludePad) {
        return PoolOps.avgPool2d(this, kernel, stride, padding, countIncludePad);
    }

    /**
     * 2-D average pooling with a square {@code kernel}, stride = kernel, no padding.
     *
     * @throws IllegalArgumentException as {@link #maxPool2d(int[], int[], int[])}
     */
    public Tensor avgPool2d(int kernel) {
        return PoolOps.avgPool2d(this, new int[] {kernel, kernel}, null, null, true);
    }

    /**
     * Adaptive average pooling ({@code torch.nn.functional.adaptive_avg_pool2d}): this
     * {@code [N, C, H, W]} or {@code [C, H, W]} to {@code [.., outH, outW]}; output row i averages
     * input rows {@code [floor(i H / outH), ceil((i + 1) H / outH))}, columns likewise, so windows
     * overlap when the sizes do not divide and the output may be larger than the input.
     *
     * @throws IllegalArgumentException for a wrong rank, an empty input plane or a non-positive output size
     */
    public Tensor adaptiveAvgPool2d(int outH, int outW) {
        return PoolOps.adaptiveAvgPool2d(this, outH, outW);
    }

    /**
     * Merges dims {@code startDim..endDim} (inclusive, negative counts from the end) into one, as
     * {@code torch.flatten}: {@code [2, 3, 4].flatten(1, -1)} is {@code [2, 12]}; a scalar becomes
     * {@code [1]}. When the range is a single dim the result is this tensor.
     *
     * @throws IllegalArgumentException if a dim is out of range or {@code startDim} comes after {@code endDim}
     */
    public Tensor flatten(int startDim, int endDim) {
        return PoolOps.flatten(this, startDim, endDim);
    }

    /**
     * Batch normalisation ({@code torch.nn.functional.batch_norm}) over channels on dim 1 of this
     * {@code [N, C]}, {@code [N, C, L]} or {@code [N, C, H, W]}:
     * {@code y = (x - mean) / sqrt(var + eps) * weight + bias}. In training, mean and biased
     * variance are the batch's, over every dim but 1, and gradients flow through them; if the
     * running statistics are given they are updated in place:
     * {@code running = (1 - momentum) running + momentum stat}, with the unbiased variance
     * {@code var n / (n - 1)}. In evaluation the running statistics are used (and not updated);
     * they get no gradient.
     *
     * @param weight {@code [C]}, or null for 1 (affine = false)
     * @param bias {@code [C]}, or null for 0
     * @param runningMean {@code [C]}, or null (then also runningVar; training only)
     * @param runningVar {@code [C]}, or null
     * @param training whether to normalise with batch statistics
     * @param momentum the running-statistics update factor (PyTorch's default 0.1)
     * @param eps added to the variance (PyTorch's default 1e-5)
     * @throws IllegalArgumentException for a rank below 2, a parameter not {@code [C]}, a training
     *     batch with one value per channel, missing running statistics in evaluation, or a
     *     negative or non-finite eps or momentum
     */
    public Tensor batchNorm(Tensor weight, Tensor bias, NDArray runningMean, NDArray runningVar,
                            boolean training, float momentum, float eps) {
        return NormOps.batchNorm(this, weight, bias, runningMean, runningVar, training, momentum, eps);
    }

    /**
     * Inverted dropout: in training each element is kept with probability {@code 1 - p} and scaled
     * by {@code 1 / (1 - p)}, else zeroed. The mask draws one {@code random.nextFloat()} per
     * element in row-major order and keeps the element when the draw is {@code >= p}, so a seeded
     * generator repeats a run exactly. When not training or {@code p == 0} the result is this
     * tensor itself and nothing is drawn; {@code p == 1} gives zeros (nothing drawn). The gradient
     * is {@code upstream * mask * scale}.
     *
     * @throws IllegalArgumentException if {@code p} is outside {@code [0, 1]}
     * @throws NullPointerException if {@code random} is null
     */
    public Tensor dropout(float p, boolean training, RandomGenerator random) {
        return DropoutOps.dropout(this, p, training, random);
    }

    // ---- linear algebra ---------------------------------------------------------------------

    /**
     * Matrix product as {@code torch.matmul}: {@code [m, k] @ [k, n]}, {@code [b, m, k] @ [b, k, n]},
     * {@code [b, m, k] @ [k, n]}.
     */
    public Tensor matmul(Tensor other) {
        return LinalgOps.matmul(this, Objects.requireNonNull(other, "matmul: other is null"));
    }

    /**
     * The affine map {@code this Wᵀ + b}: this {@code [batch, in]} (or any leading dims),
     * weight {@code [out, in]}, bias {@code [out]} or {@code null}; result {@code [batch, out]}.
     */
    public Tensor linear(Tensor weight, Tensor bias) {
        return LinalgOps.linear(this, Objects.requireNonNull(weight, "linear: weight is null"), bias);
    }

    // ---- sequence layers ----

    /**
     * Layer normalisation over the trailing dims {@code normalizedShape} (usually the last one or
     * two) as {@code torch.nn.functional.layer_norm}: {@code (x - mean) / sqrt(var + eps) * weight + bias}
     * with the mean and biased variance of each group. Weight and bias have shape
     * {@code normalizedShape}; either may be {@code null} (no scaling / no shift). Result: this shape.
     *
     * @param normalizedShape the trailing dims to normalise over, such as {@code {embed}}
     * @param weight the scale {@code normalizedShape}, or null
     * @param bias the shift {@code normalizedShape}, or null
     * @param eps added to the variance, {@code >= 0} (PyTorch's default is {@code 1e-5})
     * @return the normalised tensor, of this shape
     * @throws IllegalArgumentException if the trailing dims differ from {@code normalizedShape}, an
     *     affine tensor has another shape, or {@code eps} is negative or not finite
     */
    public Tensor layerNorm(int[] normalizedShape, Tensor weight, Tensor bias, float eps) {
        return SequenceOps.layerNorm(this, normalizedShape, weight, bias, eps);
    }

    /**
     * Looks up rows of this embedding table {@code [V, D]}: the result {@code ids.shape + [D]} holds
     * row {@code ids[...]} for every id. Repeated ids add up in the table's gradient.
     *
     * @param ids token ids in {@code [0, V)}, any shape
     * @return the embedded ids, {@code ids.shape + [D]}
     * @throws IllegalArgumentException if this is not 2-D or an id is negative or {@code >= V}
     */
    public Tensor embedding(IntArray ids) {
        return SequenceOps.embedding(this, ids, null);
    }

    /**
     * As {@link #embedding(IntArray)}, with {@code paddingIdx} (null = none; negative counts from
     * {@code V}, as in PyTorch): that row is looked up as stored but gets gradient 0.
     *
     * @param ids token ids in {@code [0, V)}, any shape
     * @param paddingIdx the row that receives no gradient, or null
     * @return the embedded ids, {@code ids.shape + [D]}
     * @throws IllegalArgumentException if this is not 2-D, an id is negative or {@code >= V}, or
     *     {@code paddingIdx} is outside {@code [-V, V)}
     */
    public Tensor embedding(IntArray ids, Integer paddingIdx) {
        return SequenceOps.embedding(this, ids, paddingIdx);
    }

    /**
     * Fused scaled dot-product attention: {@code softmax(q kᵀ * scale + mask) v} for q
     * {@code [B, H, T, D]}, k {@code [B, H, S, D]}, v {@code [B, H, S, Dv]}; result {@code [B, H, T, Dv]}.
     * The softmax probabilities are kept for the backward.
     *
     * <p>Mask convention (as {@code nn.MultiheadAttention}'s boolean {@code attn_mask} and
     * {@code masked_fill}, not as PyTorch 2's {@code F.scaled_dot_product_attention}): a
     * <b>nonzero</b> entry of {@code maskedOut} means query t does <b>not</b> attend key s; 0 means
     * it does. {@code maskedOut} is {@code [T, S]} or any shape that broadcasts to
     * {@code [B, H, T, S]}, or null. {@code causal} additionally masks every key {@code s > t}.
     * A query row whose keys are all masked gets output 0 and passes gradient 0 (PyTorch gives NaN).
     *
     * @param q queries {@code [B, H, T, D]}
     * @param k keys {@code [B, H, S, D]}
     * @param v values {@code [B, H, S, Dv]}
     * @param maskedOut nonzero = not attended, broadcastable to {@code [B, H, T, S]}; or null
     * @param causal whether query t attends only keys {@code s <= t}
     * @param scale the factor on the scores, or null for {@code 1/sqrt(D)}
     * @return the attention output {@code [B, H, T, Dv]}
     * @throws IllegalArgumentException if the ranks, batch/head dims, head dims {@code D} or key
     *     counts differ, the mask does not broadcast to the scores, or the scale is not finite
     */
    public static Tensor scaledDotProductAttention(Tensor q, Tensor k, Tensor v, IntArray maskedOut,
                                                   boolean causal, Float scale) {
        return SequenceOps.attention(q, k, v, maskedOut, causal, scale);
    }

    /**
     * Multi-head self-attention straight from a packed projection: {@code qkv [B, T, 3E]} holds
     * per position the E query, E key and E value features (as {@code x W_inᵀ + b_in} of
     * {@code nn.MultiheadAttention}), each split into {@code heads} heads; the result is the
     * heads' {@code softmax(q kᵀ / sqrt(E / heads) [+ causal mask]) v} concatenated,
     * {@code [B, T, E]}. Equals splitting the heads, {@link #scaledDotProductAttention} and merging
     * them, without materialising the transposes.
     *
     * @param qkv the packed projection {@code [B, T, 3E]}
     * @param heads the number of heads; must divide E
     * @param causal whether query t attends only keys {@code s <= t}
     * @return the attended values {@code [B, T, E]}
     * @throws IllegalArgumentException if qkv is not {@code [B, T, 3E]} with E divisible by heads
     */
    public static Tensor packedSelfAttention(Tensor qkv, int heads, boolean causal) {
        return SequenceOps.packedSelfAttention(qkv, heads, causal);
    }

    // ---- shape --------------------------------------------------------------------------------

    /** Exchanges dimensions {@code dim0} and {@code dim1} (negative counts from the end). */
    public Tensor transpose(int dim0, int dim1) {
        return ShapeOps.transpose(this, dim0, dim1);
    }

    /** The same elements with new dimensions; one may be {@code -1} and is inferred. */
    public Tensor reshape(int... dims) {
        return ShapeOps.reshape(this, Objects.requireNonNull(dims, "reshape: dims is null"));
    }

    /**
     * Reorders the dimensions: dimension i of the result is dimension {@code dims[i]} of this
     * ({@code torch.permute}; negative dims count from the end). The result is contiguous.
     *
     * @throws IllegalArgumentException if dims is not a permutation of this tensor's dimensions
     */
    public Tensor permute(int... dims) {
        return ShapeOps.permute(this, Objects.requireNonNull(dims, "permute: dims is null"));
    }

    /**
     * Removes dimension {@code dim} if its size is 1; as {@code torch.squeeze(dim)}, a dimension
     * of another size is left alone (the result has this tensor's shape).
     *
     * @throws IllegalArgumentException if dim is out of range
     */
    public Tensor squeeze(int dim) {
        return ShapeOps.squeeze(this, dim);
    }

    /**
     * Inserts a dimension of size 1 at {@code dim}, in {@code [-(rank+1), rank]} ({@code torch.unsqueeze}).
     *
     * @throws IllegalArgumentException if dim is out of range
     */
    public Tensor unsqueeze(int dim) {
        return ShapeOps.unsqueeze(this, dim);
    }

    /**
     * Returns elements {@code [start, start + length)} along {@code dim} ({@code torch.narrow}), as
     * a contiguous tensor.
     *
     * @throws IllegalArgumentException if dim is out of range or the slice leaves the dimension
     */
    public Tensor narrow(int dim, int start, int length) {
        return ShapeOps.narrow(this, dim, start, length);
    }

    /**
     * Selects slices along {@code dim} at the positions of a 1-D {@code index} ({@code torch.index_select});
     * repeats are allowed and their gradients add up. Shape: dim becomes {@code index.size()} long.
     *
     * @throws IllegalArgumentException if dim is out of range, the index is not 1-D or an index is outside the dimension
     */
    public Tensor indexSelect(int dim, IntArray index) {
        return IndexOps.indexSelect(this, dim, Objects.requireNonNull(index, "indexSelect: index is null"));
    }

    /**
     * {@code torch.gather}: {@code out[i][j] = x[index[i][j]][j]} for dim 0, {@code x[i][index[i][j]]}
     * for dim 1, and so on. The index has this tensor's rank, {@code index.shape[d] <= shape[d]}
     * for {@code d != dim}; the result has the index's shape.
     *
     * @throws IllegalArgumentException if the ranks differ, an index dimension is too long or an index is out of range
     */
    public Tensor gather(int dim, IntArray index) {
        return IndexOps.gather(this, dim, Objects.requireNonNull(index, "gather: index is null"));
    }

    /**
     * Returns this tensor with {@code value} wherever the 0/1 {@code mask} (broadcastable to this
     * shape) is 1 ({@code masked_fill}); no gradient flows through the filled positions.
     *
     * @throws IllegalArgumentException if the mask does not broadcast to this shape or holds a value other than 0 or 1
     */
    public Tensor maskedFill(IntArray mask, float value) {
        return IndexOps.maskedFill(this, Objects.requireNonNull(mask, "maskedFill: mask is null"), value);
    }

    /**
     * Concatenates tensors along {@code dim} ({@code torch.cat}); they share their rank (at least 1)
     * and every other dimension.
     *
     * @throws IllegalArgumentException if there are no tensors, dim is out of range or the shapes differ off dim
     */
    public static Tensor cat(int dim, Tensor... xs) {
        return ShapeOps.cat(dim, xs);
    }

    /** {@link #cat(int, Tensor...)} of a list. */
    public static Tensor cat(int dim, List<Tensor> xs) {
        return ShapeOps.cat(dim, Objects.requireNonNull(xs, "cat: tensors are null").toArray(new Tensor[0]));
    }

    /**
     * Stacks tensors of one shape along a new dimension {@code dim} in {@code [-(rank+1), rank]}
     * ({@code torch.stack}).
     *
     * @throws IllegalArgumentException if there are no tensors, the shapes differ or dim is out of range
     */
    public static Tensor stack(int dim, Tensor... xs) {
        return ShapeOps.stack(dim, xs);
    }

    /** {@link #stack(int, Tensor...)} of a list. */
    public static Tensor stack(int dim, List<Tensor> xs) {
        return ShapeOps.stack(dim, Objects.requireNonNull(xs, "stack: tensors are null").toArray(new Tensor[0]));
    }

    /**
     * Selects elementwise {@code cond != 0 ? a : b} ({@code torch.where}); the 0/1 condition, a and b
     * broadcast together (NumPy rules). Gradients flow to a where the condition is 1, to b elsewhere.
     *
     * @throws IllegalArgumentException if the shapes cannot be broadcast or cond holds a value other than 0 or 1
     */
    public static Tensor where(IntArray cond, Tensor a, Tensor b) {
        return IndexOps.where(Objects.requireNonNull(cond, "where: condition is null"),
                Objects.requireNonNull(a, "where: a is null"), Objects.requireNonNull(b, "where: b is null"));
    }

    // ---- reductions ---------------------------------------------------------------------------

    /** Sum of all elements, a scalar. */
    public Tensor sum() {
        return ReduceOps.sum(this, null, false);
    }

    /** Sum over {@code axes} (negative allowed); with {@code keepDim} the reduced axes stay as size 1. */
    public Tensor sum(int[] axes, boolean keepDim) {
        return ReduceOps.sum(this, axes, keepDim);
    }

    /** Mean of all elements, a scalar. */
    public Tensor mean() {
        return ReduceOps.mean(this, null, false);
    }

    /** Mean over {@code axes}; see {@link #sum(int[], boolean)}. */
    public Tensor mean(int[] axes, boolean keepDim) {
        return ReduceOps.mean(this, axes, keepDim);
    }

    /** Maximum of all elements, a scalar. */
    public Tensor max() {
        return ReduceOps.max(this, null, false);
    }

    /** Maximum over {@code axes} ({@code torch.amax}); tied maxima share the gradient equally. */
    public Tensor max(int[] axes, boolean keepDim) {
        return ReduceOps.max(this, axes, keepDim);
    }

    /** Minimum of all elements, a scalar. */
    public Tensor min() {
        return ReduceOps.min(this, null, false);
    }

    /** Minimum over {@code axes} ({@code torch.amin}); tied minima share the gradient equally. */
    public Tensor min(int[] axes, boolean keepDim) {
        return ReduceOps.min(this, axes, keepDim);
    }

    /**
     * Variance over {@code axes} ({@code null}: all) with divisor {@code n - correction} (0: biased,
     * 1: unbiased, as {@code torch.var(correction=)}), computed in two passes in double.
     *
     * @throws IllegalArgumentException if correction is negative or not smaller than the number of reduced elements
     */
    public Tensor var(int[] axes, int correction, boolean keepDim) {
        return ReduceOps.var(this, axes, correction, keepDim);
    }

    /**
     * Standard deviation, the square root of {@link #var(int[], int, boolean)}; its gradient is 0
     * where the deviation is 0, as PyTorch.
     *
     * @throws IllegalArgumentException if correction is negative or not smaller than the number of reduced elements
     */
    public Tensor std(int[] axes, int correction, boolean keepDim) {
        return ReduceOps.std(this, axes, correction, keepDim);
    }

    /** {@code log(sum(exp(x)))} over {@code axes} ({@code null}: all), stable for any finite input. */
    public Tensor logSumExp(int[] axes, boolean keepDim) {
        return ReduceOps.logSumExp(this, axes, keepDim);
    }

    // ---- convolution ----------------------------------------------------------------------------

    /**
     * 2-D convolution as PyTorch's {@code conv2d} (cross-correlation, zero padding on both sides):
     * this {@code [N, C, H, W]}, weight {@code [O, C/groups, kh, kw]}, bias {@code [O]} or
     * {@code null}; result {@code [N, O, H', W']} with
     * {@code H' = floor((H + 2 ph - dh (kh - 1) - 1) / sh) + 1} and likewise {@code W'}. Output
     * channel o reads the input channels of group {@code o / (O/groups)}.
     *
     * @param weight the kernels {@code [O, C/groups, kh, kw]}
     * @param bias {@code [O]}, or {@code null} for none
     * @param stride {@code [sh, sw]}, positive
     * @param padding {@code [ph, pw]}, non-negative
     * @param dilation {@code [dh, dw]}, positive
     * @param groups divides C and O
     * @return the output {@code [N, O, H', W']}
     * @throws IllegalArgumentException if a shape or hyperparameter is invalid, or the dilated kernel
     *     is larger than the padded input
     * @throws NullPointerException if weight, stride, padding or dilation is null
     */
    public Tensor conv2d(Tensor weight, Tensor bias, int[] stride, int[] padding, int[] dilation, int groups) {
        return ConvOps.conv2d(this, weight, bias, stride, padding, dilation, groups);
    }

    /**
     * 2-D convolution with stride 1, no padding, dilation 1 and one group: this {@code [N, C, H, W]},
     * weight {@code [O, C, kh, kw]}, bias {@code [O]} or {@code null}; result
     * {@code [N, O, H - kh + 1, W - kw + 1]}. See {@link #conv2d(Tensor, Tensor, int[], int[], int[], int)}.
     *
     * @param weight the kernels {@code [O, C, kh, kw]}
     * @param bias {@code [O]}, or {@code null} for none
     * @return the output {@code [N, O, H', W']}
     * @throws IllegalArgumentException if a shape is invalid or the kernel is larger than the input
     */
    public Tensor conv2d(Tensor weight, Tensor bias) {
        return ConvOps.conv2d(this, weight, bias, new int[] {1, 1}, new int[] {0, 0}, new int[] {1, 1}, 1);
    }

    /**
     * 1-D convolution as PyTorch's {@code conv1d}: this {@code [N, C, L]}, weight
     * {@code [O, C/groups, K]}, bias {@code [O]} or {@code null}; result {@code [N, O, L']} with
     * {@code L' = floor((L + 2 padding - dilation (K - 1) - 1) / stride) + 1}.
     *
     * @param weight the kernels {@code [O, C/groups, K]}
     * @param bias {@code [O]}, or {@code null} for none
     * @param stride positive
     * @param padding non-negative, zeros on both sides
     * @param dilation positive
     * @param groups divides C and O
     * @return the output {@code [N, O, L']}
     * @throws IllegalArgumentException if a shape or hyperparameter is invalid, or the dilated kernel
     *     is larger than the padded input
     * @throws NullPointerException if weight is null
     */
    public Tensor conv1d(Tensor weight, Tensor bias, int stride, int padding, int dilation, int groups) {
        return ConvOps.conv1d(this, weight, bias, stride, padding, dilation, groups);
    }

    /**
     * 1-D convolution with stride 1, no padding, dilation 1 and one group: this {@code [N, C, L]},
     * weight {@code [O, C, K]}, bias {@code [O]} or {@code null}; result {@code [N, O, L - K + 1]}.
     *
     * @param weight the kernels {@code [O, C, K]}
     * @param bias {@code [O]}, or {@code null} for none
     * @return the output {@code [N, O, L']}
     * @throws IllegalArgumentException if a shape is invalid or the kernel is longer than the input
     */
    public Tensor conv1d(Tensor weight, Tensor bias) {
        return ConvOps.conv1d(this, weight, bias, 1, 0, 1, 1);
    }

    // ---- backward -----------------------------------------------------------------------------

    /**
     * Computes the gradient of this scalar with respect to every variable it depends on, then
     * releases the recorded graph behind it (as PyTorch's default {@code retain_graph=False}): each
     * op's saved arrays are dropped as soon as its gradient has been passed on, so memory is
     * returned during the walk. Values of tensors you hold stay readable.
     *
     * @return the gradient of every variable this tensor depends on
     * @throws IllegalArgumentException if this tensor has more than one element, depends on no
     *     variable, or its graph was released by an earlier backward
     */
    public Gradients backward() {
        if (value.size() != 1) {
            throw new IllegalArgumentException("backward: output must have one element, got shape "
                    + shape() + "; pass an upstream gradient with backward(NDArray)");
        }
        return Tape.backward(this, NDArray.full(1f, shape().toArray()), false);
    }

    /**
     * Computes the gradients of {@code sum(this * upstream)}: backward seeded with {@code upstream},
     * which must have this tensor's shape; then releases the graph, as {@link #backward()} does.
     *
     * @param upstream the gradient of some scalar with respect to this tensor, of this tensor's shape
     * @return the gradient of every variable this tensor depends on
     * @throws IllegalArgumentException if the shapes differ, this tensor depends on no variable, or
     *     its graph was released by an earlier backward
     */
    public Gradients backward(NDArray upstream) {
        return backward(upstream, false);
    }

    /**
     * As {@link #backward(NDArray)}; with {@code retainGraph} the recorded graph is kept, so that
     * backward can run through it again (PyTorch's {@code retain_graph=True}).
     *
     * @param upstream the gradient of some scalar with respect to this tensor, of this tensor's shape
     * @param retainGraph keep the graph for another backward instead of releasing it
     * @return the gradient of every variable this tensor depends on
     * @throws IllegalArgumentException if the shapes differ, this tensor depends on no variable, or
     *     its graph was released by an earlier backward
     */
    public Gradients backward(NDArray upstream, boolean retainGraph) {
        Objects.requireNonNull(upstream, "backward: upstream is null");
        if (!upstream.shape().equals(shape())) {
            throw new IllegalArgumentException("backward: upstream shape " + upstream.shape()
                    + " differs from output shape " + shape());
        }
        return Tape.backward(this, upstream, retainGraph);
    }

    /** Describes the tensor: {@code Tensor[w, var, [2, 3]]}. */
    @Override
    public String toString() {
        return "Tensor[" + (name != null ? name + ", " : "") + op + ", " + shape() + "]";
    }
}
