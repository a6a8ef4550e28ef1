package dev.grad4j.autograd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.grad4j.tensor.Backend;
import dev.grad4j.tensor.NDArray;
import dev.grad4j.tensor.Shape;

import org.junit.jupiter.api.Test;

/** Tensor construction, accessors, recording rules and {@link Gradients}. */
class TensorTest {

    @Test
    void variableHoldsItsArrayAndName() {
        NDArray value = NDArray.ones(2, 3);
        Tensor w = Tensor.var("w", value);
        assertThat(w.value()).isSameAs(value);
        assertThat(w.name()).isEqualTo("w");
        assertThat(w.op()).isEqualTo("var");
        assertThat(w.shape()).isEqualTo(Shape.of(2, 3));
        assertThat(w.requiresGrad()).isTrue();
        assertThat(w.inputs()).isEmpty();
        assertThat(w).hasToString("Tensor[w, var, [2, 3]]");
        // an optimizer updating the array in place updates the variable
        Backend.cpu().scaleInPlace(value, 2f);
        assertThat(w.value().toArray()).containsOnly(2f);
    }

    @Test
    void constantsAreNotTracked() {
        Tensor c = Tensor.constant(NDArray.ones(2));
        assertThat(c.requiresGrad()).isFalse();
        assertThat(c.name()).isNull();
        assertThat(c.op()).isEqualTo("constant");
        assertThat(c).hasToString("Tensor[constant, [2]]");
        Tensor s = Tensor.constant(2.5f);
        assertThat(s.shape()).isEqualTo(Shape.scalar());
        assertThat(s.item()).isEqualTo(2.5f);
        assertThat(c.exp().requiresGrad()).isFalse();
        assertThat(c.exp().inputs()).isEmpty();
    }

    @Test
    void opResultsRecordTheirInputs() {
        Tensor a = Tensor.var("a", NDArray.ones(2));
        Tensor c = Tensor.constant(NDArray.ones(2));
        Tensor y = a.mul(c);
        assertThat(y.op()).isEqualTo("mul");
        assertThat(y.name()).isNull();
        assertThat(y.requiresGrad()).isTrue();
        assertThat(y.inputs()).containsExactly(a, c);
        assertThat(y).hasToString("Tensor[mul, [2]]");
    }

    @Test
    void opNamesFollowTheOps() {
        Tensor x = Tensor.var("x", NDArray.ones(2, 2));
        assertThat(x.relu().op()).isEqualTo("relu");
        assertThat(x.sigmoid().op()).isEqualTo("sigmoid");
        assertThat(x.softmax(0).op()).isEqualTo("softmax");
        assertThat(x.logSoftmax(0).op()).isEqualTo("logSoftmax");
        assertThat(x.pow(2f).op()).isEqualTo("pow");
        assertThat(x.transpose(0, 1).op()).isEqualTo("transpose");
        assertThat(x.sum().op()).isEqualTo("sum");
        assertThat(x.max().op()).isEqualTo("max");
        assertThat(x.mean().op()).isEqualTo("mean");
        assertThat(x.linear(x, null).op()).isEqualTo("linear");
        assertThat(x.matmul(x).op()).isEqualTo("matmul");
        assertThat(x.reshape(4).op()).isEqualTo("reshape");
    }

    @Test
    void inputsListIsUnmodifiable() {
        Tensor a = Tensor.var("a", NDArray.ones(1));
        Tensor y = a.exp();
        assertThatThrownBy(() -> y.inputs().clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void recordTracksOnlyWhenAnInputIsTracked() {
        Tensor v = Tensor.var("v", NDArray.ones(1));
        Tensor c = Tensor.constant(NDArray.ones(1));
        BackwardRule identity = (i, g) -> g;
        assertThat(Tensor.record("id", NDArray.ones(1), identity, c).requiresGrad()).isFalse();
        assertThat(Tensor.record("id", NDArray.ones(1), identity, c, v).requiresGrad()).isTrue();
        assertThat(Tensor.record("id", NDArray.ones(1), identity).requiresGrad()).isFalse();
        Tensor[] inputs = {v};
        Tensor y = Tensor.record("id", NDArray.ones(1), identity, inputs);
        inputs[0] = c; // the recorded inputs are a copy
        assertThat(y.inputs()).containsExactly(v);
    }

    @Test
    void recordRejectsNulls() {
        Tensor v = Tensor.var("v", NDArray.ones(1));
        assertThatThrownBy(() -> Tensor.record(null, NDArray.ones(1), (i, g) -> g, v))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("op");
        assertThatThrownBy(() -> Tensor.record("x", null, (i, g) -> g, v)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("value");
        assertThatThrownBy(() -> Tensor.record("x", NDArray.ones(1), null, v)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("rule");
        assertThatThrownBy(() -> Tensor.var(null, NDArray.ones(1))).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("name");
        assertThatThrownBy(() -> Tensor.var("v", null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> Tensor.constant(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void itemOfAMultiElementTensorIsRejected() {
        assertThatThrownBy(() -> Tensor.constant(NDArray.ones(2)).item()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("item");
    }

    // ---- Gradients ----------------------------------------------------------------------------

    @Test
    void gradientsListVariablesInDeterministicOrderAndScale() {
        Tensor a = Tensor.var("a", NDArray.of(new float[] {1, 2}, 2));
        Tensor b = Tensor.var("b", NDArray.of(new float[] {3, 4}, 2));
        Gradients g = a.mul(b).sum().backward();
        assertThat(g.variables()).containsExactlyInAnyOrder(a, b);
        assertThat(a.mul(b).sum().backward().variables()).containsExactlyElementsOf(g.variables());
        assertThatThrownBy(() -> g.variables().clear()).isInstanceOf(UnsupportedOperationException.class);
        Gradients half = g.scale(0.5f);
        assertThat(half.wrt(a).toArray()).containsExactly(1.5f, 2f);
        assertThat(half.wrt(b).toArray()).containsExactly(0.5f, 1f);
        assertThat(g.wrt(a).toArray()).containsExactly(3f, 4f); // the original is unchanged
        assertThat(g.toString()).startsWith("Gradients[").contains("a[2]").contains("b[2]");
    }

    @Test
    void wrtOfNullIsRejected() {
        Tensor a = Tensor.var("a", NDArray.ones(1));
        Gradients g = a.exp().sum().backward();
        assertThatThrownBy(() -> g.wrt(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("variable");
    }

    @Test
    void wrtOfAnIntermediateNamesIt() {
        Tensor a = Tensor.var("a", NDArray.ones(1));
        Tensor mid = a.exp();
        Gradients g = mid.sum().backward();
        assertThatThrownBy(() -> g.wrt(mid)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Tensor[exp, [1]]");
    }
}
