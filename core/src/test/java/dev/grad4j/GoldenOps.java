package dev.grad4j;

import com.fasterxml.jackson.databind.JsonNode;
import dev.grad4j.autograd.Gradients;
import dev.grad4j.autograd.Tensor;
import dev.grad4j.tensor.IntArray;
import dev.grad4j.tensor.NDArray;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.fail;

/** Runs one op or loss case of the golden format: output and every non-null gradient. */
final class GoldenOps {

    private GoldenOps() {
    }

    static void run(JsonNode c, double rtol, double atol) {
        String op = c.get("op").asText();
        JsonNode attrs = c.get("attrs");
        List<Tensor> inputs = new ArrayList<>();
        List<IntArray> ints = new ArrayList<>();
        JsonNode in = c.get("inputs");
        for (int i = 0; i < in.size(); i++) {
            if (GoldenJson.isIntTensor(in.get(i))) {
                ints.add(GoldenJson.intTensor(in.get(i)));
                inputs.add(null);
            } else {
                inputs.add(Tensor.var("input" + i, GoldenJson.tensor(in.get(i))));
            }
        }
        Tensor out = apply(op, inputs, ints, attrs);
        GoldenJson.check("output", out.value(), GoldenJson.tensor(c.get("output")), rtol, atol);
        Gradients grads = out.backward(GoldenJson.tensor(c.get("upstream")));
        JsonNode expected = c.get("grads");
        for (int i = 0; i < expected.size(); i++) {
            if (expected.get(i).isNull()) {
                continue;
            }
            GoldenJson.check("grad of input " + i, grads.wrt(inputs.get(i)),
                    GoldenJson.tensor(expected.get(i)), rtol, atol);
        }
    }

    private static Tensor apply(String op, List<Tensor> x, List<IntArray> ints, JsonNode attrs) {
        switch (op) {
            case "add": return x.get(0).add(x.get(1));
            case "sub": return x.get(0).sub(x.get(1));
            case "mul": return x.get(0).mul(x.get(1));
            case "div": return x.get(0).div(x.get(1));
            case "maximum": return x.get(0).maximum(x.get(1));
            case "neg": return x.get(0).neg();
            case "exp": return x.get(0).exp();
            case "log": return x.get(0).log();
            case "sqrt": return x.get(0).sqrt();
            case "abs": return x.get(0).abs();
            case "relu": return x.get(0).relu();
            case "sigmoid": return x.get(0).sigmoid();
            case "tanh": return x.get(0).tanh();
            case "pow": return x.get(0).pow((float) attrs.get("exponent").asDouble());
            case "matmul": return x.get(0).matmul(x.get(1));
            case "transpose": return x.get(0).transpose(attrs.get("dim0").asInt(), attrs.get("dim1").asInt());
            case "reshape": return x.get(0).reshape(GoldenJson.ints(attrs.get("shape")));
            case "sum": return x.get(0).sum(axes(attrs), attrs.get("keepdim").asBoolean());
            case "mean": return x.get(0).mean(axes(attrs), attrs.get("keepdim").asBoolean());
            case "max": return x.get(0).max(axes(attrs), attrs.get("keepdim").asBoolean());
            case "softmax": return x.get(0).softmax(attrs.get("axis").asInt());
            case "log_softmax": return x.get(0).logSoftmax(attrs.get("axis").asInt());
            case "linear": return x.get(0).linear(x.get(1), x.size() > 2 ? x.get(2) : null);
            default:
                Tensor y = GoldenCnnOps.apply(op, x, ints, attrs);
                if (y == null) {
                    y = GoldenSequenceOps.apply(op, x, ints, attrs);
                }
                return y != null ? y : GoldenLosses.apply(op, x, ints, attrs);
        }
    }

    private static int[] axes(JsonNode attrs) {
        JsonNode a = attrs.get("axes");
        return a == null || a.isNull() ? null : GoldenJson.ints(a);
    }

    static Tensor unknown(String op) {
        fail("unknown op '%s': the conformance test has no mapping for it", op);
        return null;
    }

    static NDArray value(Tensor t) {
        return t.value();
    }
}
