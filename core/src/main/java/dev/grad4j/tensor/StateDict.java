package dev.grad4j.tensor;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * An ordered map from names to arrays — a model's parameters and buffers, or the contents of a
 * safetensors file — that remembers which entries hold integers. PyTorch stores a few buffers as
 * int64 (batch norm's {@code num_batches_tracked}); grad4j keeps their values in float32 arrays
 * (exact up to 2^24) and marks them here, so that {@code SafeTensors.save} writes them as
 * {@code I64} again and a file read and written back keeps its dtypes.
 *
 * <pre>{@code
 * StateDict state = model.stateDict();
 * state.isInteger("1.num_batches_tracked");   // true for a BatchNorm2d at index 1
 * }</pre>
 */
public final class StateDict extends LinkedHashMap<String, NDArray> {

    private static final long serialVersionUID = 1L;

    /** Largest magnitude up to which every integer is exact in float32: 2^24. */
    public static final int MAX_EXACT_INTEGER = 1 << 24;

    private final LinkedHashSet<String> integers = new LinkedHashSet<>();

    /** Creates an empty state dict. */
    public StateDict() {
    }

    /** Creates a state dict with the entries of {@code entries}, keeping its integer marks if it is a StateDict. */
    public StateDict(Map<String, NDArray> entries) {
        super(Objects.requireNonNull(entries, "StateDict: entries is null"));
        if (entries instanceof StateDict) {
            integers.addAll(((StateDict) entries).integers);
        }
    }

    /**
     * Adds an integer-valued entry, such as a step counter.
     *
     * @throws IllegalArgumentException if a value is not an integer of magnitude at most 2^24
     */
    public NDArray putInteger(String name, NDArray value) {
        Objects.requireNonNull(name, "StateDict.putInteger: name is null");
        Objects.requireNonNull(value, "StateDict.putInteger: value is null");
        requireIntegral("StateDict.putInteger: " + name, value);
        integers.add(name);
        return put(name, value);
    }

    /** Removes the entry {@code name} and its integer mark. */
    @Override
    public NDArray remove(Object name) {
        integers.remove(name);
        return super.remove(name);
    }

    /** Whether the entry {@code name} exists and holds integers. */
    public boolean isInteger(String name) {
        return integers.contains(name) && containsKey(name);
    }

    /** The names of the integer entries present, in insertion order. */
    public Set<String> integerNames() {
        Set<String> present = new LinkedHashSet<>();
        for (String n : integers) {
            if (containsKey(n)) {
                present.add(n);
            }
        }
        return Collections.unmodifiableSet(present);
    }

    /**
     * Checks that every element of {@code value} is an integer of magnitude at most 2^24.
     *
     * @param what names the entry in the error message
     * @throws IllegalArgumentException otherwise
     */
    public static void requireIntegral(String what, NDArray value) {
        for (int i = 0; i < value.data.length; i++) {
            float v = value.data[i];
            if (v != Math.rint(v) || Math.abs(v) > MAX_EXACT_INTEGER) {
                throw new IllegalArgumentException(what + ": element " + i + " = " + v
                        + " is not an integer of magnitude at most 2^24");
            }
        }
    }
}
