package dev.grad4j;

import com.fasterxml.jackson.databind.JsonNode;
import dev.grad4j.autograd.Tensor;
import dev.grad4j.nn.optim.Adam;
import dev.grad4j.nn.optim.AdamW;
import dev.grad4j.nn.optim.Optimizer;
import dev.grad4j.nn.optim.SGD;
import dev.grad4j.tensor.NDArray;

import java.util.List;

import static org.assertj.core.api.Assertions.fail;

/**
 * Runs one optimizer trajectory case: a parameter stepped with five recorded gradients, compared
 * after each step.
 */
final class GoldenOptim {

    static final double RTOL = 1e-5;
    static final double ATOL = 1e-6;

    private GoldenOptim() {
    }

    static void run(JsonNode c) {
        Tensor p = Tensor.var("param", GoldenJson.tensor(c.get("param")));
        Optimizer optimizer = optimizer(c.get("optimizer").asText(), c.get("hyper"), List.of(p));
        JsonNode grads = c.get("grads");
        JsonNode expected = c.get("expected");
        for (int k = 0; k < grads.size(); k++) {
            NDArray g = GoldenJson.tensor(grads.get(k));
            // A gradient for p alone: the loss sum(p * g) has d/dp = g.
            optimizer.step(p.mul(Tensor.constant(g)).sum().backward());
            GoldenJson.check("param after step " + (k + 1), p.value(), GoldenJson.tensor(expected.get(k)), RTOL, ATOL);
        }
    }

    /** The optimizer named {@code name} with the golden {@code hyper} object (PyTorch names, all filled in). */
    static Optimizer optimizer(String name, JsonNode hyper, List<Tensor> params) {
        switch (name) {
            case "SGD":
                return new SGD(params, SGD.Config.builder(f(hyper, "lr"))
                        .momentum(f(hyper, "momentum"))
                        .dampening(f(hyper, "dampening"))
                        .nesterov(hyper.get("nesterov").asBoolean())
                        .weightDecay(f(hyper, "weight_decay"))
                        .build());
            case "Adam":
                return new Adam(params, adamConfig(hyper));
            case "AdamW":
                return new AdamW(params, adamConfig(hyper));
            default:
                fail("unknown optimizer '%s': the conformance test has no mapping for it", name);
                return null;
        }
    }

    private static Adam.Config adamConfig(JsonNode hyper) {
        JsonNode betas = hyper.get("betas");
        return Adam.Config.builder()
                .lr(f(hyper, "lr"))
                .betas((float) betas.get(0).asDouble(), (float) betas.get(1).asDouble())
                .eps(f(hyper, "eps"))
                .weightDecay(f(hyper, "weight_decay"))
                .amsgrad(hyper.get("amsgrad").asBoolean())
                .build();
    }

    private static float f(JsonNode hyper, String key) {
        JsonNode v = hyper.get(key);
        if (v == null) {
            fail("hyper has no '%s': %s", key, hyper);
        }
        return (float) v.asDouble();
    }
}
