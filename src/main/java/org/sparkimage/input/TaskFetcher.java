package org.sparkimage.input;

import java.io.Serializable;
import java.util.Map;

import org.apache.spark.broadcast.Broadcast;

/**
 * A binding's way to the files it reads in a task: serialised into every task as the broadcast
 * Hadoop settings and the byte limit only, its {@link FileFetcher} (which holds a Hadoop
 * {@code Configuration}, not serialisable) made on first use in the task.
 */
final class TaskFetcher implements Serializable {
    private static final long serialVersionUID = 1L;

    private final Broadcast<Map<String, String>> hadoopConf;
    private final long maxBytes;
    private transient FileFetcher fetcher;

    /**
     * @param hadoopConf the driver's Hadoop settings (credentials, file system options)
     * @param maxBytes   the most bytes a file may have ({@code --max-file-mb})
     */
    TaskFetcher(Broadcast<Map<String, String>> hadoopConf, long maxBytes) {
        this.hadoopConf = hadoopConf;
        this.maxBytes = maxBytes;
    }

    /** The task's reader; read-ahead threads share it, hence synchronised. */
    synchronized FileFetcher get() {
        if (fetcher == null) fetcher = new FileFetcher(hadoopConf.value(), maxBytes);
        return fetcher;
    }
}
