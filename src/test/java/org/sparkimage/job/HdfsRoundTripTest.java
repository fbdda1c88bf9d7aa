package org.sparkimage.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkimage.output.JobSummary;
import org.sparkimage.setup.JobOptions;
import org.sparkimage.testing.TestSpark;
import org.sparkimage.testing.YarnCluster;

/**
 * A real in-process HDFS (MiniDFSCluster: a NameNode and a DataNode): images are put there, the
 * job reads {@code hdfs://} input and writes {@code hdfs://} output, the rows are read back from
 * HDFS. A resumed run on HDFS then relabels a replaced file and labels an added one.
 */
class HdfsRoundTripTest {
    @TempDir
    Path tmp;

    @Test
    void labelsFromHdfsToHdfsAndResumesThere() throws Exception {
        Configuration conf = new Configuration();
        MiniDFSCluster hdfs = new MiniDFSCluster.Builder(conf, tmp.resolve("dfs").toFile()).numDataNodes(1).build();
        // The job's writers use the session's Hadoop settings: let them wait for a slow block report.
        Configuration sessionHadoop = TestSpark.session().sparkContext().hadoopConfiguration();
        String retries = sessionHadoop.get(YarnCluster.HDFS_CLOSE_RETRIES);
        sessionHadoop.setInt(YarnCluster.HDFS_CLOSE_RETRIES, 10);
        try {
            hdfs.waitActive();
            FileSystem fs = hdfs.getFileSystem();
            String root = hdfs.getURI().toString();
            for (String name : new String[] {"chelsea.png", "coins.png", "rocket.jpg"}) {
                fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(Path.of("samples", name).toAbsolutePath().toUri()),
                        new org.apache.hadoop.fs.Path(root + "/images/" + name));
            }
            String output = root + "/labels";
            PrintStream quiet = new PrintStream(PrintStream.nullOutputStream());
            // The model itself comes from HDFS too: the driver reads it through its Hadoop file system.
            String model = root + "/models/default.onnx";
            try (var out = fs.create(new org.apache.hadoop.fs.Path(model))) {
                out.write(org.sparkimage.model.DefaultModel.bytes());
            }
            JobOptions fromHdfs = new JobOptions(root + "/images", output, model, null,
                    org.sparkimage.core.ClassifierSettings.DEFAULTS, null, JobOptions.Run.DEFAULT, false);
            JobSummary first = ClassificationJob.run(TestSpark.session(), fromHdfs, quiet);
            assertEquals(3, first.counts().images());
            assertEquals(org.sparkimage.util.Sha256.hex(org.sparkimage.model.DefaultModel.bytes()), first.model().sha256());

            Map<String, Row> rows = readBack(output);
            assertEquals(3, rows.size());
            for (Row r : rows.values()) {
                assertTrue(((String) r.getAs("path")).startsWith("hdfs://"), r.toString());
                assertEquals("ok", r.getAs("status"), r.toString());
            }
            assertTrue(fs.exists(new org.apache.hadoop.fs.Path(output + "/summary.json")));
            assertTrue(fs.exists(new org.apache.hadoop.fs.Path(output + "/stats")));

            // coins.png now holds another photo (new size and mtime); retina.jpg is new.
            fs.copyFromLocalFile(false, true, new org.apache.hadoop.fs.Path(Path.of("samples/camera.png").toAbsolutePath().toUri()),
                    new org.apache.hadoop.fs.Path(root + "/images/coins.png"));
            fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(Path.of("samples/retina.jpg").toAbsolutePath().toUri()),
                    new org.apache.hadoop.fs.Path(root + "/images/retina.jpg"));
            JobSummary resumed = ClassificationJob.run(TestSpark.session(),
                    JobOptions.of(root + "/images", output).resuming(1), quiet);
            Map<String, Row> after = readBack(output);
            assertEquals(4, after.size());
            assertEquals(4, TestSpark.session().read().parquet(output + "/predictions").count(), "one row per file");
            assertEquals(2, resumed.counts().labeled());
            assertEquals(2, resumed.resume().kept());
            assertEquals(1, resumed.resume().staleDropped());
            assertEquals(rows.get("chelsea.png"), after.get("chelsea.png"));
            assertEquals(rows.get("rocket.jpg"), after.get("rocket.jpg"));
            assertNotEquals((Long) rows.get("coins.png").getAs("file_size"), after.get("coins.png").getAs("file_size"));
            assertEquals(Integer.valueOf(512), after.get("coins.png").getAs("width")); // camera.png is 512x512
        } finally {
            if (retries == null) sessionHadoop.unset(YarnCluster.HDFS_CLOSE_RETRIES);
            else sessionHadoop.set(YarnCluster.HDFS_CLOSE_RETRIES, retries);
            hdfs.shutdown();
        }
    }

    private static Map<String, Row> readBack(String output) {
        Map<String, Row> rows = new HashMap<>();
        for (Row r : TestSpark.session().read().parquet(output + "/predictions").collectAsList()) {
            String path = r.getAs("path");
            rows.put(path.substring(path.lastIndexOf('/') + 1), r);
        }
        return rows;
    }
}
