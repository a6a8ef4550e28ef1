package dev.grad4j.autograd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.grad4j.tensor.Backend;
import dev.grad4j.tensor.NDArray;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

/** The backward walk: accumulation, ordering, depth, determinism and its error reports. */
class TapeTest {

    private static final Backend B = Backend.cpu();

    @Test
    void tensorUsedTwiceAccumulates() {
        Tensor x = Tensor.var("x", NDArray.of(new float[] {1, -2, 3}, 3));
        assertThat(x.mul(x).sum().backward().wrt(x).toArray()).containsExactly(2, -4, 6);
        assertThat(x.add(x).sum().backward().wrt(x).toArray()).containsExactly(2, 2, 2);
        assertThat(x.sub(x).sum().backward().wrt(x).toArray()).containsExactly(0, 0, 0);
    }

    @Test
    void diamondGraphSumsBothPaths() {
        // y = 2x, z = exp(x), out = sum(y * z): d/dx = 2 exp(x) + 2x exp(x)
        NDArray xv = Inputs.randn(1, 4);
        Tensor x = Tensor.var("x", xv);
        Tensor y = x.mul(2f);
        Tensor z = x.exp();
        NDArray g = y.mul(z).sum().backward().wrt(x);
        float[] xs = xv.toArray();
        float[] gs = g.toArray();
        for (int i = 0; i < xs.length; i++) {
            double e = 2 * Math.exp(xs[i]) * (1 + xs[i]);
            assertThat((double) gs[i]).isCloseTo(e, org.assertj.core.api.Assertions.within(1e-5 * Math.max(1, Math.abs(e))));
        }
        GradCheck.assertClose(v -> v.get(0).mul(2f).mul(v.get(0).exp()).sum(), xv);
    }

    @Test
    void sharedSubexpressionUsedManyTimes() {
        // h is used by three consumers, one of them twice
        GradCheck.assertClose(v -> {
            Tensor h = v.get(0).tanh();
            return h.mul(h).add(h.sigmoid()).add(h.mul(v.get(1))).sum();
        }, Inputs.randn(2, 2, 3), Inputs.randn(3, 3));
    }

    @Test
    void broadcastOperandGetsGradientSummedToItsShape() {
        Tensor row = Tensor.var("row", NDArray.of(new float[] {1, 2, 3}, 3));
        Tensor m = Tensor.var("m", NDArray.ones(2, 3));
        Gradients g = m.add(row).sum().backward();
        assertThat(g.wrt(row).shape()).isEqualTo(row.shape());
        assertThat(g.wrt(row).toArray()).containsExactly(2, 2, 2);
        Tensor s = Tensor.var("s", NDArray.scalar(3f));
        assertThat(m.mul(s).sum().backward().wrt(s).item()).isEqualTo(6f);
    }

    @Test
    void deepChainDoesNotOverflowTheStack() {
        Tensor x = Tensor.var("x", NDArray.of(new float[] {1, 2}, 2));
        Tensor t = x;
        for (int i = 0; i < 10_000; i++) {
            t = t.add(x);
        }
        assertThat(t.sum().backward().wrt(x).toArray()).containsExactly(10_001f, 10_001f);
        Tensor c = x;
        for (int i = 0; i < 10_000; i++) {
            c = c.mul(1.0001f).neg();
        }
        assertThat(c.sum().backward().wrt(x).toArray()[0]).isCloseTo((float) Math.pow(1.0001, 10_000),
                org.assertj.core.api.Assertions.within(1e-2f));
    }

    @Test
    void repeatedBackwardIsDeterministic() {
        Tensor x = Tensor.var("x", Inputs.randn(4, 3, 4));
        Tensor w = Tensor.var("w", Inputs.randn(5, 5, 4));
        Tensor b = Tensor.var("b", Inputs.randn(6, 5));
        Tensor loss = x.linear(w, b).tanh().logSoftmax(1).mean();
        Gradients g1 = loss.backward(NDArray.scalar(1f), true);
        Gradients g2 = loss.backward();
        Gradients g3 = x.linear(w, b).tanh().logSoftmax(1).mean().backward();
        for (Tensor v : List.of(x, w, b)) {
            assertThat(g2.wrt(v)).isEqualTo(g1.wrt(v));
            assertThat(g3.wrt(v)).isEqualTo(g1.wrt(v));
        }
        assertThat(g1.variables()).containsExactlyElementsOf(g2.variables());
    }

    @Test
    void backwardReleasesTheGraphUnlessRetained() {
        Tensor x = Tensor.var("x", NDArray.of(new float[] {1, 2, 3}, 3));
        Tensor h = x.mul(x);
        Tensor loss = h.sum();
        assertThat(loss.backward().wrt(x).toArray()).containsExactly(2, 4, 6);
        assertThat(loss.inputs()).as("released").isEmpty();
        assertThat(h.inputs()).as("released").isEmpty();
        assertThat(loss.item()).as("values stay readable").isEqualTo(14f);
        assertThat(h.value().toArray()).containsExactly(1, 4, 9);
        assertThatThrownBy(loss::backward).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("backward: the graph through op 'sum' (output []) was released by an earlier backward")
                .hasMessageContaining("retainGraph");
        // a new graph over a released intermediate cannot reach the variable either
        assertThatThrownBy(() -> h.mul(2f).sum().backward()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the graph through op 'mul' (output [3]) was released");
        // variables are leaves and are never released
        assertThat(x.mul(3f).sum().backward().wrt(x).toArray()).containsExactly(3, 3, 3);
    }

    @Test
    void aRetainedGraphRunsBackwardAgainWithEqualResults() {
        Tensor x = Tensor.var("x", NDArray.of(new float[] {1, 2, 3}, 3));
        Tensor h = x.mul(x);
        Tensor y = h.mul(h);
        NDArray up = NDArray.of(new float[] {1, -1, 0.5f}, 3);
        NDArray first = y.backward(up, true).wrt(x);
        assertThat(y.inputs()).hasSize(2);
        NDArray second = y.backward(up, true).wrt(x);
        NDArray third = y.backward(up).wrt(x);
        assertThat(second).isEqualTo(first);
        assertThat(third).isEqualTo(first);
        assertThat(first.toArray()).containsExactly(4, -32, 54);
        assertThat(y.inputs()).isEmpty();
    }

    @Test
    void variableWithoutPathHasNoGradient() {
        Tensor x = Tensor.var("x", NDArray.ones(2));
        Tensor unused = Tensor.var("unused", NDArray.ones(3));
        Gradients g = x.sum().backward();
        assertThatThrownBy(() -> g.wrt(unused)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'unused'").hasMessageContaining("[3]")
                .hasMessageContaining("did not influence the output");
        assertThat(g.find(unused)).isEmpty();
        assertThat(g.find(x)).isPresent();
        assertThat(g.variables()).containsExactly(x);
    }

    @Test
    void constantsGetNoGradient() {
        Tensor x = Tensor.var("x", NDArray.ones(2));
        Tensor c = Tensor.constant(NDArray.of(new float[] {3, 4}, 2));
        Gradients g = x.mul(c).sum().backward();
        assertThat(g.wrt(x).toArray()).containsExactly(3, 4);
        assertThat(g.find(c)).isEmpty();
        assertThatThrownBy(() -> g.wrt(c)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no gradient");
        assertThat(g.variables()).containsExactly(x);
    }

    @Test
    void detachCutsTheGradientPath() {
        Tensor x = Tensor.var("x", NDArray.of(new float[] {2}, 1));
        // d/dx (x * detach(x)) = detach(x) = 2, not 2x = 4
        assertThat(x.mul(x.detach()).sum().backward().wrt(x).item()).isEqualTo(2f);
    }

    @Test
    void nonScalarBackwardNeedsAnUpstream() {
        Tensor x = Tensor.var("x", NDArray.ones(2, 3));
        assertThatThrownBy(() -> x.mul(x).backward()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("backward: output must have one element, got shape [2, 3]");
        Gradients g = x.mul(x).backward(NDArray.full(0.5f, 2, 3));
        assertThat(g.wrt(x).toArray()).containsOnly(1f);
    }

    @Test
    void oneElementNonScalarOutputNeedsNoUpstream() {
        Tensor x = Tensor.var("x", NDArray.of(new float[] {3}, 1, 1));
        assertThat(x.mul(x).backward().wrt(x).item()).isEqualTo(6f);
    }

    @Test
    void upstreamShapeMustMatchOutput() {
        Tensor x = Tensor.var("x", NDArray.ones(2, 3));
        assertThatThrownBy(() -> x.exp().backward(NDArray.ones(3))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("backward: upstream shape [3] differs from output shape [2, 3]");
        assertThatThrownBy(() -> x.exp().backward(NDArray.ones(3, 2))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> x.exp().backward(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("upstream");
    }

    @Test
    void backwardOfAConstantResultIsRejected() {
        Tensor c = Tensor.constant(NDArray.ones(2));
        assertThatThrownBy(() -> c.exp().sum().backward()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("depends on no variable");
        assertThatThrownBy(() -> Tensor.constant(1f).backward()).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void backwardOfAVariableItselfIsTheUpstream() {
        Tensor x = Tensor.var("x", NDArray.scalar(5f));
        assertThat(x.backward().wrt(x).item()).isEqualTo(1f);
        Tensor v = Tensor.var("v", NDArray.ones(2));
        NDArray up = NDArray.of(new float[] {3, 4}, 2);
        NDArray g = v.backward(up).wrt(v);
        assertThat(g).isEqualTo(up);
        B.scaleInPlace(up, 0f); // the gradient is not the caller's array
        assertThat(g.toArray()).containsExactly(3, 4);
    }

    @Test
    void passThroughGradientsAreIndependentArrays() {
        Tensor a = Tensor.var("a", NDArray.ones(3));
        Tensor b = Tensor.var("b", NDArray.ones(3));
        NDArray up = NDArray.of(new float[] {1, 2, 3}, 3);
        Gradients g = a.add(b).backward(up);
        assertThat(g.wrt(a)).isNotSameAs(g.wrt(b)).isNotSameAs(up);
        B.scaleInPlace(g.wrt(a), 10f); // e.g. in-place gradient clipping of one parameter
        assertThat(g.wrt(b).toArray()).containsExactly(1, 2, 3);
        assertThat(up.toArray()).containsExactly(1, 2, 3);
    }

    @Test
    void rulesAreNotAskedForConstantInputs() {
        Tensor x = Tensor.var("x", NDArray.ones(2));
        Tensor c = Tensor.constant(NDArray.ones(2));
        List<Integer> asked = new ArrayList<>();
        Tensor y = Tensor.record("probe", x.value().copy(), (i, g) -> {
            asked.add(i);
            return g;
        }, c, x);
        y.sum().backward();
        assertThat(asked).containsExactly(1);
    }

    @Test
    void malformedCustomRulesAreReportedByOpName() {
        Tensor x = Tensor.var("x", NDArray.ones(2, 3));
        Tensor wrongShape = Tensor.record("myop", x.value().copy(), (i, g) -> NDArray.ones(3, 2), x);
        assertThatThrownBy(() -> wrongShape.sum().backward()).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("backward: rule of op 'myop' returned a gradient of shape [3, 2] for input 0 of shape"
                        + " [2, 3] (output [2, 3])");
        Tensor tooSmall = Tensor.record("myop", x.value().copy(), (i, g) -> NDArray.ones(3), x);
        assertThatThrownBy(() -> tooSmall.sum().backward()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'myop'").hasMessageContaining("[3]");
        Tensor nullRule = Tensor.record("nullop", x.value().copy(), (i, g) -> null, x);
        assertThatThrownBy(() -> nullRule.sum().backward()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rule of op 'nullop' returned null for input 0");
    }

    @Test
    void customRuleMayReturnTheBroadcastShape() {
        // a rule returning the gradient in a broadcast shape is summed back by the engine
        Tensor bias = Tensor.var("bias", NDArray.ones(3));
        NDArray batch = NDArray.ones(4, 3);
        Tensor y = Tensor.record("addrows", B.binary(dev.grad4j.tensor.BinaryOp.ADD, batch, bias.value()),
                (i, g) -> g, bias);
        assertThat(y.sum().backward().wrt(bias).toArray()).containsExactly(4, 4, 4);
    }

    @Test
    void separateGraphsOnSeveralThreadsGiveTheSameGradients() throws Exception {
        NDArray xv = Inputs.randn(7, 8, 6);
        NDArray wv = Inputs.randn(8, 4, 6);
        Tensor x0 = Tensor.var("x", xv);
        Tensor w0 = Tensor.var("w", wv);
        NDArray expected = x0.linear(w0, null).sigmoid().sum().backward().wrt(w0);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<NDArray>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                results.add(pool.submit(() -> {
                    Tensor x = Tensor.var("x", xv);
                    Tensor w = Tensor.var("w", wv);
                    return x.linear(w, null).sigmoid().sum().backward().wrt(w);
                }));
            }
            for (Future<NDArray> f : results) {
                assertThat(f.get()).isEqualTo(expected);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
