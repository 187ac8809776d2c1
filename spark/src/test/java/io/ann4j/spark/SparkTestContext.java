package io.ann4j.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * One local Spark context for every test class (a JVM holds one SparkContext): two cores, and
 * {@code local[2,2]} so that a failed task is retried once, as on a cluster.
 */
public final class SparkTestContext {
    private static JavaSparkContext sc;

    private SparkTestContext() {}

    public static synchronized JavaSparkContext get() {
        if (sc == null) {
            SparkConf conf = new SparkConf().setMaster("local[2,2]").setAppName("ann4j-spark-tests")
                    .set("spark.ui.enabled", "false")
                    .set("spark.driver.host", "127.0.0.1")
                    .set("spark.sql.shuffle.partitions", "2");
            sc = new JavaSparkContext(conf);
            sc.setLogLevel("ERROR");
            Runtime.getRuntime().addShutdownHook(new Thread(sc::stop));
        }
        return sc;
    }
}
