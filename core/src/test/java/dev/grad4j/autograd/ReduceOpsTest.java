package dev.grad4j.autograd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.grad4j.tensor.NDArray;
import dev.grad4j.tensor.Shape;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Finite-difference checks of sum, mean and max over sets of axes, with and without keepDim. */
class ReduceOpsTest {

    enum Kind { SUM, MEAN, MAX }

    static Stream<Arguments> reductions() {
        int[][][] table = {
            // shape, axes (null: all)
            {{}, null},
            {{}, {0}},
            {{5}, null},
            {{5}, {0}},
            {{5}, {-1}},
            {{2, 3}, null},
            {{2, 3}, {}},
            {{2, 3}, {0}},
            {{2, 3}, {1}},
            {{2, 3}, {-1, 0}},
            {{2, 3, 4}, {1}},
            {{2, 3, 4}, {0, 2}},
            {{2, 3, 4}, {-1, -2}},
            {{2, 3, 4}, {2, 0, 1}},
            {{3, 1, 2}, {1}},
        };
        List<Arguments> cases = new ArrayList<>();
        for (Kind k : Kind.values()) {
            for (int[][] row : table) {
                for (boolean keep : new boolean[] {false, true}) {
                    cases.add(Arguments.of(k, row[0], row[1], keep));
                }
            }
        }
        return cases.stream();
    }

    private static Tensor apply(Kind kind, Tensor x, int[] axes, boolean keepDim) {
        switch (kind) {
            case SUM: return x.sum(axes, keepDim);
            case MEAN: return x.mean(axes, keepDim);
            default: return x.max(axes, keepDim);
        }
    }

    @ParameterizedTest(name = "{0} {1} axes {2} keepDim {3}")
    @MethodSource("reductions")
    void reductionGradientsMatchFiniteDifferences(Kind kind, int[] dims, int[] axes, boolean keepDim) {
        // grid values are distinct, so max has no ties within the step
        NDArray x = kind == Kind.MAX ? Inputs.grid(1, 0.1, dims) : Inputs.randn(2, dims);
        GradCheck.assertClose(xs -> apply(kind, xs.get(0), axes, keepDim), x);
    }

    @Test
    void noArgumentFormsReduceToScalars() {
        NDArray x = Inputs.grid(3, 0.0, 2, 3);
        GradCheck.assertClose(xs -> xs.get(0).sum(), x);
        GradCheck.assertClose(xs -> xs.get(0).mean(), x);
        GradCheck.assertClose(xs -> xs.get(0).max(), x);
        assertThat(Tensor.var("x", x).sum().shape()).isEqualTo(Shape.scalar());
    }

    @Test
    void maxSplitsTiedGradientEqually() {
        Tensor x = Tensor.var("x", NDArray.of(new float[] {1, 3, 3, 2, 2, 2}, 2, 3));
        assertThat(x.max().backward().wrt(x).toArray()).containsExactly(0f, 0.5f, 0.5f, 0f, 0f, 0f);
        Gradients rows = x.max(new int[] {1}, false).backward(NDArray.of(new float[] {1, 3}, 2));
        assertThat(rows.wrt(x).toArray()).containsExactly(0f, 0.5f, 0.5f, 1f, 1f, 1f);
    }

    @Test
    void meanGradientIsOneOverGroupSize() {
        Tensor x = Tensor.var("x", NDArray.zeros(4, 5));
        assertThat(x.mean(new int[] {0}, false).sum().backward().wrt(x).toArray()).containsOnly(0.25f);
        assertThat(x.mean().backward().wrt(x).toArray()).containsOnly(0.05f);
    }

    @Test
    void axesArrayIsCopied() {
        int[] axes = {0};
        Tensor x = Tensor.var("x", Inputs.randn(4, 2, 3));
        Tensor s = x.sum(axes, false);
        axes[0] = 1; // changing the caller's array after the op must not change its backward
        assertThat(s.backward(NDArray.ones(3)).wrt(x)).isEqualTo(NDArray.ones(2, 3));
    }
}
