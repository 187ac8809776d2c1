package io.ann4j.cli;

import java.time.Duration;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar on stderr for work longer than about a second (rows or queries per second and
 * ETA). It appears only after the first second, only when stderr is a terminal (the launcher
 * tells the JVM with {@code -Dann4j.stderr.tty=true}: Java cannot see it) and not with
 * {@code --quiet}.
 */
public final class Progress implements AutoCloseable {
    private static final long DELAY_NANOS = 1_000_000_000L;
    private final String task;
    private final long total;
    private final String unit;
    private final boolean enabled;
    private final long started = System.nanoTime();
    private long done;
    private ProgressBar bar;

    private Progress(String task, long total, String unit, boolean enabled) {
        this.task = task;
        this.total = total;
        this.unit = unit;
        this.enabled = enabled;
    }

    /** Whether a bar may be shown at all: stderr is a terminal and the user did not ask for quiet. */
    public static boolean allowed(boolean quiet) {
        return !quiet && Boolean.getBoolean("ann4j.stderr.tty");
    }

    /** Starts tracking {@code total} units of work (shown only if {@code enabled}). */
    public static Progress start(String task, long total, String unit, boolean enabled) {
        return new Progress(task, total, unit, enabled);
    }

    /** Records {@code n} more units done. */
    public synchronized void step(long n) {
        done += n;
        if (!enabled) {
            return;
        }
        if (bar == null && System.nanoTime() - started > DELAY_NANOS && done < total) {
            bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(total).setUnit(" " + unit, 1)
                    .showSpeed().setSpeedUnit(java.time.temporal.ChronoUnit.SECONDS)
                    .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(200)
                    .setConsumer(new ConsoleProgressBarConsumer(System.err))
                    .startsFrom(0, Duration.ofNanos(System.nanoTime() - started)).build();
        }
        if (bar != null) {
            bar.stepTo(done);
        }
    }

    @Override
    public synchronized void close() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }
}
