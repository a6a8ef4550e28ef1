package dev.grad4j;

import com.fasterxml.jackson.databind.JsonNode;
import dev.grad4j.tensor.IntArray;
import dev.grad4j.tensor.NDArray;

import static org.assertj.core.api.Assertions.fail;

/** Reading tensors of the golden format and checking them with its pass rule. */
final class GoldenJson {

    private GoldenJson() {
    }

    /** A float tensor {@code {"shape":[...], "data":[...]}}. */
    static NDArray tensor(JsonNode node) {
        int[] dims = ints(node.get("shape"));
        JsonNode data = node.get("data");
        float[] values = new float[data.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = Float.parseFloat(data.get(i).asText());
        }
        return NDArray.of(values, dims);
    }

    /** An integer tensor's data, such as labels. */
    static int[] labels(JsonNode node) {
        return ints(node.get("data"));
    }

    /** An integer tensor {@code {"shape":[...], "data":[ints]}}: labels, ids, indices, masks. */
    static IntArray intTensor(JsonNode node) {
        return IntArray.of(ints(node.get("data")), ints(node.get("shape")));
    }

    /** True if the tensor's data are JSON integers (a label tensor). */
    static boolean isIntTensor(JsonNode node) {
        JsonNode data = node.get("data");
        return data.size() > 0 && data.get(0).isIntegralNumber();
    }

    static int[] ints(JsonNode array) {
        int[] r = new int[array.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = array.get(i).asInt();
        }
        return r;
    }

    /**
     * The golden pass rule: {@code max|actual - expected| <= atol + rtol * max|expected|}, and
     * equal shapes.
     */
    static void check(String what, NDArray actual, NDArray expected, double rtol, double atol) {
        if (!actual.shape().equals(expected.shape())) {
            fail("%s: shape %s, expected %s", what, actual.shape(), expected.shape());
        }
        float[] a = actual.toArray();
        float[] e = expected.toArray();
        double scale = 0;
        for (float v : e) {
            scale = Math.max(scale, Math.abs(v));
        }
        double worst = 0;
        int worstAt = -1;
        for (int i = 0; i < a.length; i++) {
            double d = Math.abs((double) a[i] - e[i]);
            if (!(d <= worst) || Double.isNaN(d)) {
                worst = Double.isNaN(d) ? Double.POSITIVE_INFINITY : d;
                worstAt = i;
            }
        }
        double bound = atol + rtol * scale;
        if (worst > bound) {
            fail("%s: max |actual - expected| = %g at index %d (actual %s, expected %s) exceeds %g",
                    what, worst, worstAt, a[worstAt], e[worstAt], bound);
        }
    }
}
