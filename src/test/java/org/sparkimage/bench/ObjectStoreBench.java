package org.sparkimage.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.SparkSession;
import org.sparkimage.input.FileLister;
import org.sparkimage.job.ClassificationJob;
import org.sparkimage.output.JobSummary;
import org.sparkimage.setup.JobOptions;
import org.sparkimage.setup.ReadAhead;
import org.sparkimage.setup.SparkSessions;
import org.sparkimage.testing.HttpFaultProxy;
import org.sparkimage.testing.S3Server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The object-store benchmark ({@code scripts/bench-s3.sh}): the ImageNet-sized corpus on local
 * disk and in a bucket of a real S3 server (S3Proxy, filesystem backend, on 127.0.0.1) behind
 * {@link HttpFaultProxy}, which adds a fixed delay to every request; in one run, end-to-end
 * throughput E of the job on the local folder and on {@code s3a://} at each delay, with and
 * without read-ahead, rounds interleaved (each figure its best round), and the requests each run
 * sent. Then listing: {@code --listing-keys} tiny objects in one prefix and spread over
 * {@code --listing-prefixes} prefixes, listed flat (the job's {@link FileLister}) and walked
 * directory by directory (what it did before), with time, requests and driver heap per file.
 * Test scope: S3Proxy and the proxy are test tooling, not part of the job jar.
 */
@Command(name = "bench-s3", mixinStandardHelpOptions = true,
        description = "Measures the job on local disk vs s3a:// at fixed added delays, and listing at scale; writes bench-s3.json.")
public final class ObjectStoreBench implements Callable<Integer> {
    @Option(names = "--output", required = true, paramLabel = "<dir>", description = "Where bench-s3.json, the bucket and job outputs go.")
    Path output;

    @Option(names = "--sources", defaultValue = "src/test/data/nsfw-mobilenetv2/images", description = "Photographs the corpus is made from.")
    Path sources;

    @Option(names = "--corpus-cache", defaultValue = "target/bench-corpora", description = "Where the corpus is kept between runs.")
    Path cache;

    @Option(names = "--images", defaultValue = "2000", description = "ImageNet-sized JPEGs in the corpus. Default: ${DEFAULT-VALUE}.")
    int images;

    @Option(names = "--delays-ms", defaultValue = "0,20,50", split = ",", description = "Delays added per request. Default: ${DEFAULT-VALUE}.")
    List<Integer> delays;

    @Option(names = "--read-ahead-files", defaultValue = "0," + ReadAhead.DEFAULT_FILES, split = ",",
            description = "Read-ahead settings to compare on s3a (0 = off). Default: ${DEFAULT-VALUE}.")
    List<Integer> readAheadFiles;

    @Option(names = "--rounds", defaultValue = "2", description = "Interleaved rounds; each figure is its best. Default: ${DEFAULT-VALUE}.")
    int rounds;

    @Option(names = "--master", defaultValue = "local[2]", description = "Spark master. Default: ${DEFAULT-VALUE}.")
    String master;

    @Option(names = "--listing-keys", defaultValue = "100000", description = "Objects of the listing test; 0 skips it. Default: ${DEFAULT-VALUE}.")
    int listingKeys;

    @Option(names = "--listing-prefixes", defaultValue = "1000", description = "Prefixes the spread listing uses. Default: ${DEFAULT-VALUE}.")
    int listingPrefixes;

    @Option(names = "--listing-delay-ms", defaultValue = "20", description = "Delay per request while listing. Default: ${DEFAULT-VALUE}.")
    int listingDelayMs;

    @Option(names = "--skip-jobs", description = "Only the listing part.")
    boolean skipJobs;

    private final PrintStream log = System.out;
    private final Map<String, Object> report = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
        CorpusBench.deleteRecursively(output.resolve("s3"));
        CorpusBench.deleteRecursively(output.resolve("jobs"));
        Files.createDirectories(output);
        try (S3Server s3 = S3Server.start(output.resolve("s3")); HttpFaultProxy proxy = HttpFaultProxy.start(s3.port())) {
            Map<String, String> conf = new LinkedHashMap<>(S3Server.sparkSettings(proxy.port()));
            conf.put("spark.hadoop.fs.s3a.paging.maximum", "1000"); // S3's own cap on keys per LIST page
            SparkSession spark = SparkSessions.start("bench-s3", master, conf);
            try {
                report.put("master", master);
                report.put("cores", spark.sparkContext().defaultParallelism());
                report.put("started", java.time.Instant.now().toString());
                if (!skipJobs) jobs(spark, s3, proxy);
                if (listingKeys > 0) listing(spark, s3, proxy);
            } finally {
                spark.stop();
            }
        }
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        json.writeValue(output.resolve("bench-s3.json").toFile(), report);
        log.println("wrote " + output.resolve("bench-s3.json"));
        return 0;
    }

    private void jobs(SparkSession spark, S3Server s3, HttpFaultProxy proxy) throws Exception {
        Path corpus = CorpusMaker.make(sources, CorpusMaker.Kind.IMAGENET, images, cache.resolve("imagenet-" + images));
        s3.upload(corpus, "bench", "imagenet");
        String local = corpus.toAbsolutePath().toString();
        String remote = "s3a://bench/imagenet";
        log.printf("corpus %s: %d files, also in %s%n", corpus, images, remote);
        run(spark, local, ReadAhead.DEFAULT, "warm-up", proxy);
        run(spark, remote, ReadAhead.DEFAULT, "warm-up", proxy);

        Map<String, List<Double>> e = new LinkedHashMap<>();
        Map<String, Map<String, Long>> requests = new LinkedHashMap<>();
        for (int round = 1; round <= rounds; round++) {
            proxy.delayMs(0);
            for (int files : readAheadFiles) {
                String name = String.format(Locale.ROOT, "local, read-ahead %d", files);
                e.computeIfAbsent(name, k -> new ArrayList<>()).add(run(spark, local, readAhead(files), name, proxy).rate);
            }
            for (int delay : delays) {
                proxy.delayMs(delay);
                for (int files : readAheadFiles) {
                    ReadAhead ra = readAhead(files);
                    String name = String.format(Locale.ROOT, "s3 %d ms, read-ahead %d", delay, files);
                    Run r = run(spark, remote, ra, name, proxy);
                    e.computeIfAbsent(name, k -> new ArrayList<>()).add(r.rate);
                    requests.put(name, Map.of("GET", r.gets, "HEAD", r.heads, "LIST", r.lists));
                }
            }
        }
        proxy.delayMs(0);
        String baseline = String.format(Locale.ROOT, "local, read-ahead %d", readAheadFiles.get(readAheadFiles.size() - 1));
        double base = best(e.get(baseline));
        Map<String, Object> figures = new LinkedHashMap<>();
        log.println();
        log.println("| input | E images/s (best of " + rounds + ") | vs " + baseline + " | rounds | GET | HEAD |");
        log.println("|---|---|---|---|---|---|");
        for (Map.Entry<String, List<Double>> x : e.entrySet()) {
            double b = best(x.getValue());
            Map<String, Long> req = requests.getOrDefault(x.getKey(), Map.of());
            figures.put(x.getKey(), Map.of("images_per_s", b, "vs_local", b / base, "rounds", x.getValue(), "requests", req));
            log.printf(Locale.ROOT, "| %s | %.1f | %.2f | %s | %s | %s |%n", x.getKey(), b, b / base, rounds(x.getValue()),
                    req.getOrDefault("GET", 0L), req.getOrDefault("HEAD", 0L));
        }
        report.put("images", images);
        report.put("baseline", baseline);
        report.put("throughput", figures);
    }

    private static ReadAhead readAhead(int files) {
        return files == 0 ? ReadAhead.OFF : ReadAhead.DEFAULT.withFiles(files);
    }

    private record Run(double rate, long gets, long heads, long lists) {}

    private Run run(SparkSession spark, String input, ReadAhead ra, String name, HttpFaultProxy proxy) throws Exception {
        Path out = output.resolve("jobs").resolve("run");
        CorpusBench.deleteRecursively(out);
        proxy.resetCounts();
        JobSummary job = ClassificationJob.run(spark, JobOptions.of(input, out.toString()).withReadAhead(ra),
                new PrintStream(PrintStream.nullOutputStream()));
        double rate = job.counts().images() / job.wallSeconds();
        long gets = proxy.count("GET", "/bench/imagenet/");
        long heads = proxy.count("HEAD", "/bench/imagenet/");
        long lists = proxy.requests().stream().filter(r -> r.contains("list-type")).count();
        log.printf(Locale.ROOT, "  %-28s %7.1f images/s (%d images, %d errors, %.1f s; GET %d, HEAD %d, LIST %d)%n", name, rate,
                job.counts().images(), job.counts().errors(), job.wallSeconds(), gets, heads, lists);
        return new Run(rate, gets, heads, lists);
    }

    private void listing(SparkSession spark, S3Server s3, HttpFaultProxy proxy) throws IOException {
        Path bucket = s3.bucket("bench-list");
        log.printf("writing %d tiny objects into one prefix and into %d prefixes...%n", listingKeys, listingPrefixes);
        int perPrefix = Math.max(1, listingKeys / listingPrefixes);
        for (int i = 0; i < listingKeys; i++) {
            Path flat = bucket.resolve(String.format("flat/k%06d.jpg", i));
            Path spread = bucket.resolve(String.format("spread/p%04d/k%06d.jpg", i / perPrefix, i));
            if (i == 0 || i % perPrefix == 0) {
                Files.createDirectories(flat.getParent());
                Files.createDirectories(spread.getParent());
            }
            Files.write(flat, new byte[] {(byte) i});
            Files.write(spread, new byte[] {(byte) i});
        }
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        FileLister.list("s3a://bench-list/spread/p0000", hadoop); // loads S3A's listing classes before the heap is measured
        proxy.delayMs(listingDelayMs);
        log.printf("listing with %d ms added per request%n", listingDelayMs);
        Map<String, Object> results = new LinkedHashMap<>();
        log.println();
        log.println("| layout | method | files | seconds | LIST requests | driver heap bytes per file |");
        log.println("|---|---|---|---|---|---|");
        for (String layout : new String[] {"flat", "spread"}) {
            String root = "s3a://bench-list/" + layout;
            for (String method : new String[] {"flat listFiles (the job)", "per-directory walk (before)"}) {
                proxy.resetCounts();
                long t0 = System.nanoTime();
                List<?> files = method.startsWith("flat") ? FileLister.list(root, hadoop, log, 10) : walk(root, hadoop);
                double seconds = (System.nanoTime() - t0) / 1e9;
                int n = files.size();
                // What the list itself retains: the heap with it, then without it (both after full GCs).
                long withList = usedHeap();
                java.lang.ref.Reference.reachabilityFence(files);
                files = null;
                long perFile = (withList - usedHeap()) / Math.max(1, n);
                long lists = proxy.requests().stream().filter(r -> r.contains("list-type")).count();
                log.printf(Locale.ROOT, "| %d keys, %s | %s | %d | %.1f | %d | %s |%n", listingKeys,
                        layout.equals("flat") ? "one prefix" : listingPrefixes + " prefixes", method, n, seconds, lists,
                        method.startsWith("flat") ? Long.toString(perFile) : "-");
                results.put(layout + " / " + method, Map.of("files", n, "seconds", seconds, "list_requests", lists,
                        "requests", proxy.requests().size(), "heap_bytes_per_file", perFile));
            }
        }
        proxy.delayMs(0);
        report.put("listing_keys", listingKeys);
        report.put("listing_delay_ms", listingDelayMs);
        report.put("listing", results);
    }

    /** The listing as the job did it before: listStatus per directory. */
    private static List<FileStatus> walk(String root, Configuration hadoop) throws IOException {
        org.apache.hadoop.fs.Path r = new org.apache.hadoop.fs.Path(root);
        FileSystem fs = r.getFileSystem(hadoop);
        List<FileStatus> files = new ArrayList<>();
        ArrayDeque<org.apache.hadoop.fs.Path> dirs = new ArrayDeque<>(List.of(r));
        while (!dirs.isEmpty()) {
            for (FileStatus f : fs.listStatus(dirs.poll())) {
                if (f.isDirectory()) dirs.add(f.getPath());
                else files.add(f);
            }
        }
        return files;
    }

    /** Heap in use after a full collection (what the listing keeps, not its garbage). */
    private static long usedHeap() {
        for (int i = 0; i < 3; i++) System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static double best(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).max().orElse(0);
    }

    private static String rounds(List<Double> v) {
        StringBuilder b = new StringBuilder();
        for (double x : v) b.append(b.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.1f", x));
        return b.toString();
    }

    /** The {@code bench-s3} command line. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new ObjectStoreBench()).execute(args));
    }
}
