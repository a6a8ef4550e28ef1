package dev.grad4j.data;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** IDX files whose dimensions overflow an int are refused naming the file, also when the count is 0. */
class OversizedIdxTest {

    @TempDir
    Path dir;

    private void mnistWithImages(int rows, int cols) throws IOException {
        Files.write(dir.resolve("train-images-idx3-ubyte"),
                IdxReaderTest.idx(IdxReader.IMAGES_MAGIC, new int[] {0, rows, cols}, new byte[0]));
        Files.write(dir.resolve("train-labels-idx1-ubyte"),
                IdxReaderTest.idx(IdxReader.LABELS_MAGIC, new int[] {0}, new byte[0]));
    }

    @Test
    void mnistNamesTheFileForPixelsThatOverflow() throws IOException {
        for (int side : new int[] {46341, 65536}) {
            mnistWithImages(side, side);
            assertThatThrownBy(() -> Mnist.load(dir))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("Mnist.load: declared size too large")
                    .hasMessageContaining("[0, " + side + ", " + side + "]")
                    .hasMessageContaining(dir.resolve("train-images-idx3-ubyte").toString());
        }
    }

    @Test
    void readImagesRefusesAnExampleThatOverflows() throws IOException {
        Path file = dir.resolve("wide");
        Files.write(file, IdxReaderTest.idx(IdxReader.IMAGES_MAGIC, new int[] {0, 65536, 65536}, new byte[0]));
        assertThatThrownBy(() -> IdxReader.readImages(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("IdxReader.readImages: declared size too large")
                .hasMessageContaining(file.toString());
    }
}
