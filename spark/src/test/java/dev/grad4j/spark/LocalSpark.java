package dev.grad4j.spark;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/** A Spark session in local mode on the loopback interface, for tests and examples. */
final class LocalSpark implements AutoCloseable {

    final SparkSession session;
    final JavaSparkContext sc;

    LocalSpark(String master) {
        session = SparkSession.builder().master(master).appName("grad4j-spark-test")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.sql.shuffle.partitions", "4")
                .getOrCreate();
        sc = JavaSparkContext.fromSparkContext(session.sparkContext());
    }

    @Override
    public void close() {
        session.stop();
    }
}
