package org.sparkimage.job;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;
import org.sparkimage.image.ErrorCode;
import org.sparkimage.io.TarShards;

/**
 * The driver side of one run: resolve and broadcast the model, list the input with Spark's
 * {@code binaryFile} source, classify partition by partition, write predictions and stats as
 * Parquet through Spark's commit protocol, then {@code summary.json}.
 */
public final class ClassificationJob {

    /** A run that could not start; {@link #exitCode()} is the CLI's exit status. */
    public static final class JobException extends Exception {
        private final int exitCode;

        public JobException(int exitCode, String message) {
            super(message);
            this.exitCode = exitCode;
        }

        public int exitCode() {
            return exitCode;
        }
    }

    public static final int EXIT_INPUT = 3;
    public static final int EXIT_OUTPUT_EXISTS = 4;
    public static final int EXIT_MODEL = 5;

    private ClassificationJob() {}

    /**
     * Tasks per core and chunk. Every task fills and drains its decode/inference pipeline and writes
     * a Parquet file, so fewer, longer tasks are faster (measured: docs/throughput.md); two per core
     * still lets a fast core take over part of a slow one's share.
     */
    static final int PARTITIONS_PER_CORE = 2;

    public static JobSummary run(SparkSession spark, JobOptions o, PrintStream console) throws JobException, IOException {
        Instant start = Instant.now();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();

        ModelBundle bundle;
        try {
            bundle = ModelBundle.resolve(o.model(), o.modelCard());
        } catch (IOException | RuntimeException e) {
            throw new JobException(EXIT_MODEL, "cannot use model '" + o.model() + "': " + e.getMessage());
        }
        if (o.embeddings() && bundle.card().featuresName() == null) {
            throw new JobException(EXIT_MODEL, "--embeddings: the card of model '" + o.model() + "' names no features output");
        }
        checkInput(o.input(), hadoop);
        Path out = new Path(o.output());
        FileSystem outFs = out.getFileSystem(hadoop);
        boolean resuming = o.resume() && outFs.exists(out);
        if (outFs.exists(out) && !resuming) {
            if (!o.overwrite()) {
                throw new JobException(EXIT_OUTPUT_EXISTS, "output " + o.output() + " exists; pass --overwrite to replace it or --resume to continue it");
            }
            outFs.delete(out, true);
        }
        PredictionStore store = new PredictionStore(spark, outFs, out, PredictionSchema.schema(o.embeddings()));
        if (resuming) store.recover();

        Dataset<Row> tableInput = o.table() != null ? tableRows(spark, o) : null;
        List<Row> listed = tableInput != null ? List.of() : FileLister.list(o.input(), hadoop);
        long files = tableInput != null ? tableInput.count() : listed.size();
        Dataset<Row> listing = spark.createDataFrame(listed, FileLister.SCHEMA);
        PredictionStore.Plan plan = resuming ? store.plan(listing) : new PredictionStore.Plan(listed, 0, 0);
        List<Row> todo = plan.todo();
        long toLabel = tableInput != null ? files : todo.size();

        Map<String, String> hadoopEntries = new HashMap<>();
        hadoop.forEach(e -> hadoopEntries.put(e.getKey(), e.getValue()));
        Broadcast<ModelBundle> model = jsc.broadcast(bundle);
        Broadcast<Map<String, String>> conf = jsc.broadcast(hadoopEntries);
        LongAccumulator processed = spark.sparkContext().longAccumulator("images processed");
        LongAccumulator errors = spark.sparkContext().longAccumulator("images failed");
        CollectionAccumulator<PartitionStats> stats = spark.sparkContext().collectionAccumulator("partition stats");
        RowBinding binding = tableInput != null ? new TableCellBinding(o.maxFileBytes(), o.embeddings())
                : new ListedFileBinding(conf, o.maxFileBytes(), o.embeddings());
        PartitionClassifier classifier = new PartitionClassifier(model,
                new PartitionClassifier.Settings(o.batchSize(), o.topK() > 0 ? o.topK() : 5, o.decodeLimits(), o.decodeMode(),
                        o.embeddings()),
                binding, new PartitionClassifier.Reporting(processed, errors, stats));

        if (resuming) {
            console.printf("resuming %s: %d of %d files have committed rows, %d stale rows dropped%n",
                    o.output(), plan.kept(), files, plan.stale());
        }
        int chunkFiles = (int) Math.min(o.commitEvery(), Math.max(1, toLabel));
        int partitions = o.partitions() > 0 ? o.partitions()
                : Math.max(1, Math.min(chunkFiles, PARTITIONS_PER_CORE * spark.sparkContext().defaultParallelism()));
        long shards = todo.stream().filter(r -> TarShards.isShard(r.getString(0))).count();
        console.printf("classifying %d %s%s in %d partitions per commit of up to %d with %s%n", toLabel,
                tableInput != null ? "table rows" : "files", shards > 0 ? " (" + shards + " of them tar shards)" : "", partitions,
                o.commitEvery(), bundle.card().name());
        try (ProgressReporter progress = new ProgressReporter(spark.sparkContext(), processed, errors, shards > 0 ? -1 : toLabel,
                o.progressSeconds(), console)) {
            if (tableInput != null) {
                // One commit: a table has no listing to resume against. Its own partitions are kept
                // unless there are too few to keep every core busy.
                Dataset<Row> rows = tableInput.rdd().getNumPartitions() < partitions ? tableInput.repartition(partitions) : tableInput;
                store.append(rows.mapPartitions(classifier, Encoders.row(PredictionSchema.schema(o.embeddings()))));
            }
            for (int from = 0; from < todo.size(); from += o.commitEvery()) {
                List<Row> chunk = todo.subList(from, Math.min(todo.size(), from + o.commitEvery()));
                JavaRDD<Row> slices = jsc.parallelize(roundRobin(chunk, partitions), partitions);
                store.append(spark.createDataFrame(slices, FileLister.SCHEMA)
                        .mapPartitions(classifier, Encoders.row(PredictionSchema.schema(o.embeddings()))));
            }
            store.ensureExists();
            if (o.progressSeconds() > 0) progress.report();
        }

        List<PartitionStats> statList = new ArrayList<>(stats.value());
        statList.sort((a, b) -> Integer.compare(a.partition(), b.partition()));
        spark.createDataFrame(PartitionStats.toRows(statList), PartitionStats.SCHEMA).coalesce(1)
                .write().mode(SaveMode.Append).parquet(new Path(out, "stats").toString());

        RowCounts counts = resuming ? RowCounts.of(spark.read().parquet(store.table().toString())) : RowCounts.of(statList);
        TreeSet<String> executors = new TreeSet<>();
        Map<String, Integer> sessionsPerExecutor = new HashMap<>();
        for (PartitionStats s : statList) {
            executors.add(s.executorId());
            sessionsPerExecutor.merge(s.executorId(), s.sessionsCreated(), Math::max);
        }
        Path summaryFile = new Path(out, "summary.json");
        JobSummary.Resume resume = resuming
                ? new JobSummary.Resume(plan.kept(), plan.stale(), runsBehind(outFs, summaryFile))
                : JobSummary.Resume.NONE;
        long labeled = statList.stream().mapToLong(PartitionStats::images).sum();
        JobSummary summary = new JobSummary(spark.sparkContext().applicationId(), start, Instant.now(), counts.rows(), labeled,
                resume, counts.rows() - counts.errors(), counts.errors(), counts.errorsByCode(), bundle.card().name(),
                bundle.sha256(), spark.sparkContext().master(),
                List.copyOf(executors), partitions, sessionsPerExecutor.values().stream().mapToInt(Integer::intValue).sum(),
                JobSummary.StageSeconds.of(statList));
        try (OutputStream s = outFs.create(summaryFile, true)) {
            s.write(summary.toJson().getBytes(StandardCharsets.UTF_8));
        }
        return summary;
    }

    /**
     * {@code (path, content)} rows of a Parquet table input: the id column (as a string) or
     * {@code <input>#<row id>}, and the binary column.
     */
    private static Dataset<Row> tableRows(SparkSession spark, JobOptions o) throws JobException {
        Dataset<Row> t;
        try {
            t = spark.read().parquet(o.input());
        } catch (RuntimeException e) {
            throw new JobException(EXIT_INPUT, "input " + o.input() + " is not a readable Parquet table: " + e.getMessage());
        }
        List<String> columns = List.of(t.columns());
        JobOptions.TableInput in = o.table();
        for (String c : new String[] {in.binaryColumn(), in.idColumn()}) {
            if (c != null && !columns.contains(c)) {
                throw new JobException(EXIT_INPUT, "table " + o.input() + " has no column '" + c + "': " + columns);
            }
        }
        if (!(t.schema().apply(in.binaryColumn()).dataType() instanceof org.apache.spark.sql.types.BinaryType)) {
            throw new JobException(EXIT_INPUT, "column '" + in.binaryColumn() + "' is not binary");
        }
        Column id = in.idColumn() != null ? functions.col(in.idColumn()).cast("string")
                : functions.concat(functions.lit(o.input() + "#"), functions.monotonically_increasing_id().cast("string"));
        return t.select(id.as("path"), functions.col(in.binaryColumn()).as("content"));
    }

    /** Rows of the predictions table, and its error rows per code. */
    record RowCounts(long rows, Map<String, Long> errorsByCode) {
        long errors() {
            return errorsByCode.values().stream().mapToLong(Long::longValue).sum();
        }

        /**
         * A fresh run's table holds exactly the rows its tasks counted: Spark merges the
         * accumulator of each task once, and never a failed attempt's, as the commit protocol keeps
         * only the winning attempt's file. Adding them up saves reading the table back.
         */
        static RowCounts of(List<PartitionStats> stats) {
            Map<String, Long> codes = new TreeMap<>();
            stats.forEach(s -> s.errorCodes().forEach((code, n) -> codes.merge(code, n, Long::sum)));
            return new RowCounts(stats.stream().mapToLong(PartitionStats::images).sum(), codes);
        }

        /** A resumed run's table also holds earlier runs' rows: one global aggregate, no shuffle stage. */
        static RowCounts of(Dataset<Row> table) {
            ErrorCode[] known = ErrorCode.values();
            Column[] perCode = new Column[known.length];
            for (int i = 0; i < known.length; i++) {
                perCode[i] = functions.sum(functions.when(functions.col("error_code").equalTo(known[i].name()), 1).otherwise(0));
            }
            Row counts = table.agg(functions.count(functions.lit(1)), perCode).first();
            Map<String, Long> codes = new TreeMap<>();
            for (int i = 0; i < known.length; i++) {
                long n = counts.isNullAt(i + 1) ? 0 : counts.getLong(i + 1);
                if (n > 0) codes.put(known[i].name(), n);
            }
            return new RowCounts(counts.getLong(0), codes);
        }
    }

    /**
     * The files reordered so that {@code parallelize}'s contiguous slices deal them out round-robin:
     * a listing sorted by path often has its large files side by side, and one slice must not get
     * them all. Slicing a driver-side list needs no shuffle, unlike {@code repartition}.
     */
    static List<Row> roundRobin(List<Row> files, int slices) {
        List<Row> out = new ArrayList<>(files.size());
        for (int s = 0; s < slices; s++) {
            for (int i = s; i < files.size(); i += slices) out.add(files.get(i));
        }
        return out;
    }

    /** The runs that wrote an output before this one, oldest first, from its summary.json. */
    private static List<String> runsBehind(FileSystem fs, Path summaryFile) throws IOException {
        if (!fs.exists(summaryFile)) return List.of("(interrupted run)");
        try (var in = fs.open(summaryFile)) {
            Map<?, ?> previous = (Map<?, ?>) org.sparkimage.util.Json.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            List<String> runs = new ArrayList<>();
            if (previous.get("earlier_runs") instanceof List<?> l) l.forEach(x -> runs.add(String.valueOf(x)));
            runs.add(String.valueOf(previous.get("run_id")));
            return runs;
        }
    }

    /** The input root (or, for a glob, at least one match) must exist and be readable. */
    private static void checkInput(String input, Configuration hadoop) throws JobException {
        try {
            Path p = new Path(input);
            FileSystem fs = p.getFileSystem(hadoop);
            FileStatus[] matches = fs.globStatus(p);
            if (matches == null || matches.length == 0) throw new JobException(EXIT_INPUT, "input " + input + " does not exist");
            for (FileStatus s : matches) {
                if (s.isDirectory()) fs.listStatus(s.getPath()); // throws when the directory cannot be read
            }
        } catch (IOException e) {
            throw new JobException(EXIT_INPUT, "input " + input + " is not readable: " + e.getMessage());
        }
    }
}
