package dev.grad4j.data;

import dev.grad4j.tensor.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The MNIST digits as two datasets: features {@code [n, 784]} (28x28 pixels flattened row by row,
 * scaled to {@code [0, 1]}) and labels {@code 0..9}.
 *
 * <p>{@link #load(Path)} reads the four standard IDX files from a directory, gzipped ({@code .gz})
 * or raw: {@code train-images-idx3-ubyte}, {@code train-labels-idx1-ubyte},
 * {@code t10k-images-idx3-ubyte} and {@code t10k-labels-idx1-ubyte}. The repository ships a
 * 10,000-image subset in {@code examples/data/mnist10k}.
 *
 * <pre>{@code
 * Mnist mnist = Mnist.load(Path.of("examples/data/mnist10k"));
 * mnist.train().size();   // 8000
 * }</pre>
 *
 * @param train the training examples
 * @param test the test examples
 */
public record Mnist(TensorDataset train, TensorDataset test) {

    /**
     * Creates the pair of datasets.
     *
     * @throws NullPointerException if either is null
     */
    public Mnist {
        Objects.requireNonNull(train, "Mnist: train is null");
        Objects.requireNonNull(test, "Mnist: test is null");
    }

    /**
     * Loads MNIST from {@code directory}, preferring the {@code .gz} file of each pair.
     *
     * @throws IllegalArgumentException if a file is missing or malformed, or images and labels differ in count
     * @throws java.io.UncheckedIOException if a file cannot be read
     */
    public static Mnist load(Path directory) {
        Objects.requireNonNull(directory, "Mnist.load: directory is null");
        TensorDataset train = loadSplit(directory, "train-images-idx3-ubyte", "train-labels-idx1-ubyte");
        TensorDataset test = loadSplit(directory, "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte");
        return new Mnist(train, test);
    }

    private static TensorDataset loadSplit(Path directory, String imagesName, String labelsName) {
        Path imagesFile = find(directory, imagesName);
        Path labelsFile = find(directory, labelsName);
        IdxReader.Contents images = IdxReader.read("Mnist.load", imagesFile, IdxReader.IMAGES_MAGIC);
        int[] labels = IdxReader.toLabels(IdxReader.read("Mnist.load", labelsFile, IdxReader.LABELS_MAGIC).data());
        int[] dims = images.dims();
        if (dims[0] != labels.length) {
            throw new IllegalArgumentException("Mnist.load: image and label counts differ: " + imagesFile + " has "
                    + dims[0] + " images but " + labelsFile + " has " + labels.length + " labels");
        }
        Shape shape = Shape.of("Mnist.load", dims[0], Shape.size("Mnist.load", dims[1], dims[2]));
        return new TensorDataset(IdxReader.toUnitFloats(images.data()), shape, labels);
    }

    private static Path find(Path directory, String name) {
        Path gz = directory.resolve(name + ".gz");
        if (Files.isRegularFile(gz)) {
            return gz;
        }
        Path raw = directory.resolve(name);
        if (Files.isRegularFile(raw)) {
            return raw;
        }
        throw new IllegalArgumentException("Mnist.load: missing file: neither " + gz + " nor " + raw + " exists");
    }
}
