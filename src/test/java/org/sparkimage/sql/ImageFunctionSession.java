package org.sparkimage.sql;

import org.apache.spark.sql.SparkSession;
import org.sparkimage.testing.TestSpark;

/**
 * A session of the shared test SparkContext built with {@link ImageFunctions}. A running
 * SparkContext cannot take {@code spark.sql.extensions} any more, so the session is built with
 * {@code withExtensions}; the conf route is what {@link ConnectServerMain} uses.
 */
final class ImageFunctionSession {
    private static SparkSession previous;

    private ImageFunctionSession() {}

    /** The session with the extension, made the active one until {@link #restore()}. */
    static synchronized SparkSession start() {
        previous = TestSpark.session();
        SparkSession.clearActiveSession();
        SparkSession.clearDefaultSession();
        return SparkSession.builder().withExtensions(new ImageFunctions()).getOrCreate();
    }

    /** Makes the shared test session the active one again, for the test classes that follow. */
    static synchronized void restore() {
        SparkSession.setActiveSession(previous);
        SparkSession.setDefaultSession(previous);
    }
}
