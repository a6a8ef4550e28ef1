package dev.grad4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.grad4j.tensor.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MnistTest {

    private static Mnist bundled;

    @TempDir
    Path dir;

    @BeforeAll
    static void loadBundled() {
        bundled = Mnist.load(IdxReaderTest.MNIST);
    }

    @Test
    void loadsTheBundledSplits() {
        assertThat(bundled.train().size()).isEqualTo(8000);
        assertThat(bundled.test().size()).isEqualTo(2000);
        assertThat(bundled.train().featureShape()).isEqualTo(Shape.of(8000, 784));
        assertThat(bundled.test().featureShape()).isEqualTo(Shape.of(2000, 784));
        assertThat(Arrays.copyOf(bundled.train().labels(), 5)).containsExactly(1, 2, 4, 7, 3);
        assertThat(Arrays.copyOf(bundled.test().labels(), 5)).containsExactly(3, 6, 7, 0, 3);
    }

    @Test
    void pixelsAreInUnitRangeAndLabelsAreDigits() {
        for (TensorDataset split : new TensorDataset[] {bundled.train(), bundled.test()}) {
            float[] px = split.features().toArray();
            double sum = 0;
            for (float v : px) {
                assertThat(v).isBetween(0f, 1f);
                sum += v;
            }
            assertThat(sum / px.length).isBetween(0.05, 0.3);
            int[] counts = new int[10];
            for (int label : split.labels()) {
                assertThat(label).isBetween(0, 9);
                counts[label]++;
            }
            assertThat(Arrays.stream(counts).min().getAsInt()).isGreaterThan(split.size() / 20);
        }
    }

    @Test
    void featuresAreTheFlattenedImages() {
        float[] image = IdxReader.readImages(IdxReaderTest.MNIST.resolve("train-images-idx3-ubyte.gz")).toArray();
        float[] features = bundled.train().batch(new int[] {0, 1}).features().toArray();
        assertThat(features).containsExactly(Arrays.copyOf(image, 2 * 784));
    }

    @Test
    void readsRawFilesToo() throws IOException {
        for (String name : new String[] {"train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"}) {
            Files.write(dir.resolve(name), IdxReaderTest.gunzip(IdxReaderTest.MNIST.resolve(name + ".gz")));
        }
        Mnist raw = Mnist.load(dir);
        assertThat(raw.train().features()).isEqualTo(bundled.train().features());
        assertThat(raw.test().labels()).containsExactly(bundled.test().labels());
    }

    @Test
    void rejectsCountMismatch() throws IOException {
        for (String name : new String[] {"train-images-idx3-ubyte.gz", "t10k-images-idx3-ubyte.gz",
                "t10k-labels-idx1-ubyte.gz"}) {
            Files.copy(IdxReaderTest.MNIST.resolve(name), dir.resolve(name));
        }
        Files.write(dir.resolve("train-labels-idx1-ubyte"),
                IdxReaderTest.idx(IdxReader.LABELS_MAGIC, new int[] {3}, new byte[] {1, 2, 3}));
        assertThatThrownBy(() -> Mnist.load(dir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Mnist.load: image and label counts differ")
                .hasMessageContaining("train-images-idx3-ubyte.gz has 8000 images")
                .hasMessageContaining("train-labels-idx1-ubyte has 3 labels");
    }

    @Test
    void rejectsMissingFile() {
        assertThatThrownBy(() -> Mnist.load(dir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Mnist.load: missing file")
                .hasMessageContaining("train-images-idx3-ubyte.gz");
    }
}
