package dev.grad4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.grad4j.tensor.NDArray;
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
}
