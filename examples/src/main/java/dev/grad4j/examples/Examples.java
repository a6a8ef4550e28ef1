package dev.grad4j.examples;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The entry point of {@code examples/run NAME [ARGS...]}: looks up an example by name and runs it.
 */
public final class Examples {

    /** An example program: its main method. */
    @FunctionalInterface
    interface Program {
        void run(String[] args) throws Exception;
    }

    private static final Map<String, Program> PROGRAMS = new LinkedHashMap<>();

    static {
        // Examples register here, one line each.
        PROGRAMS.put("bench-gemm", BenchGemm::main);
        PROGRAMS.put("bench-cnn", BenchCnn::main);
        PROGRAMS.put("bench-mlp", BenchMlp::main);
        PROGRAMS.put("bench-xor", BenchXor::main);
        PROGRAMS.put("bench-gpt", BenchGpt::main);
        PROGRAMS.put("bench-serve", BenchServe::main);
        PROGRAMS.put("xor", Xor::main);
        PROGRAMS.put("mnist", MnistMlp::main);
        PROGRAMS.put("mnist-cnn", MnistCnn::main);
        PROGRAMS.put("char-gpt", CharGpt::main);
        // These two live with the tests (JMH benchmarks, the file fuzzer); examples/run builds the
        // test classes for them, and they are found by name so that the others compile without.
        PROGRAMS.put("jmh", args -> runByName("dev.grad4j.bench.JmhMain", args));
        PROGRAMS.put("fuzz", args -> runByName("dev.grad4j.fuzz.FileFuzzer", args));
    }

    private static void runByName(String className, String[] args) throws Exception {
        Class<?> c;
        try {
            c = Class.forName(className);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(className + " is not on the class path: it is compiled with the"
                    + " test classes (mvn test-compile), which examples/run does for this example", e);
        }
        try {
            c.getMethod("main", String[].class).invoke(null, (Object) args);
        } catch (java.lang.reflect.InvocationTargetException e) {
            if (e.getCause() instanceof Exception ex) {
                throw ex;
            }
            throw e;
        }
    }

    private Examples() {
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
