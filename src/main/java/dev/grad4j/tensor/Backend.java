package dev.grad4j.tensor;

/**
 * The numeric operations on {@link NDArray}s. Every method validates its arguments and throws an
 * {@link IllegalArgumentException} naming the operation and the shapes (or, for a null array, a
 * {@link NullPointerException} naming the operation); the in-place updates also reject non-finite
 * hyperparameters, so a bad call never leaves a half-updated or NaN-filled array. Results are new
 * arrays unless the method says it updates an argument in place.
 *
 * <p>{@link #cpu()} returns the implementation on primitive float arrays. Autograd and the layers
 * above it compute only through this interface, so another backend can be added without
 * changing them.
 */
public interface Backend {

    /** Returns the CPU backend, shared by all threads. */
    static Backend cpu() {
        return CpuBackend.INSTANCE;
    }

    // ---- elementwise ------------------------------------------------------------------------

    /** Applies {@code op} to every element. */
    NDArray unary(UnaryOp op, NDArray x);

    /**
     * Returns {@code grad * op'(x)}, the backward of {@link #unary}; {@code y} is the forward
     * output {@code op(x)}, which some rules use instead of {@code x}. All three have one shape.
     */
    NDArray unaryBackward(UnaryOp op, NDArray grad, NDArray x, NDArray y);

    /** Returns {@code x^exponent} elementwise. */
    NDArray pow(NDArray x, float exponent);

    /** Returns {@code grad * exponent * x^(exponent-1)}, the backward of {@link #pow}. */
    NDArray powBackward(NDArray grad, NDArray x, float exponent);

    /**
     * Applies {@code op} to {@code a} and {@code b} broadcast together (NumPy rules).
     *
     * @throws IllegalArgumentException if the shapes cannot be broadcast
     */
    NDArray binary(BinaryOp op, NDArray a, NDArray b);

    /** Returns {@code x * s} elementwise. */
    NDArray scale(NDArray x, float s);

    // ---- shape --------------------------------------------------------------------------------

    /**
     * Returns the contiguous array with dimensions {@code dim0} and {@code dim1} exchanged
     * (negative dims count from the end).
     */
    NDArray transpose(NDArray x, int dim0, int dim1);

    /**
     * Returns {@code x} repeated along its size-1 and missing leading dimensions to {@code shape}.
     *
     * @throws IllegalArgumentException if {@code x} does not broadcast to {@code shape}
     */
    NDArray broadcastTo(NDArray x, Shape shape);

    /**
     * Sums {@code x} over the dimensions along which {@code shape} was broadcast to {@code x}'s
     * shape: the adjoint of {@link #broadcastTo}. When the shapes are already equal it may return
     * {@code x} itself rather than a copy.
     *
     * @throws IllegalArgumentException if {@code shape} does not broadcast to {@code x}'s shape
     */
    NDArray sumTo(NDArray x, Shape shape);

    // ---- reductions ---------------------------------------------------------------------------

    /**
     * Sums over {@code axes} (negative allowed; {@code null} or empty means all axes). With
     * {@code keepDim} the reduced axes stay as size 1.
     */
    NDArray sum(NDArray x, int[] axes, boolean keepDim);

    /** Mean over {@code axes}; see {@link #sum} for the meaning of the arguments. */
    NDArray mean(NDArray x, int[] axes, boolean keepDim);

    /** Maximum over {@code axes}; see {@link #sum}. Reducing an empty group is an error. */
    NDArray max(NDArray x, int[] axes, boolean keepDim);

    /** Softmax along {@code axis}, stable for any finite input. */
    NDArray softmax(NDArray x, int axis);

    /** Backward of {@link #softmax}: {@code y * (grad - sum(grad * y, axis))}, where y is its output. */
    NDArray softmaxBackward(NDArray grad, NDArray y, int axis);

    /** Log-softmax along {@code axis}, stable for any finite input. */
    NDArray logSoftmax(NDArray x, int axis);

    /** Backward of {@link #logSoftmax}: {@code grad - exp(y) * sum(grad, axis)}, where y is its output. */
    NDArray logSoftmaxBackward(NDArray grad, NDArray y, int axis);

    // ---- linear algebra ---------------------------------------------------------------------

    /**
     * Matrix product as {@code torch.matmul} for 2-D and 3-D operands: {@code [m, k] @ [k, n]},
     * {@code [b, m, k] @ [b, k, n]} and {@code [b, m, k] @ [k, n]} (and {@code [m, k] @ [b, k, n]}).
     *
     * @throws IllegalArgumentException if a rank is not 2 or 3, inner dimensions or batch sizes differ
     */
    default NDArray matmul(NDArray a, NDArray b) {
        return matmul(a, false, b, false);
    }

    /**
     * Like {@link #matmul(NDArray, NDArray)}, with the last two dimensions of {@code a} and/or
     * {@code b} read transposed without materialising the transpose.
     */
    NDArray matmul(NDArray a, boolean transposeA, NDArray b, boolean transposeB);

    /**
     * The affine map {@code x Wᵀ + b}: x {@code [..., in]}, weight {@code [out, in]}, bias
     * {@code [out]} or {@code null}; result {@code [..., out]}.
     */
    NDArray linear(NDArray x, NDArray weight, NDArray bias);

    // ---- in-place updates -------------------------------------------------------------------

    /**
     * Copies {@code source} into {@code target} in place.
     *
     * @throws IllegalArgumentException if the shapes differ
     */
    void assign(NDArray target, NDArray source);

    /** Multiplies every element of {@code x} by {@code s} in place (gradient clipping). */
    void scaleInPlace(NDArray x, float s);

    /**
     * One SGD update of {@code param} in place (torch.optim.SGD): {@code d = g + wd*p}; with momentum
     * {@code buf = first ? d : momentum*buf + (1-dampening)*d} and {@code d = nesterov ? d + momentum*buf : buf};
     * then {@code p -= lr*d}. {@code buffer} (updated in place) is ignored when momentum is 0.
     */
    void sgdStep(NDArray param, NDArray grad, NDArray buffer, boolean first,
                 float lr, float momentum, float dampening, boolean nesterov, float weightDecay);

    /**
     * One Adam/AdamW update of {@code param} in place (torch.optim rules, step {@code t} from 1).
     * With {@code decoupled} the weight decay is AdamW's {@code p *= 1 - lr*wd}, otherwise Adam's
     * {@code g += wd*p}. {@code m}, {@code v} and, for AMSGrad, {@code vMax} (else {@code null})
     * are updated in place.
     */
    void adamStep(NDArray param, NDArray grad, NDArray m, NDArray v, NDArray vMax, int t,
                  float lr, float beta1, float beta2, float eps, float weightDecay, boolean decoupled);

    // ---- sequence layers ----------------------------------------------------------------------

    /**
     * The result of {@link #layerNorm}: the normalised output (shape of x) and, per normalised
     * row (x's leading dims), the mean and {@code 1/sqrt(var + eps)} that the backward reuses.
     *
     * @param output the normalised, affine-transformed input
     * @param mean the mean of each row
     * @param invStd the inverse standard deviation of each row
     */
    record LayerNormResult(NDArray output, NDArray mean, NDArray invStd) {
    }

    /**
     * The gradients of {@link #layerNormBackward}.
     *
     * @param input the gradient of x
     * @param weight the gradient of the weight (shape {@code normalizedShape})
     * @param bias the gradient of the bias (shape {@code normalizedShape})
     */
    record LayerNormGradients(NDArray input, NDArray weight, NDArray bias) {
    }

    /**
     * Layer normalisation over the trailing dims {@code normalizedShape} of x:
     * {@code y = (x - mean) / sqrt(var + eps) * weight + bias} with the mean and biased variance of
     * each row; {@code weight} and {@code bias} (shape {@code normalizedShape}) may each be null.
     *
     * @throws IllegalArgumentException if x's trailing dims differ from {@code normalizedShape}, an
     *     affine array has another shape, or {@code eps} is negative or not finite
     */
    LayerNormResult layerNorm(NDArray x, int[] normalizedShape, NDArray weight, NDArray bias, float eps);

    /**
     * Backward of {@link #layerNorm} given the saved {@code mean} and {@code invStd}: the
     * gradients of x, of the weight and of the bias ({@code weight} may be null = no scaling).
     * The weight and bias gradients sum over rows in row order.
     *
     * @throws IllegalArgumentException if the shapes do not fit together
     */
    LayerNormGradients layerNormBackward(NDArray grad, NDArray x, NDArray mean, NDArray invStd, NDArray weight);

    /**
     * The result of {@link #attention}: the output {@code [..., T, Dv]} and the softmax
     * probabilities {@code [..., T, S]} that the backward reuses.
     *
     * @param output the attention output
     * @param probs the attention probabilities, exactly 0 where masked
     */
    record AttentionResult(NDArray output, NDArray probs) {
    }

    /**
     * The gradients of {@link #attentionBackward}.
     *
     * @param q the gradient of the queries
     * @param k the gradient of the keys
     * @param v the gradient of the values
     */
    record AttentionGradients(NDArray q, NDArray k, NDArray v) {
    }

    /**
     * Scaled dot-product attention {@code softmax(q kᵀ scale) v} for q {@code [..., T, D]}, k
     * {@code [..., S, D]}, v {@code [..., S, Dv]} with equal leading dims (typically
     * {@code [B, H]}). {@code maskedOut} (or null) broadcasts to {@code [..., T, S]}; a nonzero
     * entry means query t does NOT attend key s. {@code causal} also masks {@code s > t}. A query
     * whose keys are all masked gets probabilities 0 and output 0.
     *
     * @throws IllegalArgumentException if the ranks, leading dims, head dims or key counts differ,
     *     the mask does not broadcast, or {@code scale} is not finite
     */
    AttentionResult attention(NDArray q, NDArray k, NDArray v, IntArray maskedOut, boolean causal, float scale);

    /**
     * Backward of {@link #attention} from the saved probabilities:
     * {@code dV = Pᵀ dO}, {@code dS = P (dO Vᵀ - rowsum(dO Vᵀ P)) scale}, {@code dQ = dS K},
     * {@code dK = dSᵀ Q}.
     *
     * @throws IllegalArgumentException if the shapes do not fit together
     */
    AttentionGradients attentionBackward(NDArray grad, NDArray q, NDArray k, NDArray v, NDArray probs, float scale);

    /**
     * Embedding lookup: row {@code ids[i]} of {@code weight [V, D]} for every id; shape
     * {@code ids.shape + [D]}.
     *
     * @throws IllegalArgumentException if the weight is not 2-D or an id is outside {@code [0, V)}
     */
    NDArray embedding(NDArray weight, IntArray ids);

    /**
     * Backward of {@link #embedding}: the {@code [V, D]} sum of the gradient rows of each id,
     * added in id order; the {@code paddingIdx} row (null = none) gets 0.
     *
     * @throws IllegalArgumentException if the shapes do not fit or an id or {@code paddingIdx} is outside {@code [0, V)}
     */
    NDArray embeddingBackward(NDArray grad, IntArray ids, int numEmbeddings, Integer paddingIdx);

    /**
     * The result of {@link #crossEntropy}: the per-element loss (labels' shape) and the
     * log-sum-exp of each element's logits, which the backward reuses.
     *
     * @param loss the loss of each element, 0 where ignored
     * @param logSumExp the log-sum-exp over the classes of each element
     */
    record CrossEntropyResult(NDArray loss, NDArray logSumExp) {
    }

    /**
     * Cross-entropy per element for logits {@code [N, C, d...]} (classes on dim 1) and labels
     * {@code [N, d...]}: {@code (1-e)(-log p_y) + e mean_c(-log p_c)}, 0 where the label equals
     * {@code ignoreIndex}.
     *
     * @throws IllegalArgumentException if the shapes do not fit, a label is outside {@code [0, C)}
     *     and not {@code ignoreIndex}, or the smoothing is outside {@code [0, 1]}
     */
    CrossEntropyResult crossEntropy(NDArray logits, IntArray labels, int ignoreIndex, float labelSmoothing);

    /**
     * Backward of {@link #crossEntropy} for per-element gradients {@code grad} (labels' shape):
     * {@code grad (softmax(z) - (1-e) onehot(y) - e/C)}, 0 for ignored elements.
     *
     * @throws IllegalArgumentException if the shapes do not fit
     */
    NDArray crossEntropyBackward(NDArray grad, NDArray logits, IntArray labels, NDArray logSumExp,
                                 int ignoreIndex, float labelSmoothing);

    /**
     * Negative log-likelihood per element: {@code -input[n, labels[n, ...], ...]} for
     * log-probabilities {@code [N, C, d...]} and labels {@code [N, d...]}, 0 where ignored.
     *
     * @throws IllegalArgumentException if the shapes do not fit or a label is outside {@code [0, C)} and not {@code ignoreIndex}
     */
    NDArray nllLoss(NDArray input, IntArray labels, int ignoreIndex);

    /**
     * Backward of {@link #nllLoss}: {@code -grad} at each element's label, 0 elsewhere; shape {@code inputShape}.
     *
     * @throws IllegalArgumentException if the shapes do not fit
     */
    NDArray nllLossBackward(NDArray grad, IntArray labels, Shape inputShape, int ignoreIndex);

    /**
     * Smooth L1 of differences elementwise: {@code 0.5 d²/beta} where {@code |d| < beta}, else
     * {@code |d| - 0.5 beta}; {@code beta = 0} is {@code |d|}.
     *
     * @throws IllegalArgumentException if {@code beta} is negative or not finite
     */
    NDArray smoothL1(NDArray diff, float beta);

    /**
     * Backward of {@link #smoothL1}: {@code grad * clamp(d/beta, -1, 1)} ({@code grad * sign(d)} for beta 0).
     *
     * @throws IllegalArgumentException if the shapes differ or {@code beta} is invalid
     */
    NDArray smoothL1Backward(NDArray grad, NDArray diff, float beta);
}
