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

    /**
     * Selects elementwise {@code cond != 0 ? a : b}, the three broadcast together (NumPy rules;
     * {@code torch.where}). The condition holds 0 or 1.
     *
     * @throws IllegalArgumentException if the shapes cannot be broadcast or {@code cond} holds a value other than 0 or 1
     */
    NDArray where(IntArray cond, NDArray a, NDArray b);

    /**
     * Returns {@code x} with {@code value} wherever {@code mask} (0/1, broadcastable to x's shape) is 1;
     * the result has x's shape ({@code torch.Tensor.masked_fill}).
     *
     * @throws IllegalArgumentException if the mask does not broadcast to x's shape or holds a value other than 0 or 1
     */
    NDArray maskedFill(NDArray x, IntArray mask, float value);

    /**
     * Returns {@code min(max(x, min), max)} elementwise; an infinite bound leaves that side
     * unbounded. NaN stays NaN.
     *
     * @throws IllegalArgumentException if a bound is NaN or {@code min > max}
     */
    NDArray clamp(NDArray x, float min, float max);

    /** Backward of {@link #clamp}: {@code grad} where {@code min <= x <= max}, else 0 (as PyTorch). */
    NDArray clampBackward(NDArray grad, NDArray x, float min, float max);

    /**
     * Leaky ReLU: {@code x > 0 ? x : slope * x}.
     *
     * @throws IllegalArgumentException if the slope is not finite
     */
    NDArray leakyRelu(NDArray x, float slope);

    /** Backward of {@link #leakyRelu}: {@code x > 0 ? grad : slope * grad}. */
    NDArray leakyReluBackward(NDArray grad, NDArray x, float slope);

    /**
     * ELU: {@code x > 0 ? x : alpha (e^x - 1)}.
     *
     * @throws IllegalArgumentException if alpha is not finite
     */
    NDArray elu(NDArray x, float alpha);

    /** Backward of {@link #elu}: {@code x > 0 ? grad : grad * alpha * e^x}. */
    NDArray eluBackward(NDArray grad, NDArray x, float alpha);

    /**
     * Softplus: {@code x} where {@code beta x > threshold}, else {@code log(1 + e^{beta x}) / beta}.
     *
     * @throws IllegalArgumentException if beta is not positive and finite or the threshold is NaN
     */
    NDArray softplus(NDArray x, float beta, float threshold);

    /** Backward of {@link #softplus}: {@code grad} where {@code beta x > threshold}, else {@code grad * sigmoid(beta x)}. */
    NDArray softplusBackward(NDArray grad, NDArray x, float beta, float threshold);

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

    /**
     * Returns the contiguous array whose dimension i is x's dimension {@code dims[i]}
     * ({@code torch.permute}); dims may be negative and must name every dimension once.
     *
     * @throws IllegalArgumentException if dims is not a permutation of x's dimensions
     */
    NDArray permute(NDArray x, int... dims);

    /**
     * Concatenates arrays along {@code dim} ({@code torch.cat}); they share rank (at least 1) and
     * every other dimension.
     *
     * @throws IllegalArgumentException if there are no arrays, a dim is out of range, or the shapes differ off {@code dim}
     */
    NDArray cat(int dim, NDArray... xs);

    /**
     * Stacks arrays of one shape along a new dimension {@code dim} in {@code [-(r+1), r]}
     * ({@code torch.stack}); the result has shape {@code shape[:dim] + [xs.length] + shape[dim:]}.
     *
     * @throws IllegalArgumentException if there are no arrays, the shapes differ, or dim is out of range
     */
    NDArray stack(int dim, NDArray... xs);

    /**
     * Returns {@code x[..., start:start+length, ...]} along {@code dim} as a contiguous array
     * ({@code torch.narrow}).
     *
     * @throws IllegalArgumentException if dim is out of range or the slice does not lie inside the dimension
     */
    NDArray narrow(NDArray x, int dim, int start, int length);

    /**
     * The adjoint of {@link #narrow}: an array of {@code shape}, zero except for {@code grad} placed
     * at {@code start} along {@code dim}.
     *
     * @throws IllegalArgumentException if {@code grad} is not a slice of {@code shape} at {@code start} along dim
     */
    NDArray narrowBackward(NDArray grad, Shape shape, int dim, int start);

    /**
     * Selects slices of {@code x} along {@code dim} at the positions of a 1-D index (repeats
     * allowed; {@code torch.index_select}); that dim becomes {@code index.size()} long.
     *
     * @throws IllegalArgumentException if dim is out of range, the index is not 1-D, or an index is outside {@code [0, x.shape[dim])}
     */
    NDArray indexSelect(NDArray x, int dim, IntArray index);

    /**
     * Returns zeros of {@code shape} with slice j of {@code source} added at position
     * {@code index[j]} along {@code dim} ({@code torch.index_add} into zeros): the adjoint of
     * {@link #indexSelect}; repeated indices add up.
     *
     * @throws IllegalArgumentException if the shapes do not match or an index is out of range
     */
    NDArray indexAdd(Shape shape, int dim, IntArray index, NDArray source);

    /**
     * {@code torch.gather}: the result has the index's shape and holds x at each index position
     * with the coordinate along {@code dim} replaced by the index value. The index has x's rank
     * and {@code index.shape[d] <= x.shape[d]} for {@code d != dim}.
     *
     * @throws IllegalArgumentException if the ranks differ, an index dimension is too long, or an index is out of range
     */
    NDArray gather(NDArray x, int dim, IntArray index);

    /**
     * Returns zeros of {@code shape} with every element of {@code source} added where
     * {@link #gather} would have read it ({@code torch.scatter_add} into zeros): the adjoint of gather.
     *
     * @throws IllegalArgumentException as {@link #gather}, or if source and index shapes differ
     */
    NDArray scatterAdd(Shape shape, int dim, IntArray index, NDArray source);

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

    /** Minimum over {@code axes} ({@code torch.amin}); see {@link #sum}. Reducing an empty group is an error. */
    NDArray min(NDArray x, int[] axes, boolean keepDim);

    /**
     * Variance over {@code axes} (see {@link #sum}) with divisor {@code n - correction}, n the
     * number of reduced elements (correction 0: biased, 1: unbiased); two passes in double, so a
     * large common offset costs no precision.
     *
     * @throws IllegalArgumentException if correction is negative or {@code n - correction <= 0}
     */
    NDArray var(NDArray x, int[] axes, int correction, boolean keepDim);

    /**
     * {@code log(sum(exp(x)))} over {@code axes} (see {@link #sum}), shifted by the group maximum
     * so that it neither overflows nor underflows.
     */
    NDArray logSumExp(NDArray x, int[] axes, boolean keepDim);

    /** Softmax along {@code axis}, stable for any finite input. */
    NDArray softmax(NDArray x, int axis);

    /** Backward of {@link #softmax}: {@code y * (grad - sum(grad * y, axis))}, where y is its output. */
    NDArray softmaxBackward(NDArray grad, NDArray y, int axis);

    /** Log-softmax along {@code axis}, stable for any finite input. */
    NDArray logSoftmax(NDArray x, int axis);

    /** Backward of {@link #logSoftmax}: {@code grad - exp(y) * sum(grad, axis)}, where y is its output. */
    NDArray logSoftmaxBackward(NDArray grad, NDArray y, int axis);

    // ---- pooling and normalisation ------------------------------------------------------------

    /**
     * The result of {@link #maxPool2d}.
     *
     * @param output the pooled values, {@code [N, C, oh, ow]} (or {@code [C, oh, ow]})
     * @param indices for each output, the flat index {@code row * W + col} of its maximum within its input plane
     */
    record MaxPoolResult(NDArray output, IntArray indices) {
    }

    /**
     * The result of a batch-norm forward: the output and the per-channel statistics it used, which
     * {@link #batchNormBackward} takes.
     *
     * @param output the normalised input, its shape
     * @param mean the per-channel mean, {@code [C]}
     * @param variance the per-channel biased variance, {@code [C]}
     * @param invStd {@code 1 / sqrt(variance + eps)}, {@code [C]}
     */
    record BatchNormResult(NDArray output, NDArray mean, NDArray variance, NDArray invStd) {
    }

    /**
     * The gradients of a batch-norm forward.
     *
     * @param input the gradient of the input, or {@code null} when not requested
     * @param weight the gradient of the weight, {@code [C]}
     * @param bias the gradient of the bias, {@code [C]}
     */
    record BatchNormGrads(NDArray input, NDArray weight, NDArray bias) {
    }

    /**
     * 2-D max pooling as {@code torch.nn.functional.max_pool2d} (no dilation, floor output size):
     * x {@code [N, C, H, W]} or {@code [C, H, W]}, output {@code oh = (H + 2 ph - kh) / sh + 1},
     * likewise ow. Padding acts as {@code -inf}; a NaN in a window wins.
     *
     * @param kernel {@code [kh, kw]}, positive
     * @param stride {@code [sh, sw]}, positive
     * @param padding {@code [ph, pw]}, with {@code 0 <= ph <= kh / 2} and likewise pw
     * @throws IllegalArgumentException if the rank is not 3 or 4, an empty dimension other than the
     *     batch, a pair has not 2 elements, a value is out of range, or the output would be empty
     */
    MaxPoolResult maxPool2d(NDArray x, int[] kernel, int[] stride, int[] padding);

    /**
     * Backward of {@link #maxPool2d}: each upstream value goes to its argmax, overlapping windows add up.
     *
     * @param grad the upstream gradient, the output's shape
     * @param indices the {@link MaxPoolResult#indices()} of the forward, the output's shape
     * @param inputShape the forward input's shape
     * @throws IllegalArgumentException if the shapes do not fit together or an index is outside its plane
     */
    NDArray maxPool2dBackward(NDArray grad, IntArray indices, Shape inputShape);

    /**
     * 2-D average pooling as {@code torch.nn.functional.avg_pool2d} (floor output size, zero
     * padding): the divisor is {@code kh * kw} with {@code countIncludePad}, else the number of
     * input elements in the window. Shapes and argument rules as {@link #maxPool2d}.
     *
     * @throws IllegalArgumentException as {@link #maxPool2d}
     */
    NDArray avgPool2d(NDArray x, int[] kernel, int[] stride, int[] padding, boolean countIncludePad);

    /**
     * Backward of {@link #avgPool2d}: spreads each upstream value, divided by its window's divisor,
     * over the window; the other arguments as in the forward.
     *
     * @throws IllegalArgumentException if the arguments are invalid or {@code grad} is not the forward output's shape
     */
    NDArray avgPool2dBackward(NDArray grad, Shape inputShape, int[] kernel, int[] stride, int[] padding,
                              boolean countIncludePad);

    /**
     * Adaptive average pooling as {@code torch.nn.functional.adaptive_avg_pool2d}: x
     * {@code [N, C, H, W]} or {@code [C, H, W]} to {@code [.., outH, outW]}; output row i averages
     * input rows {@code [floor(i H / outH), ceil((i + 1) H / outH))}, columns likewise.
     *
     * @throws IllegalArgumentException if the rank is not 3 or 4, a dimension other than the batch
     *     is empty, or an output size is not positive
     */
    NDArray adaptiveAvgPool2d(NDArray x, int outH, int outW);

    /**
     * Backward of {@link #adaptiveAvgPool2d}; the output size is read from {@code grad}.
     *
     * @throws IllegalArgumentException if {@code grad} does not fit {@code inputShape}
     */
    NDArray adaptiveAvgPool2dBackward(NDArray grad, Shape inputShape);

    /**
     * Training-mode batch normalisation: per channel (dim 1) of x {@code [N, C]}, {@code [N, C, L]},
     * {@code [N, C, H, W]} (any rank >= 2), the mean and biased variance over every other dim, then
     * {@code y = (x - mean) / sqrt(var + eps) * weight + bias}. {@code weight} and {@code bias}
     * ({@code [C]}) may be null (1 and 0). Statistics accumulate in double.
     *
     * @throws IllegalArgumentException if the rank is below 2, the input is empty, a parameter is not
     *     {@code [C]}, there is only one value per channel, or eps is negative or not finite
     */
    BatchNormResult batchNormTraining(NDArray x, NDArray weight, NDArray bias, float eps);

    /**
     * Evaluation-mode batch normalisation with given statistics:
     * {@code y = (x - runningMean) / sqrt(runningVar + eps) * weight + bias}. The result's mean and
     * variance are copies of the running statistics.
     *
     * @throws IllegalArgumentException as {@link #batchNormTraining} (one value per channel allowed)
     */
    BatchNormResult batchNormEval(NDArray x, NDArray weight, NDArray bias, NDArray runningMean,
                                  NDArray runningVar, float eps);

    /**
     * Backward of batch normalisation, from the forward's mean and invStd. In training the batch
     * statistics depend on x: {@code dx = w invStd (g - mean(g) - xhat mean(g xhat))}; in evaluation
     * {@code dx = w invStd g}. Always {@code dWeight = Σ g xhat}, {@code dBias = Σ g} per channel.
     *
     * @param weight the forward's weight, or null
     * @param inputGradient whether to compute the input's gradient (else it is null in the result)
     * @throws IllegalArgumentException if the shapes do not fit together
     */
    BatchNormGrads batchNormBackward(NDArray grad, NDArray x, NDArray weight, NDArray mean, NDArray invStd,
                                     boolean training, boolean inputGradient);

    /**
     * Updates batch-norm running statistics in place, as PyTorch (computed in double):
     * {@code runningMean = (1 - m) runningMean + m mean},
     * {@code runningVar = (1 - m) runningVar + m var n / (n - 1)}, where var is the biased batch
     * variance over n values per channel.
     *
     * @throws IllegalArgumentException if the four arrays are not one shape {@code [C]}, {@code count < 2}, or momentum is not finite
     */
    void batchNormUpdateStats(NDArray runningMean, NDArray runningVar, NDArray mean, NDArray variance,
                              long count, float momentum);

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
     * Like {@link #matmul(NDArray, NDArray)}, writing the product into {@code out} (overwriting it,
     * as {@code torch.matmul(a, b, out=out)}), so that a loop can reuse one output array.
     *
     * @throws IllegalArgumentException as {@code matmul} does, if {@code out} does not have the
     *         product's shape, or if it shares its storage with {@code a} or {@code b}
     */
    default void matmulInto(NDArray a, NDArray b, NDArray out) {
        matmulInto(a, false, b, false, out);
    }

    /**
     * Like {@link #matmul(NDArray, boolean, NDArray, boolean)}, writing the product into {@code out}
     * (see {@link #matmulInto(NDArray, NDArray, NDArray)}). This default computes the product and
     * copies it; {@link CpuBackend} computes it in place.
     */
    default void matmulInto(NDArray a, boolean transposeA, NDArray b, boolean transposeB, NDArray out) {
        if (out == null) {
            throw new NullPointerException("matmulInto: out is null");
        }
        NDArray product = matmul(a, transposeA, b, transposeB);
        if (!product.shape().equals(out.shape())) {
            throw new IllegalArgumentException("matmulInto: out must have shape " + product.shape() + ", got "
                    + out.shape());
        }
        assign(out, product);
    }

    /**
     * The affine map {@code x Wᵀ + b}: x {@code [..., in]}, weight {@code [out, in]}, bias
     * {@code [out]} or {@code null}; result {@code [..., out]}.
     */
    NDArray linear(NDArray x, NDArray weight, NDArray bias);

    /**
     * The input gradient of {@link #linear}: {@code grad [..., out] · weight [out, in]}, result
     * {@code [..., in]} with grad's leading dimensions (no reshaping copies).
     *
     * @throws IllegalArgumentException if grad's last dimension is not weight's first
     */
    NDArray linearInputGrad(NDArray grad, NDArray weight);

    /**
     * The weight gradient of {@link #linear}: {@code gradᵀ x} summed over all leading positions,
     * grad {@code [..., out]}, x {@code [..., in]} with the same leading dimensions; result
     * {@code [out, in]}.
     *
     * @throws IllegalArgumentException if the leading dimensions differ
     */
    NDArray linearWeightGrad(NDArray grad, NDArray x);

    // ---- convolution ------------------------------------------------------------------------

    /**
     * Convolution as PyTorch's {@code conv1d}/{@code conv2d} (cross-correlation, zero padding on both
     * sides). The length of {@code stride} picks the op: one element for {@code conv1d} (x
     * {@code [N, C, L]}, weight {@code [O, C/groups, K]}, result {@code [N, O, L']}), two ({@code [h, w]})
     * for {@code conv2d} (x {@code [N, C, H, W]}, weight {@code [O, C/groups, kh, kw]}, result
     * {@code [N, O, H', W']}); {@code padding} and {@code dilation} have the same length. Per spatial
     * dimension {@code L' = floor((L + 2p - d(K-1) - 1) / s) + 1}. Output channel o reads the input
     * channels of group {@code o / (O/groups)}; bias {@code [O]} or {@code null}.
     *
     * @throws IllegalArgumentException if a rank is wrong, {@code groups} does not divide C and O,
     *     the weight's in-channels are not {@code C/groups}, the bias is not {@code [O]}, a stride or
     *     dilation is not positive, a padding is negative, or the dilated kernel is larger than the
     *     padded input
     * @throws NullPointerException if x, weight or an int array is null
     */
    NDArray conv(NDArray x, NDArray weight, NDArray bias, int[] stride, int[] padding, int[] dilation, int groups);

    /**
     * The gradient of {@link #conv}'s input: given {@code grad} (the output's gradient) and the
     * weight, returns an array of {@code inputShape}. The other arguments are those of the forward.
     *
     * @throws IllegalArgumentException if the geometry is invalid (as {@link #conv}) or {@code grad}
     *     does not have the output's shape
     */
    NDArray convBackwardInput(NDArray grad, NDArray weight, Shape inputShape, int[] stride, int[] padding,
                              int[] dilation, int groups);

    /**
     * The gradient of {@link #conv}'s weight: given {@code grad} (the output's gradient) and the
     * input {@code x}, returns an array of {@code weightShape}, summed over the batch.
     *
     * @throws IllegalArgumentException if the geometry is invalid (as {@link #conv}) or {@code grad}
     *     does not have the output's shape
     */
    NDArray convBackwardWeight(NDArray grad, NDArray x, Shape weightShape, int[] stride, int[] padding,
                               int[] dilation, int groups);

    /**
     * The gradient of {@link #conv}'s bias: {@code grad [N, O, ...]} summed over every dimension but
     * 1, a {@code [O]} array.
     *
     * @throws IllegalArgumentException if {@code grad} has rank below 2
     */
    NDArray convBackwardBias(NDArray grad);

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
     *
     * @throws IllegalArgumentException if a shape differs, or lr, momentum, dampening or weight decay
     *     is negative or not finite (checked before anything is written)
     */
    void sgdStep(NDArray param, NDArray grad, NDArray buffer, boolean first,
                 float lr, float momentum, float dampening, boolean nesterov, float weightDecay);

    /**
     * One Adam/AdamW update of {@code param} in place (torch.optim rules, step {@code t} from 1).
     * With {@code decoupled} the weight decay is AdamW's {@code p *= 1 - lr*wd}, otherwise Adam's
     * {@code g += wd*p}. {@code m}, {@code v} and, for AMSGrad, {@code vMax} (else {@code null})
     * are updated in place.
     *
     * @throws IllegalArgumentException if a shape differs, {@code t < 1}, lr or weight decay is negative
     *     or not finite, beta1 or beta2 is outside {@code [0, 1)}, or eps is not finite and {@code > 0}
     *     (checked before anything is written)
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
     * One step of incremental (key/value-cached) causal self-attention, for inference. From the
     * packed projection {@code qkv [B, Tn, 3E]} (per position: E query, E key, E value features,
     * each split into H heads of {@code hd = E / H}) it writes the new keys and values into
     * {@code keys} and {@code values} {@code [B, H, Tmax, hd]} at positions
     * {@code [length, length + Tn)}, then attends every new query (at absolute position
     * {@code length + i}) to the cached keys {@code 0 .. length + i} with
     * {@code softmax(q kᵀ scale) v}. Returns the heads concatenated, {@code [B, Tn, E]}.
     *
     * @throws IllegalArgumentException if the shapes do not fit together, {@code length} is
     *     negative, {@code length + Tn > Tmax}, or {@code scale} is not finite
     */
    NDArray attentionCached(NDArray qkv, NDArray keys, NDArray values, int length, float scale);

    /**
     * Self-attention straight from the packed projection {@code qkv [B, T, 3E]} (per position: E
     * query, E key, E value features, each split into {@code heads} heads of {@code hd = E / heads}):
     * per (batch, head) {@code softmax(q kᵀ scale [+ causal mask]) v}, heads concatenated into the
     * output {@code [B, T, E]}; no head transposes are materialised. The probabilities
     * {@code [B, H, T, T]} are kept for {@link #attentionPackedBackward}.
     *
     * @throws IllegalArgumentException if qkv is not {@code [B, T, 3E]} with E divisible by
     *     {@code heads}, heads is not positive, or {@code scale} is not finite
     */
    AttentionResult attentionPacked(NDArray qkv, int heads, boolean causal, float scale);

    /**
     * Backward of {@link #attentionPacked}: the gradient {@code [B, T, 3E]} of the packed
     * projection from the output gradient {@code [B, T, E]} and the saved probabilities.
     *
     * @throws IllegalArgumentException if the shapes do not fit together
     */
    NDArray attentionPackedBackward(NDArray grad, NDArray qkv, NDArray probs, int heads, boolean causal, float scale);

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
