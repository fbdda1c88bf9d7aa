package org.sparkimage.cli;

import java.io.PrintStream;
import java.util.Map;

import org.apache.spark.sql.SparkSession;
import org.sparkimage.setup.JobException;
import org.sparkimage.setup.SparkSessions;
import org.sparkimage.setup.TableFormat;

/**
 * What the commands that run one Spark job over labeled data ({@code train}, {@code curate}) share:
 * a session of their own unless one is running (a test's, left running), a {@link JobException}
 * printed with its exit code, a failure the user can act on printed as exit 1, the session stopped.
 */
final class SessionCommands {
    /** The command's work in a session; returns normally when it succeeded. */
    interface Work {
        void run(SparkSession spark) throws Exception;
    }

    private SessionCommands() {}

    /**
     * Runs {@code work} and returns the exit status.
     *
     * @param name    the command's name, which starts every message
     * @param appName the Spark application's name
     * @throws Exception a failure {@link JobFailure} cannot put in words (a bug: the stack trace helps)
     */
    static int run(String name, String appName, String master, Map<String, String> sparkConf, PrintStream console, Work work)
            throws Exception {
        boolean ownSession = SparkSession.getActiveSession().isEmpty();
        SparkSession spark = SparkSessions.start(SparkSessions.conf(appName, master, sparkConf, TableFormat.PARQUET));
        try {
            work.run(spark);
            return 0;
        } catch (JobException e) {
            console.println(name + ": " + e.getMessage());
            return e.exitCode();
        } catch (Exception e) {
            String reason = JobFailure.reason(e);
            if (reason == null) throw e;
            console.println(name + ": the job failed: " + reason);
            return 1;
        } finally {
            if (ownSession) spark.stop();
        }
    }
}
