package dev.grad4j.data;

/**
 * A finite, indexable collection of examples that can be gathered into a {@link Batch}.
 *
 * <p>Implementations build a batch with one bulk copy per example (never element by element), so a
 * {@link DataLoader} over a large dataset stays cheap. A dataset's size must not change while a
 * loader iterates over it.
 */
public interface Dataset {

    /** Number of examples. */
    int size();

    /**
     * Gathers the examples at {@code indices}, in that order, into a new batch whose features have
     * shape {@code [indices.length, ...exampleDims]}. Repeated indices are allowed; {@code indices}
     * is not modified.
     *
     * @throws IllegalArgumentException if an index is outside {@code [0, size())}
     */
    Batch batch(int[] indices);
}
