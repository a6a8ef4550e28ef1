package dev.grad4j.nn;

import java.util.Arrays;
import java.util.Objects;

/** Validation of the kernel, stride and padding pairs of the pooling modules. */
final class PoolArgs {

    private PoolArgs() {
    }

    /** Checks a {@code [h, w]} pair and returns a copy: non-null, two elements, each above {@code min}. */
    static int[] pair(String module, String what, int[] v, int min) {
        Objects.requireNonNull(v, module + ": " + what + " is null");
        if (v.length != 2 || v[0] < min || v[1] < min) {
            throw new IllegalArgumentException(module + ": " + what + " must be 2 values >= " + min + ", got "
                    + Arrays.toString(v));
        }
        return v.clone();
    }

    /** Checks that padding is at most half the kernel, as PyTorch does. */
    static void paddingAtMostHalfKernel(String module, int[] kernel, int[] padding) {
        if (padding[0] > kernel[0] / 2 || padding[1] > kernel[1] / 2) {
            throw new IllegalArgumentException(module + ": padding " + Arrays.toString(padding)
                    + " must be at most half the kernel " + Arrays.toString(kernel));
        }
    }

    /** {@code 2} for a square pair, {@code (2, 3)} otherwise, as PyTorch prints them. */
    static String show(int[] v) {
        return v[0] == v[1] ? String.valueOf(v[0]) : "(" + v[0] + ", " + v[1] + ")";
    }
}
