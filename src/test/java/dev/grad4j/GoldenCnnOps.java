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
            default:
                return null;
        }
    }
}
