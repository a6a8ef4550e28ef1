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
            case "max_pool2d": return x.get(0).maxPool2d(GoldenJson.ints(attrs.get("kernel")), GoldenJson.ints(attrs.get("stride")), GoldenJson.ints(attrs.get("padding")));
            case "avg_pool2d": return x.get(0).avgPool2d(GoldenJson.ints(attrs.get("kernel")), GoldenJson.ints(attrs.get("stride")), GoldenJson.ints(attrs.get("padding")), attrs.get("count_include_pad").asBoolean());
            case "adaptive_avg_pool2d": return x.get(0).adaptiveAvgPool2d(attrs.get("output_size").get(0).asInt(), attrs.get("output_size").get(1).asInt());
            case "batch_norm": return attrs.get("training").asBoolean() ? x.get(0).batchNorm(x.get(1), x.get(2), null, null, true, 0.1f, (float) attrs.get("eps").asDouble()) : x.get(0).batchNorm(x.get(1), x.get(2), x.get(3).value(), x.get(4).value(), false, 0.1f, (float) attrs.get("eps").asDouble());
            case "flatten": return x.get(0).flatten(attrs.get("start_dim").asInt(), attrs.get("end_dim").asInt());
            default:
                return null;
        }
    }
}
