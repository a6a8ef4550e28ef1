package dev.grad4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.grad4j.tensor.IntArray;
import dev.grad4j.tensor.NDArray;
import dev.grad4j.tensor.Shape;
import org.junit.jupiter.api.Test;

class BatchTest {

    @Test
    void labelsAreCopiedInAndOut() {
        int[] labels = {1, 2};
        Batch b = new Batch(NDArray.zeros(2, 3), labels);
        labels[0] = 7;
        b.labels()[1] = 7;

        assertThat(b.labels()).containsExactly(1, 2);
        assertThat(b.size()).isEqualTo(2);
        assertThat(b).isEqualTo(new Batch(NDArray.zeros(2, 3), new int[] {1, 2}));
        assertThat(b).hasSameHashCodeAs(new Batch(NDArray.zeros(2, 3), new int[] {1, 2}));
        assertThat(b).isNotEqualTo(new Batch(NDArray.zeros(2, 3), new int[] {1, 3}));
        assertThat(b.toString()).isEqualTo("Batch[2: features [2, 3], labels]");
    }

    @Test
    void rejectsMismatchedSizes() {
        assertThatThrownBy(() -> new Batch(NDArray.zeros(2, 3), new int[3]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Batch: features have 2 examples but labels have 3");
        assertThatThrownBy(() -> new Batch(NDArray.zeros(2, 3), NDArray.zeros(3)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Batch: features and targets differ in batch size: [2, 3] and [3]");
        assertThatThrownBy(() -> new Batch(NDArray.scalar(1f), new int[1]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Batch: features need a batch dimension");
    }

    @Test
    void intArrayLabelsOfAnyShape() {
        IntArray perPixel = IntArray.of(new int[] {0, 1, 2, 3, 4, 5, 6, 7}, 2, 2, 2);
        Batch b = new Batch(NDArray.zeros(2, 3, 2, 2), perPixel);
        assertThat(b.labelArray()).isEqualTo(perPixel);
        assertThat(b.targets()).isNull();
        assertThat(b.intFeatures()).isNull();
        assertThat(b.size()).isEqualTo(2);
        assertThat(b.toString()).isEqualTo("Batch[2: features [2, 3, 2, 2], labels [2, 2, 2]]");
        assertThatThrownBy(b::labels).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Batch.labels").hasMessageContaining("[2, 2, 2]");
        // 1-D labels are the same batch whether given as int[] or IntArray
        Batch oneD = new Batch(NDArray.zeros(2, 3), IntArray.vector(1, 2));
        assertThat(oneD).isEqualTo(new Batch(NDArray.zeros(2, 3), new int[] {1, 2}))
                .hasSameHashCodeAs(new Batch(NDArray.zeros(2, 3), new int[] {1, 2}));
        assertThat(oneD.labels()).containsExactly(1, 2);
        assertThat(new Batch(NDArray.zeros(2, 3), new int[] {1, 2}).labelArray()).isEqualTo(IntArray.vector(1, 2));
        assertThat(new Batch(NDArray.zeros(2, 3), NDArray.zeros(2)).labelArray()).isNull();
    }

    @Test
    void tokenBatchHasIntegerInputsAndLabels() {
        IntArray inputs = IntArray.of(new int[] {5, 6, 7, 6, 7, 8}, 2, 3);
        IntArray next = IntArray.of(new int[] {6, 7, 8, 7, 8, 9}, 2, 3);
        Batch b = new Batch(inputs, next);
        assertThat(b.features()).isNull();
        assertThat(b.intFeatures()).isEqualTo(inputs);
        assertThat(b.labelArray()).isEqualTo(next);
        assertThat(b.size()).isEqualTo(2);
        assertThat(b.toString()).isEqualTo("Batch[2: inputs [2, 3], labels [2, 3]]");
        assertThat(b).isEqualTo(new Batch(IntArray.of(inputs.toArray(), 2, 3), next))
                .isNotEqualTo(new Batch(inputs, inputs));
        // the token batch feeds an embedding and cross-entropy over [N, C, T] logits
        assertThat(b.labelArray().shape()).isEqualTo(Shape.of(2, 3));
    }

    @Test
    void rejectsMismatchedIntegerShapes() {
        assertThatThrownBy(() -> new Batch(NDArray.zeros(2, 3), IntArray.zeros(3, 4)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Batch: features have 2 examples but labels have 3: features [2, 3] and labels [3, 4]");
        assertThatThrownBy(() -> new Batch(IntArray.zeros(4, 8), IntArray.zeros(3, 8)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Batch").hasMessageContaining("inputs [4, 8] and labels [3, 8]");
        assertThatThrownBy(() -> new Batch(IntArray.scalar(1), IntArray.zeros(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Batch: features need a batch dimension: inputs []");
        assertThatThrownBy(() -> new Batch(NDArray.zeros(1, 3), IntArray.scalar(0)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Batch: labels need a batch dimension").hasMessageContaining("labels []");
        assertThatThrownBy(() -> new Batch((IntArray) null, IntArray.zeros(1)))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("Batch");
    }
}
