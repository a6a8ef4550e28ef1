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
            case "permute": return x.get(0).permute(GoldenJson.ints(attrs.get("dims")));
            case "squeeze": return x.get(0).squeeze(attrs.get("dim").asInt());
            case "unsqueeze": return x.get(0).unsqueeze(attrs.get("dim").asInt());
            case "cat": return Tensor.cat(attrs.get("dim").asInt(), x);
            case "stack": return Tensor.stack(attrs.get("dim").asInt(), x);
            case "narrow": return x.get(0).narrow(attrs.get("dim").asInt(), attrs.get("start").asInt(), attrs.get("length").asInt());
            case "index_select": return x.get(0).indexSelect(attrs.get("dim").asInt(), ints.get(0));
            case "gather": return x.get(0).gather(attrs.get("dim").asInt(), ints.get(0));
            case "where": return Tensor.where(ints.get(0), x.get(1), x.get(2));
            case "masked_fill": return x.get(0).maskedFill(ints.get(0), (float) attrs.get("value").asDouble());
            case "var": return x.get(0).var(axes(attrs), attrs.get("correction").asInt(), attrs.get("keepdim").asBoolean());
            case "std": return x.get(0).std(axes(attrs), attrs.get("correction").asInt(), attrs.get("keepdim").asBoolean());
            case "logsumexp": return x.get(0).logSumExp(axes(attrs), attrs.get("keepdim").asBoolean());
            case "min": return x.get(0).min(axes(attrs), attrs.get("keepdim").asBoolean());
            case "clamp": return x.get(0).clamp(optionalFloat(attrs.get("min")), optionalFloat(attrs.get("max")));
            case "gelu": return x.get(0).gelu("tanh".equals(attrs.get("approximate").asText()));
            case "silu": return x.get(0).silu();
            case "leaky_relu": return x.get(0).leakyRelu((float) attrs.get("negative_slope").asDouble());
            case "softplus": return x.get(0).softplus((float) attrs.get("beta").asDouble(), (float) attrs.get("threshold").asDouble());
            case "elu": return x.get(0).elu((float) attrs.get("alpha").asDouble());
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

    private static int[] axes(JsonNode attrs) {
        JsonNode a = attrs.get("axes");
        return a == null || a.isNull() ? null : GoldenJson.ints(a);
    }

    private static Float optionalFloat(JsonNode v) {
        return v == null || v.isNull() ? null : (float) v.asDouble();
    }

    private static Integer nullableInt(JsonNode n) {
        return n == null || n.isNull() ? null : n.asInt();
    }
}
