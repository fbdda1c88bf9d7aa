package org.sparkimage.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.spark.SparkException;
import org.junit.jupiter.api.Test;
import org.sparkimage.setup.ExecutorMemory;

/** A Spark job abort told without its stack traces. */
class JobFailureTest {
    /** Spark 4's message for a task lost with its executor (YarnAllocator's reason), as YarnIT saw it. */
    private static final String LOST = "Job aborted due to stage failure: Task 0 in stage 0.0 failed 1 times, most recent"
            + " failure: Lost task 0.0 in stage 0.0 (TID 0) (localhost executor 1): ExecutorLostFailure (executor 1 exited"
            + " caused by one of the running tasks) Reason: Container killed by YARN for exceeding physical memory limits."
            + " 1.1 GB of 1 GB physical memory used. Consider boosting spark.executor.memoryOverhead.\nDriver stacktrace:\n"
            + "\tat org.apache.spark.scheduler.DAGScheduler.failJobAndIndependentStages(DAGScheduler.scala:2935)";

    @Test
    void findsTheAbortInTheCausesAndDropsTheStackTraces() {
        Exception e = new RuntimeException("[TASK_WRITE_FAILED] writing failed", new SparkException(LOST
                .replace("Reason:", "Reason: java.lang.IllegalStateException: boom\n\tat a.b.C.d(C.java:1)\n\t... 12 more\n")));
        String reason = JobFailure.reason(e);
        assertTrue(reason.startsWith("Job aborted due to stage failure: Task 0 in stage 0.0 failed 1 times"), reason);
        assertTrue(reason.contains("boom"), reason);
        assertFalse(reason.contains("\tat ") || reason.contains("Driver stacktrace") || reason.contains("more"), reason);
    }

    @Test
    void aContainerOverItsMemoryGetsTheAdvice() {
        String reason = JobFailure.reason(new SparkException(LOST));
        assertTrue(JobFailure.overMemoryLimit(reason));
        assertEquals("an executor's container was killed by YARN for using more memory than it was given: raise"
                + " spark.executor.memoryOverhead (this run: 384 MiB, as set; the job's rule: 1483 MiB), or lower --batch-size"
                + " or the executor cores (docs/cluster.md, \"Executor memory on YARN\")",
                JobFailure.memoryAdvice(new ExecutorMemory.Choice(384, 1483, false)));
    }

    @Test
    void otherExceptionsAreNotAborts() {
        assertNull(JobFailure.reason(new IllegalStateException("a bug")));
        assertFalse(JobFailure.overMemoryLimit("Job aborted due to stage failure: Task 1 failed: java.io.IOException: disk full"));
    }
}
