package dev.grad4j;

import com.fasterxml.jackson.databind.JsonNode;
import dev.grad4j.autograd.Tensor;
import dev.grad4j.tensor.IntArray;

import java.util.List;

/** Maps the CNN ops of layers.json (conv, pooling, batch norm, flatten) onto grad4j; returns null for an op it does not know. */
final class GoldenCnnOps {

    private GoldenCnnOps() {
    }

    static Tensor apply(String op, List<Tensor> x, List<IntArray> ints, JsonNode attrs) {
        switch (op) {
            case "conv1d":
                return x.get(0).conv1d(x.get(1), attrs.get("bias").asBoolean() ? x.get(2) : null,
                        attrs.get("stride").asInt(), attrs.get("padding").asInt(), attrs.get("dilation").asInt(),
                        attrs.get("groups").asInt());
            case "conv2d":
                return x.get(0).conv2d(x.get(1), attrs.get("bias").asBoolean() ? x.get(2) : null,
                        GoldenJson.ints(attrs.get("stride")), GoldenJson.ints(attrs.get("padding")),
                        GoldenJson.ints(attrs.get("dilation")), attrs.get("groups").asInt());
            default:
                return null;
        }
    }
}
