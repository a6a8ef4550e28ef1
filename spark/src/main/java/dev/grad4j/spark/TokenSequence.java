package dev.grad4j.spark;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Objects;

/**
 * One training example of a sequence model: token ids {@code inputs} and the ids {@code targets}
 * the model should predict at each position (for a language model, the next tokens), of one
 * length. The element type of the {@code JavaRDD} that
 * {@link DistributedDataset#fromSequences(org.apache.spark.api.java.JavaRDD, int)} reads; the
 * arrays are copied in and out.
 *
 * <pre>{@code
 * TokenSequence s = new TokenSequence(new int[] {5, 2, 7}, new int[] {2, 7, 1});
 * TokenSequence w = TokenSequence.window(new int[] {5, 2, 7, 1});   // the same example
 * }</pre>
 */
public final class TokenSequence implements Serializable {

    private static final long serialVersionUID = 1L;

    private final int[] inputs;
    private final int[] targets;

    /**
     * Creates an example; both arrays are copied.
     *
     * @param inputs the token ids {@code [length]}
     * @param targets the target ids {@code [length]}, one per input position
     * @throws NullPointerException if an array is null
     * @throws IllegalArgumentException if the arrays differ in length
     */
    public TokenSequence(int[] inputs, int[] targets) {
        Objects.requireNonNull(inputs, "TokenSequence: inputs is null");
        Objects.requireNonNull(targets, "TokenSequence: targets is null");
        if (inputs.length != targets.length) {
            throw new IllegalArgumentException("TokenSequence: " + inputs.length + " inputs but " + targets.length
                    + " targets");
        }
        this.inputs = inputs.clone();
        this.targets = targets.clone();
    }

    /**
     * The next-token example of a window of {@code length + 1} tokens: inputs
     * {@code tokens[0, length)}, targets {@code tokens[1, length + 1)}.
     *
     * @param tokens at least 2 token ids
     * @return the example of length {@code tokens.length - 1}
     * @throws IllegalArgumentException if {@code tokens} has fewer than 2 ids
     */
    public static TokenSequence window(int[] tokens) {
        Objects.requireNonNull(tokens, "TokenSequence.window: tokens is null");
        if (tokens.length < 2) {
            throw new IllegalArgumentException("TokenSequence.window: needs at least 2 tokens, got " + tokens.length);
        }
        return new TokenSequence(Arrays.copyOfRange(tokens, 0, tokens.length - 1),
                Arrays.copyOfRange(tokens, 1, tokens.length));
    }

    /** A copy of the token ids. */
    public int[] inputs() {
        return inputs.clone();
    }

    /** A copy of the target ids. */
    public int[] targets() {
        return targets.clone();
    }

    /** The number of positions. */
    public int length() {
        return inputs.length;
    }

    /** Copies inputs and targets into {@code x} and {@code y} at {@code offset}. */
    void copyTo(int[] x, int[] y, int offset) {
        System.arraycopy(inputs, 0, x, offset, inputs.length);
        System.arraycopy(targets, 0, y, offset, targets.length);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TokenSequence s && Arrays.equals(s.inputs, inputs) && Arrays.equals(s.targets, targets);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(inputs) + Arrays.hashCode(targets);
    }

    /** Returns {@code TokenSequence[length 64]}. */
    @Override
    public String toString() {
        return "TokenSequence[length " + inputs.length + "]";
    }
}
