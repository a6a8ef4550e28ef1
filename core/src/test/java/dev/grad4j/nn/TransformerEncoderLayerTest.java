package dev.grad4j.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.grad4j.autograd.Autograd;
import dev.grad4j.autograd.GradCheck;
import dev.grad4j.autograd.Gradients;
import dev.grad4j.autograd.Tensor;
import dev.grad4j.io.SafeTensors;
import dev.grad4j.nn.TransformerEncoderLayer.Activation;
import dev.grad4j.nn.TransformerEncoderLayer.Options;
import dev.grad4j.tensor.Backend;
import dev.grad4j.tensor.IntArray;
import dev.grad4j.tensor.NDArray;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * TransformerEncoderLayer: the PyTorch fixture loaded by torch names (with and without the causal
 * mask), state-dict names, both norm placements against a composition of primitive ops, gradients,
 * dropout in the two modes, and bad arguments.
 */
class TransformerEncoderLayerTest {

    private static final List<String> TORCH_NAMES = List.of("self_attn.in_proj_weight", "self_attn.in_proj_bias",
            "self_attn.out_proj.weight", "self_attn.out_proj.bias", "linear1.weight", "linear1.bias",
            "linear2.weight", "linear2.bias", "norm1.weight", "norm1.bias", "norm2.weight", "norm2.bias");

    @Test
    @SuppressWarnings("try") // the scope is used only for its effect
    void pyTorchFixtureLoadsByNameAndReproducesBothOutputs() throws IOException {
        JsonNode exp = InteropFixtures.expected("torch_transformer_encoder_d8_h2_ff16");
        Options opts = Options.DEFAULTS.withDimFeedforward(16).withDropout(0f).withActivation(Activation.GELU)
                .withNormFirst(true);
        TransformerEncoderLayer layer = new TransformerEncoderLayer(8, 2, opts, new SplittableRandom(6));
        List<String> names = new ArrayList<>();
        exp.get("parameter_names").forEach(n -> names.add(n.asText()));
        assertThat(layer.stateDict().keySet()).containsExactlyElementsOf(names);
        layer.loadStateDict(SafeTensors.load(InteropFixtures.DIR.resolve("torch_transformer_encoder_d8_h2_ff16.safetensors")));
        layer.eval();
        Tensor x = Tensor.constant(InteropFixtures.array(exp.get("input")));
        int t = x.shape().dim(1);
        int[] upper = new int[t * t];
        for (int i = 0; i < t; i++) {
            for (int j = i + 1; j < t; j++) {
                upper[i * t + j] = 1;
            }
        }
        try (var scope = Autograd.noGrad()) {
            InteropFixtures.assertWithin("output", layer.forward(x).value(), InteropFixtures.array(exp.get("output")),
                    exp.get("tolerance"));
            InteropFixtures.assertWithin("causal output", layer.forward(x, null, true).value(),
                    InteropFixtures.array(exp.get("output_causal")), exp.get("tolerance"));
            // the causal mask given explicitly as PyTorch's src_mask
            InteropFixtures.assertWithin("output with src_mask", layer.forward(x, IntArray.of(upper, t, t), false).value(),
                    InteropFixtures.array(exp.get("output_causal")), exp.get("tolerance"));
        }
    }

    @Test
    void hasPyTorchNamesChildrenDefaultsAndInit() {
        TransformerEncoderLayer layer = new TransformerEncoderLayer(8, 2, new SplittableRandom(1));
        assertThat(layer.stateDict().keySet()).containsExactlyElementsOf(TORCH_NAMES);
        assertThat(layer.namedParameters().keySet()).containsExactlyElementsOf(TORCH_NAMES);
        assertThat(layer.namedBuffers()).isEmpty();
        assertThat(layer.namedChildren().keySet()).containsExactly("self_attn", "linear1", "dropout", "linear2",
                "norm1", "norm2", "dropout1", "dropout2");
        assertThat(layer.options()).isEqualTo(Options.DEFAULTS);
        assertThat(Options.DEFAULTS).isEqualTo(new Options(2048, 0.1f, Activation.RELU, 1e-5f, false));
        Map<String, Tensor> p = layer.namedParameters();
        assertThat(p.get("linear1.weight").shape().toArray()).containsExactly(2048, 8);
        assertThat(p.get("linear2.weight").shape().toArray()).containsExactly(8, 2048);
        // torch's nn.Linear default: weight and bias U(±1/sqrt(in)); both biases drawn, not zero
        assertBounded(p.get("linear1.weight"), 1 / Math.sqrt(8));
        assertBounded(p.get("linear1.bias"), 1 / Math.sqrt(8));
        assertBounded(p.get("linear2.weight"), 1 / Math.sqrt(2048));
        assertBounded(p.get("linear2.bias"), 1 / Math.sqrt(2048));
        assertThat(p.get("linear1.bias").value().toArray()).doesNotContain(0f);
        assertThat(p.get("self_attn.in_proj_bias").value().toArray()).containsOnly(0f);
        assertThat(p.get("norm1.weight").value().toArray()).containsOnly(1f);
        assertThat(layer.toString()).contains("dModel=8", "nHead=2", "dimFeedforward=2048", "RELU", "normFirst=false");
        // the same seed gives the same layer
        assertThat(new TransformerEncoderLayer(8, 2, new SplittableRandom(1)).stateDict()).isEqualTo(layer.stateDict());
    }

    private static void assertBounded(Tensor t, double bound) {
        for (float f : t.value().toArray()) {
            assertThat((double) Math.abs(f)).isLessThanOrEqualTo(bound);
        }
    }

    /** A small layer whose every parameter holds N(0, 0.5²) values, so biases and norms are tested too. */
    private static TransformerEncoderLayer tiny(Options opts, long seed) {
        TransformerEncoderLayer layer = new TransformerEncoderLayer(4, 2, opts, new SplittableRandom(seed));
        SplittableRandom r = new SplittableRandom(seed + 100);
        for (Tensor p : layer.parameters()) {
            NDArray fresh = Tensor.constant(NDArray.randn(r, p.shape().toArray())).mul(0.5f).value();
            Backend.cpu().assign(p.value(), fresh);
        }
        return layer;
    }

    /**
     * The layer spelled out with primitive ops from the parameters {@code ps} in state-dict order
     * (additive -1e9 causal mask, softmax, matmul), after PyTorch's {@code forward}.
     */
    private static Tensor composed(Tensor x, List<Tensor> ps, boolean normFirst, boolean gelu, boolean causal) {
        Tensor inW = ps.get(0);
        Tensor inB = ps.get(1);
        int e = x.shape().dim(2);
        int heads = 2;
        int hd = e / heads;
        int t = x.shape().dim(1);
        float[] add = new float[t * t];
        for (int i = 0; i < t; i++) {
            for (int j = 0; j < t; j++) {
                add[i * t + j] = causal && j > i ? -1e9f : 0f;
            }
        }
        Tensor mask = Tensor.constant(NDArray.of(add, t, t));
        java.util.function.Function<Tensor, Tensor> sa = h -> {
            Tensor q = h.matmul(inW.narrow(0, 0, e).transpose(0, 1)).add(inB.narrow(0, 0, e));
            Tensor k = h.matmul(inW.narrow(0, e, e).transpose(0, 1)).add(inB.narrow(0, e, e));
            Tensor v = h.matmul(inW.narrow(0, 2 * e, e).transpose(0, 1)).add(inB.narrow(0, 2 * e, e));
            Tensor[] outs = new Tensor[heads];
            for (int i = 0; i < heads; i++) {
                Tensor s = q.narrow(2, i * hd, hd).matmul(k.narrow(2, i * hd, hd).transpose(1, 2))
                        .mul((float) (1 / Math.sqrt(hd))).add(mask);
                outs[i] = s.softmax(-1).matmul(v.narrow(2, i * hd, hd));
            }
            return Tensor.cat(2, outs).matmul(ps.get(2).transpose(0, 1)).add(ps.get(3));
        };
        java.util.function.Function<Tensor, Tensor> ff = h -> {
            Tensor a = h.matmul(ps.get(4).transpose(0, 1)).add(ps.get(5));
            a = gelu ? a.gelu() : a.relu();
            return a.matmul(ps.get(6).transpose(0, 1)).add(ps.get(7));
        };
        java.util.function.Function<Tensor, Tensor> n1 = h -> h.layerNorm(new int[] {e}, ps.get(8), ps.get(9), 1e-5f);
        java.util.function.Function<Tensor, Tensor> n2 = h -> h.layerNorm(new int[] {e}, ps.get(10), ps.get(11), 1e-5f);
        if (normFirst) {
            x = x.add(sa.apply(n1.apply(x)));
            return x.add(ff.apply(n2.apply(x)));
        }
        x = n1.apply(x.add(sa.apply(x)));
        return n2.apply(x.add(ff.apply(x)));
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void equalsTheCompositionOfPrimitiveOpsInValueAndGradient(boolean normFirst) {
        Options opts = Options.DEFAULTS.withDimFeedforward(6).withNormFirst(normFirst);
        TransformerEncoderLayer layer = tiny(opts, 7);
        layer.eval(); // dropout 0.1 is inactive in evaluation mode
        List<Tensor> ps = layer.parameters();
        Tensor x = Tensor.var("x", NDArray.randn(new SplittableRandom(8), 2, 5, 4));
        NDArray up = NDArray.randn(new SplittableRandom(9), 2, 5, 4);
        for (boolean causal : new boolean[] {false, true}) {
            Tensor mine = layer.forward(x, null, causal);
            Tensor ref = composed(x, ps, normFirst, false, causal);
            assertClose(mine.value(), ref.value(), 1e-5);
            Gradients gm = mine.backward(up);
            Gradients gr = ref.backward(up);
            assertClose(gm.wrt(x), gr.wrt(x), 1e-4);
            for (Tensor p : ps) {
                assertClose(gm.wrt(p), gr.wrt(p), 1e-4);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void inputGradientMatchesFiniteDifferences(boolean normFirst) {
        Options opts = Options.DEFAULTS.withDimFeedforward(6).withDropout(0f).withActivation(Activation.GELU)
                .withNormFirst(normFirst);
        TransformerEncoderLayer layer = tiny(opts, 11);
        NDArray x = NDArray.randn(new SplittableRandom(12), 1, 3, 4);
        GradCheck.assertClose(xs -> layer.forward(xs.get(0), null, true),
                GradCheck.Options.DEFAULTS.withStep(1e-3).withTolerances(2e-3, 5e-3), x);
        GradCheck.assertClose(xs -> layer.forward(xs.get(0)),
                GradCheck.Options.DEFAULTS.withStep(1e-3).withTolerances(2e-3, 5e-3), x);
    }

    @Test
    void parameterGradientsOfTheCompositionMatchFiniteDifferences() {
        // the module's parameter gradients equal the composition's (test above); these check the composition
        TransformerEncoderLayer layer = tiny(Options.DEFAULTS.withDimFeedforward(6), 13);
        List<NDArray> inputs = new ArrayList<>();
        inputs.add(NDArray.randn(new SplittableRandom(14), 1, 3, 4));
        for (Tensor p : layer.parameters()) {
            inputs.add(p.value());
        }
        GradCheck.assertClose(xs -> composed(xs.get(0), xs.subList(1, xs.size()), false, true, true),
                GradCheck.Options.DEFAULTS.withStep(1e-3).withTolerances(2e-3, 5e-3), inputs.toArray(NDArray[]::new));
    }

    @Test
    void dropoutActsOnlyInTrainingModeAndRepeatsWithTheSeed() {
        Options opts = Options.DEFAULTS.withDimFeedforward(16).withDropout(0.5f);
        NDArray x = NDArray.randn(new SplittableRandom(15), 2, 5, 8);
        TransformerEncoderLayer a = new TransformerEncoderLayer(8, 2, opts, new SplittableRandom(16));
        TransformerEncoderLayer b = new TransformerEncoderLayer(8, 2, opts, new SplittableRandom(16));
        assertThat(a.isTraining()).isTrue();
        NDArray trainA = a.forward(Tensor.constant(x)).value();
        assertThat(b.forward(Tensor.constant(x)).value()).isEqualTo(trainA);
        assertThat(a.forward(Tensor.constant(x)).value()).isNotEqualTo(trainA); // fresh masks
        a.eval();
        b.eval();
        assertThat(a.namedChildren().values()).allMatch(m -> !m.isTraining());
        NDArray evalA = a.forward(Tensor.constant(x)).value();
        assertThat(evalA).isNotEqualTo(trainA);
        assertThat(a.forward(Tensor.constant(x)).value()).isEqualTo(evalA);
        assertThat(b.forward(Tensor.constant(x)).value()).isEqualTo(evalA);
        // dropout 0 in training mode equals evaluation mode
        TransformerEncoderLayer c = new TransformerEncoderLayer(8, 2, opts.withDropout(0f), new SplittableRandom(16));
        NDArray trainC = c.forward(Tensor.constant(x)).value();
        c.eval();
        assertThat(c.forward(Tensor.constant(x)).value()).isEqualTo(trainC).isEqualTo(evalA);
    }

    @Test
    void rejectsBadArguments() {
        SplittableRandom r = new SplittableRandom(17);
        assertThatThrownBy(() -> new TransformerEncoderLayer(10, 3, r))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("TransformerEncoderLayer").hasMessageContaining("dModel=10, nHead=3");
        assertThatThrownBy(() -> new TransformerEncoderLayer(0, 1, r))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dModel=0");
        assertThatThrownBy(() -> Options.DEFAULTS.withDimFeedforward(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dimFeedforward");
        assertThatThrownBy(() -> Options.DEFAULTS.withDropout(1.5f))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dropout");
        assertThatThrownBy(() -> Options.DEFAULTS.withLayerNormEps(-1f))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("layerNormEps");
        assertThatThrownBy(() -> Options.DEFAULTS.withActivation(null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("activation");
        TransformerEncoderLayer layer = new TransformerEncoderLayer(8, 2, Options.DEFAULTS.withDimFeedforward(4), r);
        assertThatThrownBy(() -> layer.forward(Tensor.constant(NDArray.zeros(5, 8))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("TransformerEncoderLayer").hasMessageContaining("[5, 8]");
        assertThatThrownBy(() -> layer.forward(Tensor.constant(NDArray.zeros(2, 5, 6))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("TransformerEncoderLayer").hasMessageContaining("[2, 5, 6]");
        assertThatThrownBy(() -> layer.forward(Tensor.constant(NDArray.zeros(2, 5, 8)), IntArray.zeros(4, 4), false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[4, 4]");
        assertThatThrownBy(() -> layer.forward(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("TransformerEncoderLayer");
    }

    private static void assertClose(NDArray a, NDArray b, double tol) {
        assertThat(a.shape()).isEqualTo(b.shape());
        float[] x = a.toArray();
        float[] y = b.toArray();
        for (int i = 0; i < x.length; i++) {
            assertThat((double) x[i]).as("element %d", i).isCloseTo(y[i], within(tol * (1 + Math.abs(y[i]))));
        }
    }
}
