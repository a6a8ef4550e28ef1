package dev.grad4j.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.grad4j.autograd.Tensor;
import dev.grad4j.tensor.NDArray;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** The stateless CNN modules: MaxPool2d, AvgPool2d, AdaptiveAvgPool2d, Flatten. */
class PoolingModulesTest {

    private static final Tensor X = Tensor.constant(NDArray.randn(new SplittableRandom(1), 2, 3, 8, 6));

    @Test
    void maxPoolShapesDefaultsAndValues() {
        assertThat(new MaxPool2d(2).forward(X).shape().toArray()).containsExactly(2, 3, 4, 3);
        assertThat(new MaxPool2d(3, 2, 1).forward(X).shape().toArray()).containsExactly(2, 3, 4, 3);
        assertThat(new MaxPool2d(new int[] {3, 2}, new int[] {1, 2}, new int[] {1, 0}).forward(X).shape().toArray())
                .containsExactly(2, 3, 8, 3);
        assertThat(new MaxPool2d(2).forward(X).value()).isEqualTo(X.maxPool2d(2).value());
        assertThat(new MaxPool2d(3, 2, 1).forward(X).value())
                .isEqualTo(X.maxPool2d(new int[] {3, 3}, new int[] {2, 2}, new int[] {1, 1}).value());
        assertThat(new MaxPool2d(2)).hasToString("MaxPool2d(kernel_size=2, stride=2, padding=0)");
        assertThat(new MaxPool2d(2).namedParameters()).isEmpty();
        assertThat(new MaxPool2d(2).stateDict()).isEmpty();
    }

    @Test
    void avgPoolShapesDefaultsAndValues() {
        assertThat(new AvgPool2d(2).forward(X).value()).isEqualTo(X.avgPool2d(2).value());
        assertThat(new AvgPool2d(3, 1, 1).forward(X).value())
                .isEqualTo(X.avgPool2d(new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1}, true).value());
        AvgPool2d excl = new AvgPool2d(new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1}, false);
        assertThat(excl.forward(X).value())
                .isEqualTo(X.avgPool2d(new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1}, false).value());
        assertThat(excl).hasToString("AvgPool2d(kernel_size=3, stride=1, padding=1, count_include_pad=false)");
        assertThat(new AvgPool2d(2).stateDict()).isEmpty();
    }

    @Test
    void adaptiveAvgPoolShapes() {
        assertThat(new AdaptiveAvgPool2d(1).forward(X).shape().toArray()).containsExactly(2, 3, 1, 1);
        assertThat(new AdaptiveAvgPool2d(5, 7).forward(X).shape().toArray()).containsExactly(2, 3, 5, 7);
        assertThat(new AdaptiveAvgPool2d(2, 3)).hasToString("AdaptiveAvgPool2d(output_size=(2, 3))");
    }

    @Test
    void flattenDefaultsToEveryDimButTheBatch() {
        assertThat(new Flatten().forward(X).shape().toArray()).containsExactly(2, 144);
        assertThat(new Flatten(0, -1).forward(X).shape().toArray()).containsExactly(288);
        assertThat(new Flatten(1, 2).forward(X).shape().toArray()).containsExactly(2, 24, 6);
        assertThat(new Flatten()).hasToString("Flatten(start_dim=1, end_dim=-1)");
    }

    @Test
    void aSmallCnnRunsForwardAndBackward() {
        Tensor x = Tensor.var("x", NDArray.randn(new SplittableRandom(2), 4, 2, 8, 8));
        Module model = new Sequential(new MaxPool2d(2), new AvgPool2d(3, 1, 1), new AdaptiveAvgPool2d(3), new Flatten(),
                new Linear(18, 5, new SplittableRandom(3)));
        Tensor y = model.forward(x);
        assertThat(y.shape().toArray()).containsExactly(4, 5);
        assertThat(y.sum().backward().wrt(x).shape()).isEqualTo(x.shape());
    }

    @Test
    void badArgumentsAreRejectedAtConstruction() {
        assertThatThrownBy(() -> new MaxPool2d(0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("MaxPool2d");
        assertThatThrownBy(() -> new MaxPool2d(2, 2, 2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("MaxPool2d").hasMessageContaining("padding [2, 2]");
        assertThatThrownBy(() -> new AvgPool2d(new int[] {2}, new int[] {1, 1}, new int[] {0, 0}, true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("AvgPool2d").hasMessageContaining("kernel");
        assertThatThrownBy(() -> new AvgPool2d(2, 0, 0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stride");
        assertThatThrownBy(() -> new AdaptiveAvgPool2d(0, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("AdaptiveAvgPool2d");
        assertThatThrownBy(() -> new MaxPool2d(2).forward(Tensor.constant(NDArray.ones(4, 4))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxPool2d").hasMessageContaining("[4, 4]");
    }
}
