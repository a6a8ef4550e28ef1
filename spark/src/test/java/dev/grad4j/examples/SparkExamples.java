package dev.grad4j.examples;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The entry point of the Spark examples, {@code examples/run mnist-spark|bench-spark [ARGS...]}:
 * they live in the grad4j-spark module's test sources, beside Spark on the class path.
 */
public final class SparkExamples {

    /** An example program: its main method. */
    @FunctionalInterface
    interface Program {
        void run(String[] args) throws Exception;
    }

    private static final Map<String, Program> PROGRAMS = new LinkedHashMap<>();

    static {
        PROGRAMS.put("mnist-spark", MnistSpark::main);
        PROGRAMS.put("bench-spark", BenchSpark::main);
    }

    private SparkExamples() {
    }

    /** Runs the example named by {@code args[0]} with the remaining arguments. */
    public static void main(String[] args) throws Exception {
        if (args.length == 0 || !PROGRAMS.containsKey(args[0])) {
            System.err.println("usage: examples/run NAME [ARGS...]   where NAME is one of " + PROGRAMS.keySet());
            System.exit(2);
        }
        PROGRAMS.get(args[0]).run(Arrays.copyOfRange(args, 1, args.length));
    }
}
