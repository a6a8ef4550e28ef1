package dev.grad4j;

import com.fasterxml.jackson.databind.JsonNode;
import dev.grad4j.autograd.Tensor;
import dev.grad4j.nn.Losses;
import dev.grad4j.tensor.IntArray;

import java.util.List;

/** Maps the golden loss ops onto {@link Losses}; the label input of {@code cross_entropy} is {@code labels.get(0)}. */
final class GoldenLosses {

    private GoldenLosses() {
    }

    static Tensor apply(String op, List<Tensor> x, List<IntArray> labels, JsonNode attrs) {
        switch (op) {
            case "mse_loss": return Losses.mse(x.get(0), x.get(1));
            case "bce_with_logits": return Losses.binaryCrossEntropyWithLogits(x.get(0), x.get(1));
            case "soft_cross_entropy": return Losses.softCrossEntropy(x.get(0), x.get(1));
            case "cross_entropy": return Losses.crossEntropy(x.get(0), labels.get(0), crossEntropyOptions(attrs));
            case "nll_loss": return Losses.nllLoss(x.get(0), labels.get(0), reduction(attrs),
                    attrs.get("ignore_index").asInt());
            case "l1_loss": return Losses.l1Loss(x.get(0), x.get(1), reduction(attrs));
            case "smooth_l1_loss": return Losses.smoothL1Loss(x.get(0), x.get(1),
                    (float) attrs.get("beta").asDouble(), reduction(attrs));
            case "huber_loss": return Losses.huberLoss(x.get(0), x.get(1),
                    (float) attrs.get("delta").asDouble(), reduction(attrs));
            case "kl_div": return klDiv(x.get(0), x.get(1), attrs);
            default:
                return GoldenOps.unknown(op);
        }
    }

    /** The options of a cross_entropy case: losses.json has {@code attrs {}} (the defaults), layers.json every key. */
    private static Losses.CrossEntropyOptions crossEntropyOptions(JsonNode attrs) {
        Losses.CrossEntropyOptions o = Losses.CrossEntropyOptions.DEFAULTS;
        if (attrs != null && attrs.has("reduction")) {
            o = o.withReduction(reduction(attrs));
        }
        if (attrs != null && attrs.has("ignore_index")) {
            o = o.withIgnoreIndex(attrs.get("ignore_index").asInt());
        }
        if (attrs != null && attrs.has("label_smoothing")) {
            o = o.withLabelSmoothing((float) attrs.get("label_smoothing").asDouble());
        }
        return o;
    }

    private static Losses.Reduction reduction(JsonNode attrs) {
        String r = attrs.get("reduction").asText();
        switch (r) {
            case "mean": return Losses.Reduction.MEAN;
            case "sum": return Losses.Reduction.SUM;
            case "none": return Losses.Reduction.NONE;
            default:
                throw new IllegalArgumentException("golden: unknown reduction '" + r + "'");
        }
    }

    private static Tensor klDiv(Tensor input, Tensor target, JsonNode attrs) {
        if (attrs.get("log_target").asBoolean()) {
            throw new IllegalArgumentException("golden: kl_div with log_target true is not supported");
        }
        String r = attrs.get("reduction").asText();
        return r.equals("batchmean") ? Losses.klDiv(input, target) : Losses.klDiv(input, target, reduction(attrs));
    }
}
