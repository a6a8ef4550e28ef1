package dev.grad4j;

import com.fasterxml.jackson.databind.JsonNode;
import dev.grad4j.autograd.Tensor;
import dev.grad4j.tensor.IntArray;

import java.util.List;

/** Maps the sequence-model ops of layers.json (shape ops, reductions, activations, embedding, layer norm, attention, losses) onto grad4j; returns null for an op it does not know. */
final class GoldenSequenceOps {

    private GoldenSequenceOps() {
    }

    static Tensor apply(String op, List<Tensor> x, List<IntArray> ints, JsonNode attrs) {
        switch (op) {
            case "embedding": return x.get(1).embedding(ints.get(0), nullableInt(attrs.get("padding_idx")));
            case "layer_norm": return x.get(0).layerNorm(GoldenJson.ints(attrs.get("normalized_shape")),
                    x.get(1), x.get(2), (float) attrs.get("eps").asDouble());
            case "scaled_dot_product_attention": {
                JsonNode scale = attrs.get("scale");
                return Tensor.scaledDotProductAttention(x.get(0), x.get(1), x.get(2), null,
                        attrs.get("causal").asBoolean(), scale == null || scale.isNull() ? null : (float) scale.asDouble());
            }
            default:
                return null;
        }
    }

    private static Integer nullableInt(JsonNode n) {
        return n == null || n.isNull() ? null : n.asInt();
    }
}
