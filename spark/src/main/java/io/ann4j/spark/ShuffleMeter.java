package io.ann4j.spark;

import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;

/** Bytes written to Spark's shuffle by finished tasks (Spark's own task metrics). */
final class ShuffleMeter extends SparkListener {
    private final AtomicLong written = new AtomicLong();

    static ShuffleMeter register(SparkSession spark) {
        ShuffleMeter m = new ShuffleMeter();
        spark.sparkContext().addSparkListener(m);
        return m;
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
        if (end.taskMetrics() != null) {
            written.addAndGet(end.taskMetrics().shuffleWriteMetrics().bytesWritten());
        }
    }

    long bytes() {
        return written.get();
    }

    /** Waits (untimed) until the listener bus has delivered the last tasks' metrics: no change for 300 ms. */
    void settle() {
        long last = -1;
        for (int i = 0; i < 40 && written.get() != last; i++) {
            last = written.get();
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
