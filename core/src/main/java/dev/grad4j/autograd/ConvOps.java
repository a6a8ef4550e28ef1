package dev.grad4j.autograd;

import static dev.grad4j.autograd.Tensor.BACKEND;

import dev.grad4j.tensor.NDArray;
import dev.grad4j.tensor.Shape;

import java.util.Objects;

/** Convolutions ({@code conv1d}, {@code conv2d}) with their backward rules. */
final class ConvOps {

    private ConvOps() {
    }

    static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, int[] stride, int[] padding, int[] dilation,
                         int groups) {
        Objects.requireNonNull(stride, "conv2d: stride is null");
        Objects.requireNonNull(padding, "conv2d: padding is null");
        Objects.requireNonNull(dilation, "conv2d: dilation is null");
        if (stride.length != 2) {
            throw new IllegalArgumentException("conv2d: stride must be a pair [h, w], got " + stride.length
                    + " element(s)");
        }
        return conv("conv2d", x, weight, bias, stride.clone(), padding.clone(), dilation.clone(), groups);
    }

    static Tensor conv1d(Tensor x, Tensor weight, Tensor bias, int stride, int padding, int dilation, int groups) {
        return conv("conv1d", x, weight, bias, new int[] {stride}, new int[] {padding}, new int[] {dilation}, groups);
    }

    /** One op for both: the length of the int arrays (1 or 2) tells the backend which. */
    private static Tensor conv(String op, Tensor x, Tensor weight, Tensor bias, int[] stride, int[] padding,
                               int[] dilation, int groups) {
        Objects.requireNonNull(weight, op + ": weight is null");
        NDArray xv = x.value();
        NDArray wv = weight.value();
        NDArray y = BACKEND.conv(xv, wv, bias == null ? null : bias.value(), stride, padding, dilation, groups);
        Shape xs = xv.shape();
        Shape ws = wv.shape();
        BackwardRule rule = (i, g) -> switch (i) {
            case 0 -> BACKEND.convBackwardInput(g, wv, xs, stride, padding, dilation, groups);
            case 1 -> BACKEND.convBackwardWeight(g, xv, ws, stride, padding, dilation, groups);
            default -> BACKEND.convBackwardBias(g);
        };
        return bias == null
                ? Tensor.record(op, y, rule, x, weight)
                : Tensor.record(op, y, rule, x, weight, bias);
    }
}
