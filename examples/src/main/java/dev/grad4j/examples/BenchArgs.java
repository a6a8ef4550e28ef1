package dev.grad4j.examples;

import java.util.ArrayList;
import java.util.List;

/** Shared command-line handling of the benchmarks: {@code --threads N} and the kernel path. */
final class BenchArgs {

    private BenchArgs() {
    }

    /**
     * Applies {@code --threads N} (sets {@code grad4j.threads} before any kernel runs) and returns
     * the remaining arguments.
     */
    static String[] applyThreads(String[] args) {
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--threads") && i + 1 < args.length) {
                System.setProperty("grad4j.threads", args[++i]);
            } else {
                rest.add(args[i]);
            }
        }
        return rest.toArray(new String[0]);
    }

    /** Number of kernel threads in effect. */
    static int threads() {
        String v = System.getProperty("grad4j.threads");
        return v == null ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(v.trim());
    }

    /** Which kernel path runs: {@code "vector"} if the Vector API module is present, else {@code "scalar"}. */
    static String kernels() {
        boolean vector = !"scalar".equals(System.getProperty("grad4j.kernels"))
                && ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        return vector ? "vector" : "scalar";
    }
}
