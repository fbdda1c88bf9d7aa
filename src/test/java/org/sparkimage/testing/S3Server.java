package org.sparkimage.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.blobstore.domain.Blob;

/**
 * A real S3 server for tests and the object-store benchmark: S3Proxy with its filesystem backend,
 * listening on 127.0.0.1 (an ephemeral port), signature V2/V4 checked against one access key.
 * Objects are put through the backend's own API ({@link #upload}, {@link #put}), which records
 * their ETag as S3 would; a bucket is then a directory under {@link #root()} and a key a file
 * under it, so a test can delete an object behind the job's back, or set its modification time,
 * with plain file operations.
 */
public final class S3Server implements AutoCloseable {
    /** The access key the server accepts. */
    public static final String ACCESS_KEY = "test-access-key";
    /** The secret key the server accepts (tests check that it never reaches logs or outputs). */
    public static final String SECRET_KEY = "test-secret-Zq7XwV3kP9";

    private final Path root;
    private final S3Proxy proxy;
    private final BlobStoreContext context;

    private S3Server(Path root) throws Exception {
        this.root = root;
        Properties props = new Properties();
        props.setProperty("jclouds.filesystem.basedir", root.toString());
        this.context = ContextBuilder.newBuilder("filesystem").overrides(props).build(BlobStoreContext.class);
        this.proxy = S3Proxy.builder().blobStore(context.getBlobStore()).endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY).build();
        proxy.start();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!"STARTED".equals(proxy.getState())) {
            if (System.nanoTime() > deadline) throw new IllegalStateException("S3Proxy did not start: " + proxy.getState());
            Thread.sleep(5);
        }
    }

    /** Starts a server whose buckets are the directories of {@code root}. */
    public static S3Server start(Path root) throws Exception {
        Files.createDirectories(root);
        return new S3Server(root);
    }

    /** The folder holding the buckets. */
    public Path root() {
        return root;
    }

    /** The port it listens on (127.0.0.1). */
    public int port() {
        return proxy.getPort();
    }

    /** The folder of bucket {@code name}, created when missing. */
    public Path bucket(String name) {
        Path b = root.resolve(name);
        try {
            Files.createDirectories(b);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return b;
    }

    /**
     * Puts every file under {@code from} into {@code bucket} under {@code prefix}, keeping relative
     * paths and modification times (S3 keeps whole seconds).
     */
    public void upload(Path from, String bucket, String prefix) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                String key = prefix.isEmpty() ? from.relativize(f).toString() : prefix + "/" + from.relativize(f);
                put(bucket, key, Files.readAllBytes(f));
                Files.setLastModifiedTime(bucket(bucket).resolve(key), Files.getLastModifiedTime(f));
            }
        }
    }

    /** Puts one object (creating the bucket when missing). */
    public void put(String bucket, String key, byte[] data) {
        BlobStore store = context.getBlobStore();
        store.createContainerInLocation(null, bucket);
        Blob blob = store.blobBuilder(key).payload(data).contentLength(data.length).build();
        store.putBlob(bucket, blob);
    }

    /**
     * The Hadoop settings that point S3A at a server on 127.0.0.1:{@code port} (this one, or a proxy
     * in front of it) with the server's keys; retries kept short so that a test of a failure does
     * not wait out the production back-off.
     */
    public static Map<String, String> s3aSettings(int port) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("fs.s3a.endpoint", "http://127.0.0.1:" + port);
        c.put("fs.s3a.endpoint.region", "us-east-1");
        c.put("fs.s3a.path.style.access", "true");
        c.put("fs.s3a.connection.ssl.enabled", "false");
        c.put("fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
        c.put("fs.s3a.access.key", ACCESS_KEY);
        c.put("fs.s3a.secret.key", SECRET_KEY);
        c.put("fs.s3a.attempts.maximum", "2");
        c.put("fs.s3a.retry.limit", "2");
        c.put("fs.s3a.retry.interval", "50ms");
        c.put("fs.s3a.retry.throttle.limit", "3");
        c.put("fs.s3a.retry.throttle.interval", "50ms");
        // What a third-party store that predates S3's flexible checksums needs (docs/cluster.md): the
        // AWS SDK puts a checksum header on every bulk DeleteObjects, which S3Proxy 2.6.0 answers
        // with 501 NotImplemented; S3A then deletes one object per request.
        c.put("fs.s3a.multiobjectdelete.enable", "false");
        return c;
    }

    /** {@link #s3aSettings} as {@code spark.hadoop.*} Spark settings (what {@code --conf} takes). */
    public static Map<String, String> sparkSettings(int port) {
        Map<String, String> c = new LinkedHashMap<>();
        s3aSettings(port).forEach((k, v) -> c.put("spark.hadoop." + k, v));
        return c;
    }

    @Override
    public void close() throws Exception {
        proxy.stop();
        context.close();
    }
}
