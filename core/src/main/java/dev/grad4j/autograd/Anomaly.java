package dev.grad4j.autograd;

import dev.grad4j.tensor.NDArray;

/**
 * The checks of {@link Autograd#detectAnomaly()}: called only while it is on, each scans one array
 * for NaN and infinity and, on finding one, throws an {@link ArithmeticException} naming the op.
 */
final class Anomaly {

    private static final String PREFIX = "detectAnomaly: ";

    private Anomaly() {
    }

    /** Checks the output {@code value} of the forward op {@code op} applied to {@code inputs}. */
    static void checkForward(String op, NDArray value, Tensor[] inputs) {
        float[] v = value.toArray();
        int at = firstNonFinite(v);
        if (at >= 0) {
            throw new ArithmeticException(PREFIX + "forward of op '" + op + "' produced " + kind(v[at])
                    + " at index " + at + " of its output " + value.shape() + "; inputs: " + describe(inputs));
        }
    }

    /**
     * Checks the gradient {@code g} that the backward rule of {@code node} returned for its input
     * {@code k}, given the incoming gradient {@code incoming}.
     */
    static void checkBackward(Tensor node, int k, NDArray incoming, NDArray g) {
        float[] v = g.toArray();
        int at = firstNonFinite(v);
        if (at >= 0) {
            throw new ArithmeticException(PREFIX + "backward of op '" + node.op() + "' produced " + kind(v[at])
                    + " at index " + at + " of the gradient " + g.shape() + " for input " + k + "; inputs: "
                    + describe(node.inputArray()) + "; output " + node.shape() + "; incoming gradient "
                    + (firstNonFinite(incoming.toArray()) >= 0 ? "already non-finite" : "finite"));
        }
    }

    private static int firstNonFinite(float[] v) {
        for (int i = 0; i < v.length; i++) {
            if (!Float.isFinite(v[i])) {
                return i;
            }
        }
        return -1;
    }

    private static String kind(float x) {
        return Float.isNaN(x) ? "NaN" : x > 0 ? "Infinity" : "-Infinity";
    }

    /** The inputs' shapes, each marked {@code (finite)} or {@code (non-finite)}: {@code [2, 3] (finite), [] (finite)}. */
    private static String describe(Tensor[] inputs) {
        if (inputs.length == 0) {
            return "none";
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < inputs.length; i++) {
            NDArray x = inputs[i].value();
            sb.append(i == 0 ? "" : ", ").append(x.shape())
                    .append(firstNonFinite(x.toArray()) >= 0 ? " (non-finite)" : " (finite)");
        }
        return sb.toString();
    }
}
