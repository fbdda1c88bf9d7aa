package org.sparkimage.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import org.sparkimage.core.ModelBundle;
import org.sparkimage.core.TopK;
import org.sparkimage.engine.OrtEngine;
import org.sparkimage.image.DecodeLimits;
import org.sparkimage.image.DecodedImage;
import org.sparkimage.image.GuardedImageDecoder;
import org.sparkimage.image.ImageDecodeException;
import org.sparkimage.image.Preprocessor;
import org.sparkimage.image.ScaleHint;
import org.sparkimage.model.ModelCard;
import org.sparkimage.util.CommandLines;
import org.sparkimage.util.JsonFiles;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The study behind the scaled decode's rule ({@code scripts/agreement.sh rules}): candidate rules
 * "decode a JPEG at the smallest DCT scale (1/2, 1/4, 1/8) whose sides stay at or above F times the
 * model input", each compared with full decode over one folder ({@link Agreement}), with its
 * decode+preprocess speed relative to full decode ({@link DecodeSpeed}). Runs in this JVM with the
 * job's decoder, preprocessing and ONNX Runtime but without Spark, because a rule that is not the
 * shipped one is no setting of the job; the harness ({@link AgreementCommand}) then checks the
 * chosen rule through the job itself.
 */
@Command(name = "scale-rules", mixinStandardHelpOptions = true, version = "spark-image-classifier 0.1.0",
        description = "Agreement with full decode and decode speed of candidate DCT scale rules over one folder.")
public final class ScaleRuleStudy implements Callable<Integer> {
    @Option(names = "--images", required = true, paramLabel = "<dir>", description = "The folder of images (walked recursively).")
    Path images;

    @Option(names = "--factors", split = ",", defaultValue = "1,2,4,8", paramLabel = "F",
            description = "Candidate rules: the smallest decoded side, in multiples of the model input. Default: ${DEFAULT-VALUE}.")
    List<Integer> factors;

    @Option(names = "--json", paramLabel = "<file>", description = "Also write the figures and flips here.")
    Path json;

    @Option(names = "--margin", defaultValue = "" + Agreement.DEFAULT_MARGIN,
            description = "Confidence threshold on the full decode's top-1 minus top-2. Default: ${DEFAULT-VALUE}.")
    double margin;

    @Option(names = "--threads", defaultValue = "2", description = "Threads of the speed comparison and of ONNX Runtime. Default: ${DEFAULT-VALUE}.")
    int threads;

    @Option(names = "--speed-rounds", defaultValue = "3", description = "Rounds of the speed comparison (0 = skip). Default: ${DEFAULT-VALUE}.")
    int speedRounds;

    @Option(names = "--speed-seconds", defaultValue = "3", description = "Shortest time of each rule in a round. Default: ${DEFAULT-VALUE}.")
    double speedSeconds;

    private final PrintStream log;

    ScaleRuleStudy(PrintStream log) {
        this.log = log;
    }

    @Override
    public Integer call() throws Exception {
        ModelBundle bundle = ModelBundle.resolve("default", null);
        ModelCard card = bundle.card();
        Preprocessor pre = new Preprocessor(card);
        GuardedImageDecoder decoder = new GuardedImageDecoder(DecodeLimits.DEFAULT, card.preprocess().background());
        List<String> names = new ArrayList<>(List.of("full"));
        List<ScaleHint> hints = new ArrayList<>(List.of(ScaleHint.FULL_RESOLUTION));
        for (int f : factors) {
            names.add(f + "x");
            hints.add(new ScaleHint(f * card.input().width(), f * card.input().height()));
        }
        List<Path> paths = list(images);
        List<Map<String, Agreement.Outcome>> outcomes = new ArrayList<>();
        int[] scaled = new int[hints.size()];
        for (int w = 0; w < hints.size(); w++) outcomes.add(new HashMap<>());
        TopK topK = new TopK(card.numClasses(), card.labels(), card.output().kind() == ModelCard.OutputKind.LOGITS);
        FloatBuffer tensors = ByteBuffer.allocateDirect(hints.size() * card.tensorSize() * Float.BYTES)
                .order(ByteOrder.nativeOrder()).asFloatBuffer();
        try (OrtEngine engine = new OrtEngine(bundle.bytes(), card, threads)) {
            for (Path p : paths) {
                String key = images.relativize(p).toString();
                byte[] data = Files.readAllBytes(p);
                List<Integer> slots = new ArrayList<>();
                for (int w = 0; w < hints.size(); w++) {
                    try {
                        DecodedImage img = decoder.decode(data, hints.get(w));
                        if (img.pixels().width() < img.width()) scaled[w]++;
                        pre.write(img, tensors, slots.size());
                        slots.add(w);
                    } catch (ImageDecodeException e) {
                        outcomes.get(w).put(key, Agreement.Outcome.error(e.code().name()));
                    }
                }
                if (slots.isEmpty()) continue;
                OrtEngine.Output out = engine.run(tensors, slots.size(), false);
                for (int s = 0; s < slots.size(); s++) outcomes.get(slots.get(s)).put(key, Agreement.Outcome.of(vector(topK.of(out.scores(), s))));
            }
        }
        DecodeSpeed.Result speed = null;
        if (speedRounds > 0) {
            List<DecodeSpeed.Way> ways = new ArrayList<>();
            for (int w = 0; w < hints.size(); w++) ways.add(new DecodeSpeed.Way(names.get(w), decoder, hints.get(w)));
            List<byte[]> files = new ArrayList<>();
            for (Path p : paths) files.add(Files.readAllBytes(p));
            speed = DecodeSpeed.measure(ways, pre, files, threads, speedSeconds, speedRounds);
        }

        Map<String, Object> report = new LinkedHashMap<>();
        report.put("images_dir", images.toString());
        report.put("files", paths.size());
        report.put("rule", "smallest DCT scale (1/2, 1/4, 1/8) keeping both sides >= F x the model input "
                + card.input().width() + "x" + card.input().height());
        Map<String, Object> rules = new LinkedHashMap<>();
        log.printf("%d files in %s; reference: full decode%n", paths.size(), images);
        log.printf("%-6s %7s %9s %10s %9s %9s %9s %9s %8s%n", "rule", "scaled", "top-1", "confident", "conf.flip", "mean|dp|",
                "p99|dp|", "max|dp|", "speed");
        List<Agreement> results = new ArrayList<>();
        for (int w = 1; w < hints.size(); w++) {
            Agreement ag = Agreement.of(outcomes.get(0), outcomes.get(w), card.labels(), margin);
            results.add(ag);
            Map<String, Object> rule = new LinkedHashMap<>();
            rule.put("min_side", hints.get(w).minWidth() + "x" + hints.get(w).minHeight());
            rule.put("files_decoded_scaled", scaled[w]);
            rule.put("agreement", ag.toJson());
            if (speed != null) rule.put("decode_speed_ratio_to_full", speed.ratio(w));
            rules.put(names.get(w), rule);
            log.printf("%-6s %7d %8.2f%% %9.2f%% %9d %9.4f %9.4f %9.4f %8s%n", names.get(w), scaled[w], 100 * ag.agreement(),
                    100 * ag.confidentAgreement(), ag.confidentFlips(), ag.deltaMean(), ag.deltaP99(), ag.deltaMax(),
                    speed == null ? "-" : String.format("%.2fx", speed.ratio(w)));
        }
        log.printf("(%d compared, %d confident at margin > %s; speed: decode+preprocess vs full, median of %d rounds)%n",
                results.isEmpty() ? 0 : results.get(0).compared(), results.isEmpty() ? 0 : results.get(0).confident(), margin, speedRounds);
        for (int w = 1; w < hints.size(); w++) {
            for (Agreement.Flip f : results.get(w - 1).flips()) {
                log.printf("%-6s flip %s  %s %.3f -> %s %.3f  margin %.3f  |dp| %.3f%n", names.get(w), f.path(), f.labelA(), f.pA(),
                        f.labelB(), f.pB(), f.marginA(), f.delta());
            }
        }
        report.put("rules", rules);
        if (speed != null) report.put("decode_speed", speed.toJson());
        if (json != null) {
            if (json.toAbsolutePath().getParent() != null) Files.createDirectories(json.toAbsolutePath().getParent());
            Files.writeString(json, JsonFiles.writePretty(report));
            log.println("wrote " + json);
        }
        return 0;
    }

    private static double[] vector(TopK.Result r) {
        double[] p = new double[r.size()];
        for (int i = 0; i < r.size(); i++) p[r.index(i)] = r.probability(i);
        return p;
    }

    private static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
        }
    }

    /** Runs the study and returns its exit status. */
    public static int execute(PrintStream log, String... args) {
        return CommandLines.execute(new ScaleRuleStudy(log), log, "scale-rule study failed", args);
    }

    public static void main(String[] args) {
        System.exit(execute(System.out, args));
    }
}
