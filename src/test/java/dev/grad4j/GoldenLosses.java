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
            case "cross_entropy": return Losses.crossEntropy(x.get(0), labels.get(0).toArray());
            default:
                return GoldenOps.unknown(op);
        }
    }
}
