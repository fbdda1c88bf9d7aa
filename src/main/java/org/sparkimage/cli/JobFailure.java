package org.sparkimage.cli;

import java.util.Locale;
import java.util.stream.Collectors;

import org.sparkimage.setup.ExecutorMemory;

/**
 * A Spark job that aborted (a task failed too often, executors were lost) told in a few readable
 * lines instead of a stack trace: Spark's reason, and what to change when YARN killed an executor
 * for its memory.
 */
final class JobFailure {
    private static final String ABORTED = "Job aborted due to stage failure";

    private JobFailure() {}

    /**
     * Spark's reason for the abort, from the first exception in {@code e}'s causes that carries
     * one, without stack traces; null when {@code e} is not a job abort.
     */
    static String reason(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage();
            int at = m == null ? -1 : m.indexOf(ABORTED);
            if (at >= 0) {
                String reason = m.substring(at);
                int driverTrace = reason.indexOf("\nDriver stacktrace");
                if (driverTrace >= 0) reason = reason.substring(0, driverTrace);
                // an executor's exception comes with its stack trace: keep the messages only
                return reason.lines().filter(l -> !l.isBlank() && !l.stripLeading().startsWith("at ")
                        && !l.stripLeading().startsWith("... ")).collect(Collectors.joining("\n")).strip();
            }
        }
        return null;
    }

    /** True when the reason is a container YARN killed for exceeding its memory limit. */
    static boolean overMemoryLimit(String reason) {
        return reason.contains("exceeding physical memory") || reason.contains(ExecutorMemory.OVERHEAD);
    }

    /** What to change, for a container killed for its memory, with the overhead the job ran with when known. */
    static String memoryAdvice(ExecutorMemory.Choice memory) {
        String now = memory == null ? "" : String.format(Locale.ROOT, " (this run: %d MiB%s; the job's rule: %d MiB)",
                memory.overheadMiB(), memory.sizedByJob() ? ", sized by the job" : ", as set", memory.ruleMiB());
        return "an executor's container was killed by YARN for using more memory than it was given: raise "
                + ExecutorMemory.OVERHEAD + now + ", or lower --batch-size or the executor cores"
                + " (docs/cluster.md, \"Executor memory on YARN\")";
    }
}
