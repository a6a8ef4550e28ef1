package dev.grad4j.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.grad4j.autograd.Tensor;
import dev.grad4j.nn.Linear;
import dev.grad4j.tensor.Backend;
import dev.grad4j.tensor.IntArray;
import dev.grad4j.tensor.NDArray;
import dev.grad4j.tensor.Shape;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Every product of sizes goes through {@link Shape#size(String, int...)}: an output that would hold
 * more elements than a Java array is refused naming the op, before anything of that size is allocated.
 */
class SizeArithmeticTest {

    private static final Backend B = Backend.cpu();

    @Test
    void shapeAdmitsAtMostTheLargestArray() {
        assertThat(Shape.of(Shape.MAX_SIZE).size()).isEqualTo(Integer.MAX_VALUE - 8);
        assertThatThrownBy(() -> Shape.of(Integer.MAX_VALUE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("shape: too many elements: [2147483647]")
                .hasMessageContaining(String.valueOf(Shape.MAX_SIZE));
        assertThatThrownBy(() -> NDArray.zeros(Integer.MAX_VALUE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("too many elements");
        assertThat(Shape.of(0, 65536, 65536).size()).isZero();
        assertThat(Shape.size("op", 46341, 46341, 0)).isZero();
        assertThatThrownBy(() -> Shape.of(65536, 65536, 0, -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("shape: negative dimension");
        assertThatThrownBy(() -> Shape.size("op", 3, -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("op: negative dimension: [3, -1]");
        assertThatThrownBy(() -> Shape.of("reshape", 65536, 65536))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reshape: too many elements");
    }

    @Test
    void broadcastOverflowNamesTheOp() {
        NDArray col = NDArray.zeros(46341, 1);
        NDArray row = NDArray.zeros(1, 46341);
        assertThatThrownBy(() -> B.binary(dev.grad4j.tensor.BinaryOp.ADD, col, row))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("too many elements");
    }

    @Test
    void linearOfAnOutputBeyondAnArrayFailsCleanly() {
        NDArray x = NDArray.ones(46341, 1);
        NDArray w = NDArray.ones(46341, 1);
        assertThatThrownBy(() -> B.linear(x, w, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("linear: too many elements: [46341, 46341]");
        assertThatThrownBy(() -> Tensor.constant(x).linear(Tensor.constant(w), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("linear: too many elements");
        Linear layer = new Linear(1, 46341, new SplittableRandom(1));
        assertThatThrownBy(() -> layer.forward(Tensor.constant(x)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("linear: too many elements");
        assertThatThrownBy(() -> B.matmul(x, false, w, true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("too many elements");
    }

    @Test
    void aConvolutionWhoseUnfoldedInputOverflowsFailsCleanly() {
        // 33 x 33 kernel over 2048 x 2048 positions: 1089 x 4194304 unfolded elements, above an int.
        NDArray x = NDArray.zeros(1, 1, 2048, 2048);
        NDArray w = NDArray.zeros(1, 1, 33, 33);
        assertThatThrownBy(() -> B.conv(x, w, null, new int[] {1, 1}, new int[] {16, 16}, new int[] {1, 1}, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("conv: the unfolded input of 1089 rows");
    }

    @Test
    void indexSelectAndEmbeddingOutputsAreChecked() {
        NDArray x = NDArray.ones(1, 46341);
        IntArray many = IntArray.of(new int[46341], 46341);
        assertThatThrownBy(() -> B.indexSelect(x, 0, many))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("indexSelect: too many elements: [46341, 46341]");
        assertThatThrownBy(() -> B.embedding(x, many))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("embedding: too many elements: [46341, 46341]");
        assertThatThrownBy(() -> new dev.grad4j.nn.Embedding(65536, 65536, null, new SplittableRandom(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Embedding: too many elements: [65536, 65536]");
    }
}
