package org.sparkimage.input;

import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.zip.ZipException;

import org.sparkimage.core.ErrorCode;
import org.sparkimage.core.ImageInput;
import org.sparkimage.core.ImageRef;
import org.sparkimage.io.TarMemberPath;
import org.sparkimage.io.TarReader;
import org.sparkimage.io.TarShards;

/**
 * The members of one tar shard (WebDataset style; {@code .tar}, {@code .tar.gz}, {@code .tgz}),
 * streamed as the iterator advances: one image
 * per regular member, named {@code <shard path>/<member name>}, with the member's size and the
 * shard's modification time (what resume matches on). Members that are too large, truncated or
 * not regular files become error rows; an archive that breaks off, is not a tar at all, cannot
 * be read or has no members gives one error row named by the shard's own path for the rest.
 */
final class TarShardImages implements Iterator<ImageInput> {
    private final ImageRef shard;
    private final FileFetcher fetcher;
    private final long maxMemberBytes;
    private TarReader reader;
    private ImageInput next;
    private boolean done;
    private int members;

    TarShardImages(ImageRef shard, FileFetcher fetcher, long maxMemberBytes) {
        this.shard = shard;
        this.fetcher = fetcher;
        this.maxMemberBytes = maxMemberBytes;
    }

    @Override
    public boolean hasNext() {
        if (next == null && !done) next = advance();
        return next != null;
    }

    @Override
    public ImageInput next() {
        if (!hasNext()) throw new NoSuchElementException();
        ImageInput n = next;
        next = null;
        return n;
    }

    private ImageInput advance() {
        try {
            if (reader == null) reader = new TarReader(TarShards.tarStream(shard.path(), fetcher.open(shard.path(), shard.size())), maxMemberBytes);
            TarReader.Member m = reader.next();
            if (m == null) {
                end();
                return members > 0 ? null : shardFailed(ErrorCode.EMPTY, "tar archive has no members");
            }
            members++;
            ImageRef ref = new ImageRef(new TarMemberPath(shard.path(), m.name()).toString(),
                    m.size(), shard.modificationTime());
            return switch (m.problem()) {
                case NONE -> ImageInput.encoded(null, ref, m.data());
                case TOO_LARGE -> ImageInput.failed(null, ref, ErrorCode.TOO_LARGE, m.message());
                case TRUNCATED -> ImageInput.failed(null, ref, ErrorCode.TRUNCATED, m.message());
                case NOT_A_FILE -> ImageInput.failed(null, ref, ErrorCode.NOT_AN_IMAGE, m.message());
            };
        } catch (TarReader.TarFormatException e) {
            end();
            // Before the first member nothing tells a cut-off archive from a file that only has the name.
            if (members == 0) return shardFailed(ErrorCode.CORRUPT, "not a readable tar archive: " + e.getMessage());
            return shardFailed(e.truncated() ? ErrorCode.TRUNCATED : ErrorCode.CORRUPT,
                    "tar archive broken after " + members + " members: " + e.getMessage());
        } catch (EOFException e) { // a compressed shard cut short
            end();
            return shardFailed(ErrorCode.TRUNCATED, "tar archive cut short after " + members + " members: " + e.getMessage());
        } catch (ZipException e) {
            end();
            return shardFailed(ErrorCode.CORRUPT, "compressed tar archive broken after " + members + " members: " + e.getMessage());
        } catch (FileNotFoundException | NoSuchFileException e) {
            end();
            return shardFailed(ErrorCode.READ_ERROR, "file no longer exists: " + e.getMessage());
        } catch (IOException e) {
            end();
            return shardFailed(ErrorCode.READ_ERROR, "cannot read tar archive after " + members + " members: " + e);
        } catch (RuntimeException e) { // a parser bug must cost this shard's rest, not the task
            end();
            return shardFailed(ErrorCode.INTERNAL, "unexpected failure reading tar archive after " + members + " members: " + e);
        }
    }

    private ImageInput shardFailed(ErrorCode code, String message) {
        return ImageInput.failed(null, shard, code, message);
    }

    private void end() {
        done = true;
        if (reader == null) return;
        try {
            reader.close();
        } catch (IOException ignored) {
            // read-only stream: nothing is lost
        }
    }
}
