package org.sparkimage.core;

import java.io.Serializable;
import java.sql.Timestamp;

/**
 * What an output row names its image by: a listed file, a table row or a tar member.
 *
 * @param path             the file's Hadoop path as listed, {@code <shard>/<member>}, or a table row's id
 * @param size             encoded bytes as listed (0 for a null cell; -1 when a manifest does not say)
 * @param modificationTime as listed; null for table cells and column values
 */
public record ImageRef(String path, long size, Timestamp modificationTime) implements Serializable {
    private static final long serialVersionUID = 1L;
}
