package org.sparkimage.image;

import java.io.IOException;

import javax.imageio.IIOException;
import javax.imageio.stream.ImageInputStreamImpl;

/**
 * An {@link javax.imageio.stream.ImageInputStream} over an in-memory file that refuses to hand out
 * more bytes once the decode's {@link DecodeDeadline} has passed. Readers (libjpeg inside the JDK
 * included) pull their input in small chunks while they work, so failing the next read is what
 * actually stops a runaway decode; the exception unwinds the reader like any I/O error.
 * It also avoids the copy a {@code MemoryCacheImageInputStream} would make.
 */
final class BudgetedImageInputStream extends ImageInputStreamImpl {
    private final byte[] data;
    private final DecodeDeadline deadline;

    BudgetedImageInputStream(byte[] data, DecodeDeadline deadline) {
        this.data = data;
        this.deadline = deadline;
    }

    @Override
    public int read() throws IOException {
        checkBudget();
        bitOffset = 0;
        return streamPos < data.length ? data[(int) streamPos++] & 0xFF : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        checkBudget();
        bitOffset = 0;
        if (len == 0) return 0;
        if (streamPos >= data.length) return -1;
        int n = (int) Math.min(len, data.length - streamPos);
        System.arraycopy(data, (int) streamPos, b, off, n);
        streamPos += n;
        return n;
    }

    @Override
    public long length() {
        return data.length;
    }

    private void checkBudget() throws IOException {
        checkClosed();
        if (deadline.expired()) throw new IIOException("decode time budget exceeded");
    }
}
