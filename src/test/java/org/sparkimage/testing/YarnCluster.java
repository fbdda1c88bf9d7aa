package org.sparkimage.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.server.MiniYARNCluster;

/**
 * A real HDFS (MiniDFSCluster: a NameNode and a DataNode) and a real YARN (MiniYARNCluster: a
 * ResourceManager and one NodeManager that launches containers as processes) in this JVM, on
 * 127.0.0.1, and a {@code HADOOP_CONF_DIR} ({@link #confDir()}) that points a client at both, as
 * a cluster's gateway host has one. Settings follow Spark's own YARN suite (BaseYarnClusterSuite):
 * hadoop-client-minicluster ships no capacity-scheduler.xml, so the one queue is configured here.
 */
public final class YarnCluster implements AutoCloseable {
    /** Memory one NodeManager offers to containers; room for an application master and two executors. */
    public static final int NODE_MEMORY_MB = 6144;

    private final Path dir;
    private final MiniDFSCluster hdfs;
    private final MiniYARNCluster yarn;

    private YarnCluster(Path dir, MiniDFSCluster hdfs, MiniYARNCluster yarn) {
        this.dir = dir;
        this.hdfs = hdfs;
        this.yarn = yarn;
    }

    /**
     * How often an HDFS client asks the NameNode to complete a file whose last block the one
     * DataNode has not reported yet (Hadoop's default 5, about 12 s in all). On a loaded 2-core box
     * the report came later once in a full suite run: "Unable to close file because the last block
     * ... does not have enough number of replicas". 10 waits as long as needed, up to minutes.
     */
    public static final String HDFS_CLOSE_RETRIES = "dfs.client.block.write.locateFollowingBlock.retries";

    /** Starts HDFS, then YARN on it, under {@code dir}, and writes the client configuration. */
    public static YarnCluster start(Path dir) throws Exception {
        Files.createDirectories(dir);
        Configuration dfsConf = new Configuration();
        dfsConf.set("dfs.namenode.rpc-address", "127.0.0.1:0");
        MiniDFSCluster hdfs = new MiniDFSCluster.Builder(dfsConf, dir.resolve("dfs").toFile()).numDataNodes(1).build();
        hdfs.waitActive();

        YarnConfiguration conf = new YarnConfiguration();
        conf.set("fs.defaultFS", hdfs.getURI().toString());
        conf.set("yarn.resourcemanager.hostname", "127.0.0.1");
        conf.set("yarn.nodemanager.hostname", "127.0.0.1");
        conf.set("yarn.nodemanager.disk-health-checker.max-disk-utilization-per-disk-percentage", "100.0");
        conf.set("yarn.scheduler.capacity.root.queues", "default");
        conf.setInt("yarn.scheduler.capacity.root.default.capacity", 100);
        conf.setFloat("yarn.scheduler.capacity.root.default.user-limit-factor", 1);
        conf.setInt("yarn.scheduler.capacity.root.default.maximum-capacity", 100);
        conf.set("yarn.scheduler.capacity.root.default.state", "RUNNING");
        conf.set("yarn.scheduler.capacity.root.default.acl_submit_applications", "*");
        conf.set("yarn.scheduler.capacity.root.default.acl_administer_queue", "*");
        conf.setFloat("yarn.scheduler.capacity.maximum-am-resource-percent", 1.0f);
        conf.setInt("yarn.scheduler.capacity.node-locality-delay", -1);
        // Without this MiniYARNCluster turns the NodeManager's container monitor off (no process
        // tree, so no memory check at all) and replaces its memory with a fixed 4096 MB.
        conf.setBoolean("yarn.minicluster.control-resource-monitoring", true);
        conf.setInt("yarn.minicluster.yarn.nodemanager.resource.memory-mb", NODE_MEMORY_MB);
        conf.setInt("yarn.nodemanager.resource.memory-mb", NODE_MEMORY_MB);
        conf.setInt("yarn.nodemanager.resource.cpu-vcores", 4);
        // Containers are granted in multiples of this (the capacity scheduler rounds requests up).
        conf.setInt("yarn.scheduler.minimum-allocation-mb", 256);
        // The physical-memory check stays on (it is what kills an executor over its limit on a real
        // cluster); the virtual one is off, as on most clusters: JVMs reserve far more than they use.
        conf.setBoolean("yarn.nodemanager.pmem-check-enabled", true);
        conf.setBoolean("yarn.nodemanager.vmem-check-enabled", false);
        // "Strict" enforcement (the default) leaves the limit to the cgroups OOM killer and skips the
        // polling check; without cgroups (here) nothing would enforce it.
        conf.setBoolean("yarn.nodemanager.resource.memory.enforced", false);
        // Check every half second (default 3 s): a container over its limit is killed before a short
        // task could finish and hide it.
        conf.setInt("yarn.nodemanager.container-monitor.interval-ms", 500);
        // Keep the containers' folders (launch scripts, logs) after they end, for the tests to read.
        conf.setInt("yarn.nodemanager.delete.debug-delay-sec", 3600);

        MiniYARNCluster yarn = new MiniYARNCluster("yarn-it", 1, 1, 1);
        try {
            yarn.init(conf);
            yarn.start();
            // MiniYARNCluster may return before the ResourceManager has put its port in the configuration.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (yarn.getConfig().get(YarnConfiguration.RM_ADDRESS).endsWith(":0")) {
                if (System.nanoTime() > deadline) throw new IllegalStateException("the ResourceManager did not come up");
                Thread.sleep(100);
            }
        } catch (Exception e) {
            yarn.stop();
            hdfs.shutdown();
            throw e;
        }
        YarnCluster cluster = new YarnCluster(dir, hdfs, yarn);
        cluster.writeConfDir();
        return cluster;
    }

    private void writeConfDir() throws IOException {
        Files.createDirectories(confDir());
        Configuration core = new Configuration(false);
        core.set("fs.defaultFS", hdfs.getURI().toString());
        core.setInt(HDFS_CLOSE_RETRIES, 10); // see HDFS_CLOSE_RETRIES
        write(core, confDir().resolve("core-site.xml"));
        Configuration site = new Configuration(false);
        for (var e : yarn.getConfig()) {
            if (e.getKey().startsWith("yarn.")) site.set(e.getKey(), e.getValue());
        }
        write(site, confDir().resolve("yarn-site.xml"));
    }

    private static void write(Configuration conf, Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            conf.writeXml(out);
        }
    }

    /** The client configuration folder: {@code HADOOP_CONF_DIR} for spark-submit. */
    public Path confDir() {
        return dir.resolve("conf");
    }

    /** {@code hdfs://127.0.0.1:<port>}. */
    public String hdfsUri() {
        return hdfs.getURI().toString();
    }

    /** The HDFS client. */
    public FileSystem fs() throws IOException {
        return hdfs.getFileSystem();
    }

    /**
     * Every {@code launch_container.sh} the NodeManager wrote (kept after the containers end): the
     * environment and command line each container was started with.
     */
    public List<Path> launchScripts() throws IOException {
        return filesNamed(YarnConfiguration.NM_LOCAL_DIRS, "launch_container.sh");
    }

    /** Every container's {@code stderr} log (kept after the containers end). */
    public List<Path> containerStderrs() throws IOException {
        return filesNamed(YarnConfiguration.NM_LOG_DIRS, "stderr");
    }

    /** Files of this name under the NodeManager's folders of this setting (MiniYARNCluster picks them). */
    private List<Path> filesNamed(String dirsSetting, String name) throws IOException {
        List<Path> out = new java.util.ArrayList<>();
        for (String d : yarn.getNodeManager(0).getConfig().getTrimmedStrings(dirsSetting)) {
            Path root = d.startsWith("file:") ? Path.of(java.net.URI.create(d)) : Path.of(d);
            if (!Files.isDirectory(root)) continue;
            try (Stream<Path> files = Files.walk(root)) {
                files.filter(p -> p.getFileName().toString().equals(name)).forEach(out::add);
            }
        }
        return out;
    }

    @Override
    public void close() {
        try {
            yarn.stop();
        } finally {
            hdfs.shutdown();
        }
    }
}
