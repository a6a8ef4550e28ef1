package dev.grad4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.grad4j.autograd.Tensor;
import dev.grad4j.nn.Embedding;
import dev.grad4j.nn.Linear;
import dev.grad4j.nn.Losses;
import dev.grad4j.tensor.IntArray;
import dev.grad4j.tensor.NDArray;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class DataLoaderTest {

    /** Example i has the single feature i and the label i, so a batch's labels name its examples. */
    private static TensorDataset dataset(int n) {
        float[] x = new float[n];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            x[i] = i;
            y[i] = i;
        }
        return new TensorDataset(NDArray.of(x, n, 1), y);
    }

    private static List<int[]> epoch(DataLoader loader) {
        List<int[]> out = new ArrayList<>();
        for (Batch b : loader) {
            out.add(b.labels());
        }
        return out;
    }

    private static int[] flatten(List<int[]> batches) {
        return batches.stream().flatMapToInt(Arrays::stream).toArray();
    }

    @Test
    void sequentialKeepsOrderAndLastPartialBatch() {
        DataLoader loader = new DataLoader(dataset(10), 4);
        List<int[]> batches = epoch(loader);

        assertThat(loader.batchesPerEpoch()).isEqualTo(3);
        assertThat(batches).hasSize(3);
        assertThat(batches.get(0)).containsExactly(0, 1, 2, 3);
        assertThat(batches.get(1)).containsExactly(4, 5, 6, 7);
        assertThat(batches.get(2)).containsExactly(8, 9);
        assertThat(epoch(loader)).usingRecursiveComparison().isEqualTo(batches);
    }

    @Test
    void batchesCarryFeaturesOfTheirExamples() {
        Batch b = new DataLoader(dataset(10), 4).iterator().next();
        assertThat(b.features()).isEqualTo(NDArray.of(new float[] {0, 1, 2, 3}, 4, 1));
    }

    @Test
    void dropLastDropsThePartialBatch() {
        DataLoader loader = DataLoader.builder(dataset(10), 4).dropLast(true).build();
        List<int[]> batches = epoch(loader);

        assertThat(loader.batchesPerEpoch()).isEqualTo(2);
        assertThat(batches).hasSize(2);
        assertThat(flatten(batches)).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
    }

    @ParameterizedTest
    @CsvSource({"10, 5, false, 2", "10, 5, true, 2", "10, 3, false, 4", "10, 3, true, 3",
            "3, 8, false, 1", "3, 8, true, 0", "0, 4, false, 0", "1, 1, false, 1"})
    void batchesPerEpochMatchesWhatIsYielded(int n, int batchSize, boolean dropLast, int expected) {
        DataLoader loader = DataLoader.builder(dataset(n), batchSize).dropLast(dropLast).build();
        List<int[]> batches = epoch(loader);

        assertThat(loader.batchesPerEpoch()).isEqualTo(expected);
        assertThat(batches).hasSize(expected);
        for (int i = 0; i < batches.size(); i++) {
            boolean last = i == batches.size() - 1;
            assertThat(batches.get(i).length).isEqualTo(last && !dropLast ? n - batchSize * i : batchSize);
        }
    }

    @Test
    void sameSeedGivesSameBatches() {
        DataLoader a = new DataLoader(dataset(50), 8, new SplittableRandom(7));
        DataLoader b = new DataLoader(dataset(50), 8, new SplittableRandom(7));
        for (int e = 0; e < 3; e++) {
            assertThat(epoch(a)).usingRecursiveComparison().isEqualTo(epoch(b));
        }
        assertThat(a.state()).isEqualTo(b.state());
    }

    @Test
    void differentSeedsGiveDifferentOrders() {
        int[] a = flatten(epoch(new DataLoader(dataset(50), 8, new SplittableRandom(7))));
        int[] b = flatten(epoch(new DataLoader(dataset(50), 8, new SplittableRandom(8))));
        assertThat(a).isNotEqualTo(b);
    }

    @Test
    void eachEpochIsAFreshPermutation() {
        DataLoader loader = new DataLoader(dataset(50), 8, new SplittableRandom(1));
        int[] first = flatten(epoch(loader));
        int[] second = flatten(epoch(loader));

        int[] identity = flatten(epoch(new DataLoader(dataset(50), 8)));
        assertThat(first).containsExactlyInAnyOrder(identity);
        assertThat(second).containsExactlyInAnyOrder(identity);
        assertThat(first).isNotEqualTo(identity);
        assertThat(second).isNotEqualTo(first);
        assertThat(loader.epoch()).isEqualTo(2);
    }

    @Test
    void permutationFollowsTheDocumentedRecipe() {
        long baseSeed = new SplittableRandom(3).nextLong();
        DataLoader loader = new DataLoader(dataset(20), 20, new SplittableRandom(3));
        assertThat(loader.state().baseSeed()).isEqualTo(baseSeed);
        for (int e = 0; e < 3; e++) {
            int[] expected = new int[20];
            for (int i = 0; i < 20; i++) {
                expected[i] = i;
            }
            SplittableRandom r = new SplittableRandom(baseSeed ^ (e * 0x9E3779B97F4A7C15L));
            for (int i = 19; i > 0; i--) {
                int j = r.nextInt(i + 1);
                int t = expected[i];
                expected[i] = expected[j];
                expected[j] = t;
            }
            assertThat(flatten(epoch(loader))).containsExactly(expected);
        }
    }

    @Test
    void stateTracksEpochAndBatch() {
        DataLoader loader = new DataLoader(dataset(10), 4, new SplittableRandom(5));
        assertThat(loader.state().epoch()).isZero();
        assertThat(loader.state().nextBatch()).isZero();

        Iterator<Batch> it = loader.iterator();
        assertThat(loader.epoch()).isEqualTo(1);
        it.next();
        it.next();
        assertThat(loader.state().nextBatch()).isEqualTo(2);
        it.next();
        assertThat(it.hasNext()).isFalse();
        assertThat(loader.state().nextBatch()).isEqualTo(3);
        assertThatThrownBy(it::next).isInstanceOf(NoSuchElementException.class);
    }

    @ParameterizedTest
    @CsvSource({"0, 0", "1, 0", "1, 2", "2, 1", "2, 4", "3, 3"})
    void restoredLoaderYieldsTheSameRemainingBatches(int fullEpochs, int batchesIntoNext) {
        DataLoader original = new DataLoader(dataset(30), 7, new SplittableRandom(11));
        for (int e = 0; e < fullEpochs; e++) {
            epoch(original);
        }
        Iterator<Batch> it = null;
        if (batchesIntoNext > 0) {
            it = original.iterator();
            for (int i = 0; i < batchesIntoNext; i++) {
                it.next();
            }
        }
        DataLoader.State saved = original.state();

        List<int[]> expected = new ArrayList<>();
        if (it != null) {
            while (it.hasNext()) {
                expected.add(it.next().labels());
            }
        }
        expected.addAll(epoch(original));
        expected.addAll(epoch(original));

        DataLoader restored = new DataLoader(dataset(30), 7, new SplittableRandom(999));
        restored.restore(saved);
        assertThat(restored.epoch()).isEqualTo(saved.epoch());
        List<int[]> actual = new ArrayList<>();
        if (it != null) {
            actual.addAll(epoch(restored));
        }
        actual.addAll(epoch(restored));
        actual.addAll(epoch(restored));

        assertThat(actual).usingRecursiveComparison().isEqualTo(expected);
        assertThat(restored.state()).isEqualTo(original.state());
    }

    @Test
    void restoreAfterAFinishedEpochStartsTheNextOne() {
        DataLoader original = new DataLoader(dataset(10), 4, new SplittableRandom(2));
        epoch(original);
        DataLoader.State saved = original.state();
        assertThat(saved.nextBatch()).isEqualTo(3);

        DataLoader restored = new DataLoader(dataset(10), 4, new SplittableRandom(77));
        restored.restore(saved);
        assertThat(epoch(restored)).usingRecursiveComparison().isEqualTo(epoch(original));
        assertThat(restored.epoch()).isEqualTo(2);
    }

    @Test
    void restoreRightAfterAnEpochStartedYieldsThatWholeEpoch() {
        DataLoader original = new DataLoader(dataset(10), 4, new SplittableRandom(4));
        epoch(original);
        Iterator<Batch> it = original.iterator();
        DataLoader.State saved = original.state();
        List<int[]> expected = new ArrayList<>();
        while (it.hasNext()) {
            expected.add(it.next().labels());
        }

        DataLoader restored = new DataLoader(dataset(10), 4, new SplittableRandom(4));
        restored.restore(saved);
        assertThat(epoch(restored)).usingRecursiveComparison().isEqualTo(expected);
        assertThat(restored.epoch()).isEqualTo(2);
    }

    @Test
    void onlyTheLatestIteratorMovesTheState() {
        DataLoader loader = new DataLoader(dataset(10), 2);
        Iterator<Batch> old = loader.iterator();
        Iterator<Batch> current = loader.iterator();
        current.next();
        old.next();
        old.next();
        old.next();
        assertThat(loader.state()).isEqualTo(new DataLoader.State(0L, 2, 1));
    }

    @Test
    void rejectsBadArguments() {
        assertThatThrownBy(() -> new DataLoader(dataset(10), 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("DataLoader: batch size must be > 0, got 0");
        assertThatThrownBy(() -> DataLoader.builder(dataset(10), -3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("got -3");
        assertThatThrownBy(() -> new DataLoader.State(1L, -1, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("DataLoader.State: invalid position: epoch -1");
        assertThatThrownBy(() -> new DataLoader.State(1L, 0, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("DataLoader.State");
        DataLoader loader = new DataLoader(dataset(10), 4);
        assertThatThrownBy(() -> loader.restore(new DataLoader.State(1L, 1, 4)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("DataLoader.restore: state is at batch 4 but an epoch has only 3 batches");
    }

    /** Sequence i holds the tokens 10 i .. 10 i + 2, its labels the tokens one further. */
    private static TensorDataset tokens(int n) {
        int[] in = new int[n * 3];
        int[] next = new int[n * 3];
        for (int i = 0; i < n; i++) {
            for (int t = 0; t < 3; t++) {
                in[i * 3 + t] = 10 * i + t;
                next[i * 3 + t] = 10 * i + t + 1;
            }
        }
        return new TensorDataset(IntArray.of(in, n, 3), IntArray.of(next, n, 3));
    }

    @Test
    void shufflesTokenSequencesAsItShufflesExamplesAndResumes() {
        DataLoader tok = DataLoader.builder(tokens(10), 4).shuffle(new SplittableRandom(7)).build();
        DataLoader ref = DataLoader.builder(dataset(10), 4).shuffle(new SplittableRandom(7)).build();
        for (int e = 0; e < 2; e++) {
            Iterator<Batch> it = tok.iterator();
            for (Batch r : ref) {
                Batch b = it.next();
                int[] order = r.labels();
                assertThat(b.intFeatures().shape().toArray()).containsExactly(order.length, 3);
                assertThat(b.labelArray().shape().toArray()).containsExactly(order.length, 3);
                for (int i = 0; i < order.length; i++) {
                    assertThat(b.intFeatures().get(i, 0)).isEqualTo(10 * order[i]);
                    assertThat(b.labelArray().get(i, 2)).isEqualTo(10 * order[i] + 3);
                }
            }
            assertThat(it.hasNext()).isFalse();
        }
        // stop after one batch of epoch 3, restore a fresh loader, and get the same remaining batches
        Iterator<Batch> it = tok.iterator();
        it.next();
        DataLoader.State saved = tok.state();
        List<Batch> rest = new ArrayList<>();
        it.forEachRemaining(rest::add);
        DataLoader resumed = DataLoader.builder(tokens(10), 4).shuffle(new SplittableRandom(99)).build();
        resumed.restore(saved);
        List<Batch> again = new ArrayList<>();
        resumed.iterator().forEachRemaining(again::add);
        assertThat(again).isEqualTo(rest).hasSize(2);
    }

    @Test
    void tokenBatchesFeedAnEmbeddingAndCrossEntropy() {
        SplittableRandom r = new SplittableRandom(3);
        Embedding embed = new Embedding(100, 4, null, r);
        Linear head = new Linear(4, 100, r);
        for (Batch b : new DataLoader(tokens(5), 2)) {
            Tensor logits = head.forward(embed.forward(b.intFeatures()));      // [B, T, V]
            Tensor loss = Losses.crossEntropy(logits.permute(0, 2, 1), b.labelArray()); // [B, V, T] vs [B, T]
            assertThat(loss.shape().rank()).isZero();
            assertThat(loss.value().item()).isPositive();
            assertThat(loss.backward().wrt(embed.weight()).shape().toArray()).containsExactly(100, 4);
        }
    }
}
