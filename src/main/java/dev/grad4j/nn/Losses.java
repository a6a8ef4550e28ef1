package dev.grad4j.nn;

import dev.grad4j.autograd.Tensor;
import dev.grad4j.tensor.Backend;
import dev.grad4j.tensor.BinaryOp;
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
                B.binary(BinaryOp.SUB, B.softmax(z, 1), oneHot), (float) (g.item() / n)), logits);
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
}
