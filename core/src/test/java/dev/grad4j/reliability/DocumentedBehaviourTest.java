package dev.grad4j.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.grad4j.autograd.GradCheck;
import dev.grad4j.autograd.Gradients;
import dev.grad4j.autograd.Tensor;
import dev.grad4j.nn.optim.GradientClipping;
import dev.grad4j.nn.optim.SGD;
import dev.grad4j.tensor.NDArray;
import dev.grad4j.tensor.Shape;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Documented edge behaviour that the Javadoc states, and null checks on the quieter paths. */
class DocumentedBehaviourTest {

    @Test
    void clipNormWithAnInfiniteGradientBehavesAsDocumentedAndAsPyTorch() {
        Tensor x = Tensor.var("x", NDArray.of(new float[] {1e30f, 1f}, 2));
        // d/dx of sum(x * x * 1e10) overflows to +inf for the first element only.
        Gradients g = x.mul(x).mul(Tensor.constant(NDArray.scalar(1e10f))).sum().backward();
        assertThat(g.wrt(x).toArray()[0]).isEqualTo(Float.POSITIVE_INFINITY);
        double norm = GradientClipping.clipNorm(g, 1f);
        assertThat(norm).isInfinite();
        float[] clipped = g.wrt(x).toArray();
        assertThat(clipped[0]).isNaN();     // inf * 0, as torch.nn.utils.clip_grad_norm_
        assertThat(clipped[1]).isZero();
    }

    @Test
    void readingAnIntArrayNeverExposesItsStorage() {
        int[] data = {1, 2, 3};
        dev.grad4j.tensor.IntArray a = dev.grad4j.tensor.IntArray.of(data, 3);
        data[0] = 9;
        a.toArray()[1] = 9;
        assertThat(a.toArray()).containsExactly(1, 2, 3);
    }

    @Test
    void optimizerLoadStateDictReportsANullKey() {
        Tensor w = Tensor.var("w", NDArray.ones(2));
        SGD sgd = new SGD(List.of(w), 0.1f);
        Map<String, NDArray> state = new HashMap<>(sgd.stateDict());
        state.put(null, NDArray.ones(1));
        assertThatThrownBy(() -> sgd.loadStateDict(state))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("SGD.loadStateDict: state does not match: unexpected null key");
        assertThat(sgd.learningRate()).isEqualTo(0.1f);
    }

    @Test
    void gradCheckResultNamesNullArguments() {
        assertThatThrownBy(() -> new GradCheck.Result(null, GradCheck.Options.DEFAULTS))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("gradcheck: inputs is null");
        assertThatThrownBy(() -> new GradCheck.Result(java.util.Arrays.asList((GradCheck.InputReport) null),
                GradCheck.Options.DEFAULTS))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("gradcheck: report 0 of inputs is null");
        assertThatThrownBy(() -> new GradCheck.Result(List.of(), null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("gradcheck: options is null");
        assertThatThrownBy(() -> new GradCheck.InputReport(0, null, Shape.of(1), 0, 0, 0, 0, 0, true))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("gradcheck: report name is null");
    }
}
