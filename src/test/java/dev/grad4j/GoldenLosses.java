package dev.grad4j;

import com.fasterxml.jackson.databind.JsonNode;
import dev.grad4j.autograd.Tensor;

import java.util.List;

/** Maps the golden loss ops onto grad4j's losses (filled in with the nn layer). */
final class GoldenLosses {

    private GoldenLosses() {
    }

    static Tensor apply(String op, List<Tensor> x, List<int[]> labels, JsonNode attrs) {
        return GoldenOps.unknown(op);
    }
}
