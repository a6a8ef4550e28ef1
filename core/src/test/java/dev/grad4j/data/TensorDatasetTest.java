package dev.grad4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.grad4j.tensor.IntArray;
import dev.grad4j.tensor.NDArray;
import dev.grad4j.tensor.Shape;
import org.junit.jupiter.api.Test;

class TensorDatasetTest {

    /** Five examples of shape [2, 3]; example i holds 10 * i + 0..5. */
    private static NDArray features() {
        float[] x = new float[5 * 6];
        for (int i = 0; i < 5; i++) {
            for (int j = 0; j < 6; j++) {
                x[i * 6 + j] = 10 * i + j;
            }
        }
        return NDArray.of(x, 5, 2, 3);
    }

    @Test
    void batchGathersRowsInIndexOrder() {
        TensorDataset ds = new TensorDataset(features(), new int[] {0, 1, 2, 3, 4});
        Batch b = ds.batch(new int[] {3, 0, 3});

        assertThat(ds.size()).isEqualTo(5);
        assertThat(b.size()).isEqualTo(3);
        assertThat(b.features().shape()).isEqualTo(Shape.of(3, 2, 3));
        assertThat(b.features().toArray()).containsExactly(
                30, 31, 32, 33, 34, 35, 0, 1, 2, 3, 4, 5, 30, 31, 32, 33, 34, 35);
        assertThat(b.labels()).containsExactly(3, 0, 3);
        assertThat(b.targets()).isNull();
    }

    @Test
    void batchWithFloatTargets() {
        NDArray targets = NDArray.of(new float[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, 5, 2);
        TensorDataset ds = new TensorDataset(features(), targets);
        Batch b = ds.batch(new int[] {4, 1});

        assertThat(b.labels()).isNull();
        assertThat(b.targets()).isEqualTo(NDArray.of(new float[] {8, 9, 2, 3}, 2, 2));
        assertThat(b.features().get(0, 1, 2)).isEqualTo(45f);
        assertThat(ds.targets()).isEqualTo(targets);
        assertThat(ds.labels()).isNull();
    }

    @Test
    void emptyIndexArrayGivesEmptyBatch() {
        Batch b = new TensorDataset(features(), new int[5]).batch(new int[0]);
        assertThat(b.size()).isZero();
        assertThat(b.features().shape()).isEqualTo(Shape.of(0, 2, 3));
    }

    @Test
    void copiesItsInputs() {
        int[] labels = {1, 1, 1, 1, 1};
        TensorDataset ds = new TensorDataset(features(), labels);
        labels[0] = 9;
        ds.labels()[1] = 9;

        assertThat(ds.labels()).containsExactly(1, 1, 1, 1, 1);
        assertThat(ds.features()).isEqualTo(features());
        assertThat(ds.featureShape()).isEqualTo(Shape.of(5, 2, 3));
    }

    @Test
    void rejectsLabelCountMismatch() {
        assertThatThrownBy(() -> new TensorDataset(features(), new int[4]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("TensorDataset")
                .hasMessageContaining("5")
                .hasMessageContaining("4");
    }

    @Test
    void rejectsTargetCountMismatch() {
        assertThatThrownBy(() -> new TensorDataset(features(), NDArray.zeros(6, 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("TensorDataset")
                .hasMessageContaining("5 examples but targets have 6");
    }

    @Test
    void rejectsScalarFeaturesAndNegativeLabels() {
        assertThatThrownBy(() -> new TensorDataset(NDArray.scalar(1f), new int[1]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("TensorDataset: features need an example dimension");
        assertThatThrownBy(() -> new TensorDataset(features(), new int[] {0, 1, -2, 0, 0}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("TensorDataset: label 2 is negative: -2");
    }

    @Test
    void rejectsIndexOutOfRange() {
        TensorDataset ds = new TensorDataset(features(), new int[5]);
        assertThatThrownBy(() -> ds.batch(new int[] {0, 5}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("TensorDataset.batch: index 5 out of range for 5 examples");
        assertThatThrownBy(() -> ds.batch(new int[] {-1}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("index -1");
    }

    @Test
    void intArrayLabelsOfAnyShapeAreGatheredByRow() {
        // example i has labels {i, -100} (the second position ignored by cross-entropy)
        int[] y = new int[10];
        for (int i = 0; i < 5; i++) {
            y[2 * i] = i;
            y[2 * i + 1] = -100;
        }
        TensorDataset ds = new TensorDataset(features(), IntArray.of(y, 5, 2));
        Batch b = ds.batch(new int[] {4, 1, 4});
        assertThat(b.features().shape()).isEqualTo(Shape.of(3, 2, 3));
        assertThat(b.labelArray()).isEqualTo(IntArray.of(new int[] {4, -100, 1, -100, 4, -100}, 3, 2));
        assertThat(ds.labelArray()).isEqualTo(IntArray.of(y, 5, 2));
        assertThat(ds.toString()).isEqualTo("TensorDataset[5: features [5, 2, 3], labels [5, 2]]");
        assertThatThrownBy(ds::labels).isInstanceOf(IllegalStateException.class).hasMessageContaining("[5, 2]");
        // [n] IntArray labels behave as int[] labels
        TensorDataset flat = new TensorDataset(features(), IntArray.vector(0, 1, 2, 3, 4));
        assertThat(flat.batch(new int[] {3, 0})).isEqualTo(new TensorDataset(features(), new int[] {0, 1, 2, 3, 4})
                .batch(new int[] {3, 0}));
        assertThat(flat.labels()).containsExactly(0, 1, 2, 3, 4);
        assertThat(new TensorDataset(features(), new int[5]).labelArray()).isEqualTo(IntArray.zeros(5));
    }

    @Test
    void tokenDatasetHasIntegerInputsAndLabels() {
        // sequence i is the tokens i..i+3, its labels the tokens i+1..i+4
        int[] in = new int[4 * 4];
        int[] next = new int[4 * 4];
        for (int i = 0; i < 4; i++) {
            for (int t = 0; t < 4; t++) {
                in[i * 4 + t] = i + t;
                next[i * 4 + t] = i + t + 1;
            }
        }
        IntArray inputs = IntArray.of(in, 4, 4);
        TensorDataset ds = new TensorDataset(inputs, IntArray.of(next, 4, 4));
        in[0] = 99; // copied at construction
        Batch b = ds.batch(new int[] {2, 0});
        assertThat(b.features()).isNull();
        assertThat(b.intFeatures()).isEqualTo(IntArray.of(new int[] {2, 3, 4, 5, 0, 1, 2, 3}, 2, 4));
        assertThat(b.labelArray()).isEqualTo(IntArray.of(new int[] {3, 4, 5, 6, 1, 2, 3, 4}, 2, 4));
        assertThat(ds.size()).isEqualTo(4);
        assertThat(ds.featureShape()).isEqualTo(Shape.of(4, 4));
        assertThat(ds.features()).isNull();
        assertThat(ds.intFeatures().get(0, 0)).isZero();
        assertThat(ds.targets()).isNull();
        assertThat(ds.toString()).isEqualTo("TensorDataset[4: inputs [4, 4], labels [4, 4]]");
        assertThat(ds.batch(new int[0]).intFeatures().shape()).isEqualTo(Shape.of(0, 4));
        assertThatThrownBy(() -> ds.batch(new int[] {4}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("TensorDataset.batch: index 4 out of range for 4 examples");
    }

    @Test
    void rejectsMismatchedIntegerShapes() {
        assertThatThrownBy(() -> new TensorDataset(features(), IntArray.zeros(4, 2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("TensorDataset: features have 5 examples but labels have 4: [5, 2, 3] and [4, 2]");
        assertThatThrownBy(() -> new TensorDataset(IntArray.zeros(3, 8), IntArray.zeros(2, 8)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("TensorDataset: inputs have 3 examples but labels have 2: [3, 8] and [2, 8]");
        assertThatThrownBy(() -> new TensorDataset(IntArray.scalar(3), IntArray.zeros(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("TensorDataset: inputs need an example dimension: []");
        assertThatThrownBy(() -> new TensorDataset(features(), IntArray.scalar(3)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("TensorDataset: labels need an example dimension: []");
    }
}
