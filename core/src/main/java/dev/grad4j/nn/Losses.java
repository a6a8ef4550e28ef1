package dev.grad4j.nn;

import dev.grad4j.autograd.Tensor;
import dev.grad4j.tensor.Backend;
import dev.grad4j.tensor.BinaryOp;
import dev.grad4j.tensor.IntArray;
import dev.grad4j.tensor.NDArray;
import dev.grad4j.tensor.Shape;
import dev.grad4j.tensor.UnaryOp;

import java.util.Arrays;
import java.util.Objects;

/**
 * Loss functions, each reduced to the mean as PyTorch's default {@code reduction='mean'}. Results
 * are scalars (shape {@code []}) ready for {@link Tensor#backward()}. Gradients flow to the
 * predictions and, where a target is a tracked tensor, to the targets too.
 *
 * <pre>{@code
 * Tensor loss = Losses.crossEntropy(model.forward(x), labels);   // logits [N, C], labels [N]
 * optimizer.step(loss.backward());
 * }</pre>
 */
public final class Losses {

    private static final Backend B = Backend.cpu();

    private Losses() {
    }

    /**
     * Mean squared error {@code mean((pred - target)²)}, over all elements.
     *
     * @throws IllegalArgumentException if the shapes differ or the inputs are empty
     */
    public static Tensor mse(Tensor pred, Tensor target) {
        requireSameShape("mse", pred, target);
        Tensor d = pred.sub(target);
        return d.mul(d).mean();
    }

    /**
     * Binary cross-entropy of logits {@code z} against targets {@code t} in {@code [0, 1]}, over all
     * elements: {@code mean(max(z, 0) - z t + log(1 + e^-|z|))}, which equals
     * {@code -mean(t log σ(z) + (1 - t) log(1 - σ(z)))} and stays finite for any finite logit.
     * Gradients: {@code (σ(z) - t) / N} for the logits, {@code -z / N} for the targets.
     *
     * @throws IllegalArgumentException if the shapes differ or the inputs are empty
     */
    public static Tensor binaryCrossEntropyWithLogits(Tensor logits, Tensor targets) {
        String op = "binaryCrossEntropyWithLogits";
        requireSameShape(op, logits, targets);
        NDArray z = logits.value();
        NDArray t = targets.value();
        NDArray softplusNegAbs = B.unary(UnaryOp.LOG, B.binary(BinaryOp.ADD, NDArray.scalar(1f),
                B.unary(UnaryOp.EXP, B.unary(UnaryOp.NEG, B.unary(UnaryOp.ABS, z)))));
        NDArray terms = B.binary(BinaryOp.ADD,
                B.binary(BinaryOp.SUB, B.unary(UnaryOp.RELU, z), B.binary(BinaryOp.MUL, z, t)),
                softplusNegAbs);
        NDArray loss = B.mean(terms, null, false);
        double n = z.size();
        return Tensor.record(op, loss, (i, g) -> {
            float s = (float) (g.item() / n);
            return i == 0
                    ? B.scale(B.binary(BinaryOp.SUB, B.unary(UnaryOp.SIGMOID, z), t), s)
                    : B.scale(z, -s);
        }, logits, targets);
    }

    /**
     * Cross-entropy with target probabilities: {@code mean_n(-sum_c t[n, c] log_softmax(z)[n, c])}
     * for logits {@code [N, C]} and targets {@code [N, C]} (rows usually summing to 1).
     *
     * @throws IllegalArgumentException if the logits are not 2-D, the shapes differ or N or C is 0
     */
    public static Tensor softCrossEntropy(Tensor logits, Tensor targetProbs) {
        String op = "softCrossEntropy";
        requireSameShape(op, logits, targetProbs);
        requireMatrix(op, logits.shape());
        int n = logits.shape().dim(0);
        return logits.logSoftmax(1).mul(targetProbs).sum().mul(-1f / n);
    }

    /**
     * Cross-entropy with integer class labels, as PyTorch's {@code cross_entropy}:
     * {@code -mean_n log_softmax(z)[n, labels[n]]} for logits {@code [N, C]} and labels
     * {@code [N]} in {@code [0, C)}. Its gradient is {@code (softmax(z) - onehot(labels)) / N}.
     *
     * @throws IllegalArgumentException if the logits are not 2-D, N or C is 0, the number of labels
     *     is not N or a label is outside {@code [0, C)}
     */
    public static Tensor crossEntropy(Tensor logits, int[] labels) {
        String op = "crossEntropy";
        Objects.requireNonNull(logits, op + ": logits is null");
        Objects.requireNonNull(labels, op + ": labels is null");
        Shape s = logits.shape();
        requireMatrix(op, s);
        int n = s.dim(0);
        int c = s.dim(1);
        if (labels.length != n) {
            throw new IllegalArgumentException(op + ": " + labels.length + " labels for logits " + s
                    + ": expected " + n);
        }
        float[] hot = new float[n * c];
        for (int i = 0; i < n; i++) {
            if (labels[i] < 0 || labels[i] >= c) {
                throw new IllegalArgumentException(op + ": label " + labels[i] + " at index " + i
                        + " is outside [0, " + c + ") for logits " + s + ": labels "
                        + abbreviate(labels));
            }
            hot[i * c + labels[i]] = 1f;
        }
        NDArray z = logits.value();
        NDArray oneHot = NDArray.wrap(hot, n, c);
        NDArray picked = B.sum(B.binary(BinaryOp.MUL, B.logSoftmax(z, 1), oneHot), null, false);
        NDArray loss = B.scale(picked, -1f / n);
        return Tensor.record(op, loss, (i, g) -> B.scale(
                B.binary(BinaryOp.SUB, B.softmax(z, 1), oneHot), g.item() / n), logits);
    }

    private static void requireSameShape(String op, Tensor a, Tensor b) {
        Objects.requireNonNull(a, op + ": input is null");
        Objects.requireNonNull(b, op + ": target is null");
        if (!a.shape().equals(b.shape())) {
            throw new IllegalArgumentException(op + ": input and target shapes differ: " + a.shape()
                    + " and " + b.shape());
        }
        if (a.shape().size() == 0) {
            throw new IllegalArgumentException(op + ": input is empty: " + a.shape());
        }
    }

    private static void requireMatrix(String op, Shape s) {
        if (s.rank() != 2 || s.size() == 0) {
            throw new IllegalArgumentException(op + ": logits must be 2-D [N, C] with N, C > 0, got " + s);
        }
    }

    private static String abbreviate(int[] labels) {
        return labels.length <= 16 ? Arrays.toString(labels)
                : Arrays.toString(Arrays.copyOf(labels, 16)).replace("]", ", ...]");
    }

    // ---- losses with reductions (sequence models) ----

    /** How a loss combines its per-element values, as PyTorch's {@code reduction} argument. */
    public enum Reduction {
        /** The mean over the elements (for cross-entropy and NLL: over the non-ignored ones). */
        MEAN,
        /** The sum over the elements. */
        SUM,
        /** No reduction: one value per element. */
        NONE
    }

    /**
     * Options of {@link #crossEntropy(Tensor, IntArray, CrossEntropyOptions)}, PyTorch's defaults in
     * {@link #DEFAULTS}: reduction {@code MEAN}, {@code ignoreIndex -100}, label smoothing 0.
     *
     * @param reduction how the per-element losses combine
     * @param ignoreIndex the label whose elements give loss 0 and are not counted in the mean (may be a real class)
     * @param labelSmoothing {@code e} in {@code [0, 1]}: the target is {@code (1-e) onehot + e/C}
     */
    public record CrossEntropyOptions(Reduction reduction, int ignoreIndex, float labelSmoothing) {

        /** PyTorch's defaults: mean, ignore index -100, no smoothing. */
        public static final CrossEntropyOptions DEFAULTS = new CrossEntropyOptions(Reduction.MEAN, -100, 0f);

        /**
         * Validates the options.
         *
         * @throws NullPointerException if {@code reduction} is null
         * @throws IllegalArgumentException if {@code labelSmoothing} is outside {@code [0, 1]}
         */
        public CrossEntropyOptions {
            Objects.requireNonNull(reduction, "crossEntropy: reduction is null");
            if (!(labelSmoothing >= 0f && labelSmoothing <= 1f)) {
                throw new IllegalArgumentException("crossEntropy: labelSmoothing must be in [0, 1], got "
                        + labelSmoothing);
            }
        }

        /**
         * Returns these options with another reduction.
         *
         * @param r the reduction
         * @return the new options
         */
        public CrossEntropyOptions withReduction(Reduction r) {
            return new CrossEntropyOptions(r, ignoreIndex, labelSmoothing);
        }

        /**
         * Returns these options with another ignored label.
         *
         * @param index the label to ignore
         * @return the new options
         */
        public CrossEntropyOptions withIgnoreIndex(int index) {
            return new CrossEntropyOptions(reduction, index, labelSmoothing);
        }

        /**
         * Returns these options with another label smoothing.
         *
         * @param e the smoothing in {@code [0, 1]}
         * @return the new options
         */
        public CrossEntropyOptions withLabelSmoothing(float e) {
            return new CrossEntropyOptions(reduction, ignoreIndex, e);
        }
    }

    /**
     * Cross-entropy with integer labels and PyTorch's defaults (mean, ignore index -100, no
     * smoothing): logits {@code [N, C]} or {@code [N, C, d...]}, labels {@code [N]} or {@code [N, d...]}.
     *
     * @param logits unnormalised scores, classes on dim 1
     * @param labels class ids in {@code [0, C)}
     * @return the mean loss, a scalar
     * @throws IllegalArgumentException as {@link #crossEntropy(Tensor, IntArray, CrossEntropyOptions)}
     */
    public static Tensor crossEntropy(Tensor logits, IntArray labels) {
        return crossEntropy(logits, labels, CrossEntropyOptions.DEFAULTS);
    }

    /**
     * Cross-entropy as {@code torch.nn.functional.cross_entropy} with integer labels, one fused,
     * stable kernel: per element {@code l = (1-e)(-log p_y) + e mean_c(-log p_c)} with
     * {@code p = softmax over dim 1}; an element whose label is {@code ignoreIndex} gives 0 and is
     * not counted, so {@code MEAN} is the sum over the {@code k} non-ignored elements divided by
     * {@code k}. If every element is ignored, {@code MEAN} is NaN as in PyTorch (0/0) and the
     * gradient is 0. {@code NONE} returns the labels' shape. Gradient:
     * {@code (softmax(z) - (1-e) onehot(y) - e/C)} times the element's upstream.
     *
     * @param logits unnormalised scores {@code [N, C]} or {@code [N, C, d...]}
     * @param labels class ids {@code [N]} or {@code [N, d...]} in {@code [0, C)} or equal to the ignore index
     * @param options reduction, ignore index, label smoothing
     * @return a scalar, or the labels' shape for {@code NONE}
     * @throws IllegalArgumentException if the logits have rank below 2 or no classes, the labels'
     *     shape is not the logits' shape without dim 1, or a label is out of range
     */
    public static Tensor crossEntropy(Tensor logits, IntArray labels, CrossEntropyOptions options) {
        String op = "crossEntropy";
        Objects.requireNonNull(logits, op + ": logits is null");
        Objects.requireNonNull(labels, op + ": labels is null");
        Objects.requireNonNull(options, op + ": options is null");
        NDArray z = logits.value();
        int ignore = options.ignoreIndex();
        float e = options.labelSmoothing();
        Backend.CrossEntropyResult r = B.crossEntropy(z, labels, ignore, e);
        NDArray lse = r.logSumExp();
        Tensor each = Tensor.record(op, r.loss(),
                (i, g) -> B.crossEntropyBackward(g, z, labels, lse, ignore, e), logits);
        return reduceCounted(op, each, options.reduction(), counted(labels, ignore));
    }

    /**
     * Negative log-likelihood with PyTorch's defaults (mean, ignore index -100).
     *
     * @param logProbs log-probabilities {@code [N, C]} or {@code [N, C, d...]}
     * @param labels class ids {@code [N]} or {@code [N, d...]}
     * @return the mean loss, a scalar
     * @throws IllegalArgumentException as {@link #nllLoss(Tensor, IntArray, Reduction, int)}
     */
    public static Tensor nllLoss(Tensor logProbs, IntArray labels) {
        return nllLoss(logProbs, labels, Reduction.MEAN, CrossEntropyOptions.DEFAULTS.ignoreIndex());
    }

    /**
     * Negative log-likelihood as {@code torch.nn.functional.nll_loss}: per element
     * {@code l = -logProbs[n, y, ...]}; ignored elements and reductions as
     * {@link #crossEntropy(Tensor, IntArray, CrossEntropyOptions)}.
     *
     * @param logProbs log-probabilities {@code [N, C]} or {@code [N, C, d...]}
     * @param labels class ids {@code [N]} or {@code [N, d...]}
     * @param reduction how the per-element losses combine
     * @param ignoreIndex the label whose elements are skipped
     * @return a scalar, or the labels' shape for {@code NONE}
     * @throws IllegalArgumentException if the shapes do not fit or a label is out of range
     */
    public static Tensor nllLoss(Tensor logProbs, IntArray labels, Reduction reduction, int ignoreIndex) {
        String op = "nllLoss";
        Objects.requireNonNull(logProbs, op + ": input is null");
        Objects.requireNonNull(labels, op + ": labels is null");
        Objects.requireNonNull(reduction, op + ": reduction is null");
        Shape xs = logProbs.shape();
        Tensor each = Tensor.record(op, B.nllLoss(logProbs.value(), labels, ignoreIndex),
                (i, g) -> B.nllLossBackward(g, labels, xs, ignoreIndex), logProbs);
        return reduceCounted(op, each, reduction, counted(labels, ignoreIndex));
    }

    /**
     * Mean absolute error {@code mean(|pred - target|)}.
     *
     * @param pred predictions
     * @param target targets, same shape
     * @return the scalar loss
     * @throws IllegalArgumentException if the shapes differ or the inputs are empty
     */
    public static Tensor l1Loss(Tensor pred, Tensor target) {
        return l1Loss(pred, target, Reduction.MEAN);
    }

    /**
     * Absolute error {@code |pred - target|} with a reduction, as {@code F.l1_loss}; the gradient
     * is {@code sign(pred - target)} (0 where equal).
     *
     * @param pred predictions
     * @param target targets, same shape
     * @param reduction mean, sum or none (input's shape)
     * @return the loss
     * @throws IllegalArgumentException if the shapes differ or the inputs are empty
     */
    public static Tensor l1Loss(Tensor pred, Tensor target, Reduction reduction) {
        requireSameShape("l1Loss", pred, target);
        return reduce(pred.sub(target).abs(), reduction);
    }

    /**
     * Smooth L1 loss with {@code beta = 1} and mean reduction.
     *
     * @param pred predictions
     * @param target targets, same shape
     * @return the scalar loss
     * @throws IllegalArgumentException if the shapes differ or the inputs are empty
     */
    public static Tensor smoothL1Loss(Tensor pred, Tensor target) {
        return smoothL1Loss(pred, target, 1f, Reduction.MEAN);
    }

    /**
     * Smooth L1 loss as {@code F.smooth_l1_loss}: with {@code d = |pred - target|},
     * {@code 0.5 d²/beta} where {@code d < beta}, else {@code d - 0.5 beta}; {@code beta = 0} is the L1 loss.
     *
     * @param pred predictions
     * @param target targets, same shape
     * @param beta the threshold, {@code >= 0}
     * @param reduction mean, sum or none
     * @return the loss
     * @throws IllegalArgumentException if the shapes differ, the inputs are empty or beta is negative or not finite
     */
    public static Tensor smoothL1Loss(Tensor pred, Tensor target, float beta, Reduction reduction) {
        requireSameShape("smoothL1Loss", pred, target);
        return reduce(smoothL1("smoothL1Loss", pred.sub(target), beta), reduction);
    }

    /**
     * Huber loss with {@code delta = 1} and mean reduction.
     *
     * @param pred predictions
     * @param target targets, same shape
     * @return the scalar loss
     * @throws IllegalArgumentException if the shapes differ or the inputs are empty
     */
    public static Tensor huberLoss(Tensor pred, Tensor target) {
        return huberLoss(pred, target, 1f, Reduction.MEAN);
    }

    /**
     * Huber loss as {@code F.huber_loss}: with {@code d = |pred - target|}, {@code 0.5 d²} where
     * {@code d < delta}, else {@code delta (d - 0.5 delta)}; equals {@code delta * smoothL1(beta = delta)}.
     *
     * @param pred predictions
     * @param target targets, same shape
     * @param delta the threshold, {@code > 0}
     * @param reduction mean, sum or none
     * @return the loss
     * @throws IllegalArgumentException if the shapes differ, the inputs are empty or delta is not positive and finite
     */
    public static Tensor huberLoss(Tensor pred, Tensor target, float delta, Reduction reduction) {
        requireSameShape("huberLoss", pred, target);
        if (!(delta > 0f) || !Float.isFinite(delta)) {
            throw new IllegalArgumentException("huberLoss: delta must be positive and finite, got " + delta);
        }
        return reduce(smoothL1("huberLoss", pred.sub(target), delta).mul(delta), reduction);
    }

    private static Tensor smoothL1(String op, Tensor diff, float beta) {
        if (!(beta >= 0f) || !Float.isFinite(beta)) {
            throw new IllegalArgumentException(op + ": beta must be finite and >= 0, got " + beta);
        }
        NDArray d = diff.value();
        return Tensor.record(op, B.smoothL1(d, beta), (i, g) -> B.smoothL1Backward(g, d, beta), diff);
    }

    /**
     * Kullback-Leibler divergence as {@code F.kl_div(input, target, reduction='batchmean')} with
     * log-probability input and probability target ({@code log_target=False}):
     * {@code sum(target (log target - input)) / input.shape[0]}, the mathematically correct KL
     * divergence per sample (PyTorch's default {@code 'mean'} divides by every element instead).
     * Terms with {@code target = 0} are 0. Gradients: {@code -target / N} for the input,
     * {@code (log target + 1 - input) / N} for the target (0 where the target is 0).
     *
     * @param input log-probabilities {@code [N, ...]}
     * @param target probabilities, same shape
     * @return the scalar loss
     * @throws IllegalArgumentException if the shapes differ or the inputs are empty or scalars
     */
    public static Tensor klDiv(Tensor input, Tensor target) {
        Tensor each = klDivTerms(input, target);
        if (input.shape().rank() == 0) {
            throw new IllegalArgumentException("klDiv: batchmean needs a batch dim, got a scalar input");
        }
        return each.sum().div(Tensor.constant(input.shape().dim(0)));
    }

    /**
     * As {@link #klDiv(Tensor, Tensor)} with a plain reduction ({@code MEAN} divides by the number
     * of elements, as PyTorch's {@code 'mean'}).
     *
     * @param input log-probabilities
     * @param target probabilities, same shape
     * @param reduction mean, sum or none
     * @return the loss
     * @throws IllegalArgumentException if the shapes differ or the inputs are empty
     */
    public static Tensor klDiv(Tensor input, Tensor target, Reduction reduction) {
        return reduce(klDivTerms(input, target), reduction);
    }

    /** The terms {@code target (log target - input)} (0 where target is 0), with both gradients. */
    private static Tensor klDivTerms(Tensor input, Tensor target) {
        String op = "klDiv";
        requireSameShape(op, input, target);
        float[] x = input.value().toArray();
        float[] t = target.value().toArray();
        int[] dims = input.shape().toArray();
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = t[i] == 0f ? 0f : (float) (t[i] * (Math.log(t[i]) - x[i]));
        }
        return Tensor.record(op, NDArray.wrap(out, dims), (i, g) -> {
            float[] gd = g.toArray();
            float[] d = new float[gd.length];
            for (int j = 0; j < d.length; j++) {
                if (t[j] != 0f) {
                    d[j] = (float) (gd[j] * (i == 0 ? -t[j] : Math.log(t[j]) + 1.0 - x[j]));
                }
            }
            return NDArray.wrap(d, dims);
        }, input, target);
    }

    private static Tensor reduce(Tensor each, Reduction reduction) {
        Objects.requireNonNull(reduction, "loss: reduction is null");
        switch (reduction) {
            case SUM:
                return each.sum();
            case NONE:
                return each;
            default:
                return each.mean();
        }
    }

    /** The number of labels that are not {@code ignoreIndex}. */
    private static int counted(IntArray labels, int ignoreIndex) {
        int n = 0;
        for (int y : labels.toArray()) {
            if (y != ignoreIndex) {
                n++;
            }
        }
        return n;
    }

    /** Reduces per-element losses where only {@code count} elements count toward the mean. */
    private static Tensor reduceCounted(String op, Tensor each, Reduction reduction, int count) {
        if (reduction != Reduction.MEAN) {
            return reduce(each, reduction);
        }
        if (count == 0) {
            // Every element ignored: PyTorch's 0/0 = NaN; no element contributes a gradient.
            Shape s = each.shape();
            return Tensor.record(op, NDArray.scalar(Float.NaN), (i, g) -> NDArray.zeros(s.toArray()), each);
        }
        return each.sum().div(Tensor.constant(count));
    }
}
