package org.sparkimage.review;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.sparkimage.core.ClassifierSettings;
import org.sparkimage.review.PredictionReader.LabelCount;
import org.sparkimage.setup.SparkSessions;
import org.sparkimage.setup.TableFormat;
import org.sparkimage.util.CommandLines;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code scripts/gallery.sh}: a static HTML review page over the output of the classify job, one
 * section per predicted label (by label index; cards by probability, highest first), then every
 * error row. Thumbnails are JPEG files in {@code thumbs/} next to the page.
 */
@Command(name = "gallery", mixinStandardHelpOptions = true, version = "spark-image-classifier 0.1.0",
        sortOptions = false, usageHelpAutoWidth = true,
        description = {
            "Writes a static HTML page (inline CSS, no scripts, no network) for reviewing the labels of a classify",
            "output: one section per predicted label with thumbnails by probability, then every error row.",
            "Thumbnails are JPEG files in a 'thumbs' folder next to the page.",
            "",
            "Exit status: 0 written; 2 bad arguments; 3 no predictions table under <output>; 1 failed."})
public final class GalleryCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "<output>", description = "Output directory of the classify job (local path or Hadoop URI).")
    String output;

    @Option(names = "--html", paramLabel = "<file>",
            description = "Page to write. Default: <output>/gallery/index.html (needs a local <output>).")
    Path html;

    @Option(names = "--per-label", paramLabel = "N", description = "Cards per label at most (the most probable). Default: all.")
    Integer perLabel;

    @Option(names = "--review-queue", paramLabel = "N",
            description = "Put the N least sure predictions first, in a 'Review first' section. Default: none.")
    Integer reviewQueue;

    @Option(names = "--rank-by", defaultValue = "margin", paramLabel = "margin|least-confidence|entropy",
            description = "What makes a prediction least sure in the review queue: the smallest margin (top-1 minus top-2"
                    + " probability), the highest least confidence (1 - top-1) or the highest entropy. Default: ${DEFAULT-VALUE}.")
    String rankBy;

    @Option(names = "--thumb-size", defaultValue = "160", paramLabel = "PX",
            description = "Thumbnails fit a PX x PX box. Default: ${DEFAULT-VALUE}.")
    int thumbSize;

    @Option(names = "--max-file-mb", paramLabel = "MB",
            description = "Larger images get no preview. Default: ${DEFAULT-VALUE} (the job's limit).")
    long maxFileMb = ClassifierSettings.DEFAULT_MAX_IMAGE_MB;

    @Option(names = "--master", defaultValue = "local[2]", paramLabel = "<url>",
            description = "Spark master that reads the table. Default: ${DEFAULT-VALUE}.")
    String master;

    private final PrintStream console;

    GalleryCommand(PrintStream console) {
        this.console = console;
    }

    @Override
    public Integer call() throws Exception {
        Path page;
        try {
            if (perLabel != null && perLabel < 1) throw new IllegalArgumentException("--per-label must be at least 1");
            if (reviewQueue != null && reviewQueue < 1) throw new IllegalArgumentException("--review-queue must be at least 1");
            RankBy.parse(rankBy);
            if (thumbSize < 16 || thumbSize > 2048) throw new IllegalArgumentException("--thumb-size must be in 16..2048");
            if (maxFileMb < 1) throw new IllegalArgumentException("--max-file-mb must be at least 1");
            page = (html != null ? html : localDir(output).resolve("gallery").resolve("index.html")).toAbsolutePath();
        } catch (IllegalArgumentException e) {
            console.println("gallery: " + e.getMessage());
            return 2;
        }
        // A session that already runs (a test) is used and left running.
        boolean ownSession = SparkSession.getActiveSession().isEmpty();
        // A session of its own gets Delta's settings: harmless for a Parquet output, and a Delta one is
        // then read through its log. A running session is not changed (its catalog setting would be).
        SparkSession spark = SparkSessions.start("label-gallery", master, Map.of("spark.ui.enabled", "false"),
                ownSession ? TableFormat.DELTA : TableFormat.PARQUET);
        try {
            Configuration conf = spark.sparkContext().hadoopConfiguration();
            org.apache.hadoop.fs.Path table = new org.apache.hadoop.fs.Path(output, "predictions");
            if (!table.getFileSystem(conf).exists(table)) {
                console.println("gallery: no predictions table at " + table);
                return 3;
            }
            write(spark, conf, page);
            return 0;
        } finally {
            if (ownSession) spark.stop();
        }
    }

    private void write(SparkSession spark, Configuration conf, Path page) throws IOException {
        PredictionReader reader = new PredictionReader(spark, output);
        List<LabelCount> labels = reader.labelCounts();
        Map<String, Long> errors = reader.errorCounts();
        Path dir = page.getParent();
        Path thumbDir = dir.resolve("thumbs");
        Files.createDirectories(thumbDir);
        clearThumbnails(thumbDir);
        Thumbnails thumbs = new Thumbnails(conf, thumbDir, "thumbs/", thumbSize, maxFileMb << 20);
        List<String> shownPaths = new java.util.ArrayList<>();
        RankBy measure = RankBy.parse(rankBy);
        List<PredictionReader.Ranked> queue = reviewQueue == null ? List.of() : reader.leastSure(measure, reviewQueue);
        queue.forEach(r -> shownPaths.add(r.prediction().path()));
        reader.okPredictions(perLabel).forEachRemaining(p -> shownPaths.add(p.path()));
        thumbs.prepare(shownPaths); // tar members: each shard read once for all of them
        Path tmp = dir.resolve("." + page.getFileName() + ".tmp");
        long cards = 0;
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            GalleryPage html = new GalleryPage(w, thumbSize);
            html.begin(new GalleryPage.Header(RunInfo.read(output, conf), output, labels, errors, perLabel, thumbSize));
            if (reviewQueue != null) {
                html.beginQueue(measure, queue.size());
                for (PredictionReader.Ranked r : queue) html.okCard(r.prediction(), thumbs.make(r.prediction().path()), measure, r.value());
                html.endQueue();
                console.println("  review first: the " + queue.size() + " least sure by " + rankBy);
            }
            Iterator<Prediction> rows = reader.okPredictions(perLabel);
            Prediction next = rows.hasNext() ? rows.next() : null;
            for (LabelCount l : labels) {
                long shown = perLabel == null ? l.count() : Math.min(l.count(), perLabel);
                html.beginSection(l, shown);
                long written = 0;
                while (next != null && next.labelIndex() == l.index()) {
                    html.okCard(next, thumbs.make(next.path()));
                    written++;
                    next = rows.hasNext() ? rows.next() : null;
                }
                html.endSection(l.count() - written, perLabel);
                cards += written;
                console.println("  " + l.label() + ": " + written + " of " + l.count());
            }
            if (!errors.isEmpty()) {
                html.beginErrors(errors);
                for (Iterator<Prediction> it = reader.errorPredictions(); it.hasNext(); cards++) html.errorCard(it.next());
                html.endErrors();
            }
            html.end();
        }
        Files.move(tmp, page, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        console.println("wrote " + page + ": " + cards + " cards, " + thumbs.made() + " thumbnails in " + thumbDir
                + (thumbs.failed() > 0 ? ", " + thumbs.failed() + " without preview" : ""));
    }

    /** Removes the thumbnails of an earlier run (only files named like ours). */
    private static void clearThumbnails(Path thumbDir) throws IOException {
        try (DirectoryStream<Path> s = Files.newDirectoryStream(thumbDir, "[0-9][0-9][0-9][0-9][0-9][0-9]*.jpg")) {
            for (Path p : s) Files.deleteIfExists(p);
        }
    }

    /** The local folder of a local output (plain path or file: URI); other schemes need --html. */
    static Path localDir(String output) {
        URI uri = new org.apache.hadoop.fs.Path(output).toUri();
        if (uri.getScheme() == null) return Path.of(output);
        if (uri.getScheme().equals("file")) return Path.of(uri.getPath());
        throw new IllegalArgumentException("the output " + output + " is not local: give the page's place with --html <file>");
    }

    /** Runs the command and returns its exit status (for tests and {@link #main}). */
    public static int execute(PrintStream console, String... args) {
        return CommandLines.execute(new GalleryCommand(console), console, "gallery: failed", args);
    }

    public static void main(String[] args) {
        System.exit(execute(System.out, args));
    }
}
