package dev.grad4j.tensor;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IntArrayTest {

    @Test
    void holdsIntegersRowMajorAndNeverExposesItsStorage() {
        int[] data = {3, 1, 4, 1, 5, 9};
        IntArray a = IntArray.of(data, 2, 3);
        data[0] = 100;

        assertThat(a.shape()).isEqualTo(Shape.of(2, 3));
        assertThat(a.get(0, 0)).isEqualTo(3);
        assertThat(a.get(1, 2)).isEqualTo(9);
        int[] copy = a.toArray();
        copy[1] = -1;
        assertThat(a.get(0, 1)).isEqualTo(1);
        assertThat(a.reshape(3, -1).shape()).isEqualTo(Shape.of(3, 2));
        assertThat(IntArray.vector(7, 8).shape()).isEqualTo(Shape.of(2));
        assertThat(IntArray.scalar(5).item()).isEqualTo(5);
        assertThat(IntArray.zeros(2, 2).toArray()).containsExactly(0, 0, 0, 0);
        assertThat(a.toFloat().toArray()).containsExactly(3f, 1f, 4f, 1f, 5f, 9f);
        assertThat(a).isEqualTo(IntArray.of(new int[] {3, 1, 4, 1, 5, 9}, 2, 3)).hasSameHashCodeAs(
                IntArray.of(new int[] {3, 1, 4, 1, 5, 9}, 2, 3));
        assertThat(a).isNotEqualTo(IntArray.of(new int[] {3, 1, 4, 1, 5, 9}, 3, 2));
        assertThat(a.toString()).isEqualTo("IntArray[2, 3] [3, 1, 4, 1, 5, 9]");
    }

    @Test
    void rejectsBadSizesIndicesAndRanges() {
        assertThatThrownBy(() -> IntArray.of(new int[] {1, 2, 3}, 2, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("IntArray.of")
                .hasMessageContaining("[2, 2]");
        IntArray a = IntArray.of(new int[] {0, 1, 2, 3}, 2, 2);
        assertThatThrownBy(() -> a.get(2, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("out of range for shape [2, 2]");
        assertThatThrownBy(() -> a.get(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1 indices for shape [2, 2]");
        assertThatThrownBy(a::item).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> a.reshape(3, -1)).isInstanceOf(IllegalArgumentException.class);
        a.requireRange("embedding", "id", 4);
        assertThatThrownBy(() -> a.requireRange("embedding", "id", 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("embedding: id 3 at flat position 3 is outside [0, 3)");
        assertThatThrownBy(() -> IntArray.of(null, 1)).isInstanceOf(NullPointerException.class);
    }
}
