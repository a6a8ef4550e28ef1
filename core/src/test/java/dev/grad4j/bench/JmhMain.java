package dev.grad4j.bench;

/**
 * Runs the JMH benchmarks: {@code examples/run jmh [JMH options] [benchmark regex]}, for example
 * {@code examples/run jmh GemmBenchmark -p n=1024}.
 */
public final class JmhMain {

    private JmhMain() {
    }

    /** Delegates to JMH's command line. */
    public static void main(String[] args) throws Exception {
        org.openjdk.jmh.Main.main(args);
    }
}
