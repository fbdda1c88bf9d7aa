package org.sparkimage.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.sparkimage.util.JsonFiles;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A real headless Chromium driven over the Chrome DevTools Protocol (its WebSocket, with the JDK's
 * own client): open a page, run JavaScript in it as a user's clicks would, let it download files.
 * For tests of pages with behaviour, where {@code --dump-dom} shows only the first render.
 */
public final class DevToolsBrowser implements AutoCloseable {
    /** Debian's Chromium. */
    public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final Process process;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();

    private DevToolsBrowser(Process process, WebSocket socket) {
        this.process = process;
        this.socket = socket;
    }

    /**
     * Starts Chromium on {@code url} and connects to its page.
     *
     * @param work a folder for the profile and the browser's logs
     */
    public static DevToolsBrowser open(String url, Path work) throws IOException, InterruptedException {
        Path profile = Files.createDirectories(work.resolve("profile"));
        Process p = new ProcessBuilder(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--remote-debugging-port=0",
                "--user-data-dir=" + profile, url)
                .redirectOutput(work.resolve("stdout.txt").toFile()).redirectError(work.resolve("stderr.txt").toFile()).start();
        try {
            Path portFile = profile.resolve("DevToolsActivePort");
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (!Files.exists(portFile) || Files.readAllLines(portFile).size() < 2) {
                if (System.nanoTime() > deadline || !p.isAlive()) throw new IOException("Chromium did not open its DevTools port");
                Thread.sleep(100);
            }
            int port = Integer.parseInt(Files.readAllLines(portFile).get(0).strip());
            HttpClient http = HttpClient.newHttpClient();
            String ws = null;
            while (ws == null) {
                JsonNode targets = JsonFiles.parse(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
                        .build(), HttpResponse.BodyHandlers.ofString()).body());
                for (JsonNode t : targets) if (t.path("type").asText().equals("page")) ws = t.path("webSocketDebuggerUrl").asText();
                if (ws == null) {
                    if (System.nanoTime() > deadline) throw new IOException("Chromium opened no page");
                    Thread.sleep(100);
                }
            }
            DevToolsBrowser[] self = new DevToolsBrowser[1];
            WebSocket socket = http.newWebSocketBuilder().buildAsync(URI.create(ws), new WebSocket.Listener() {
                private final StringBuilder text = new StringBuilder();

                @Override
                public CompletionStage<?> onText(WebSocket s, CharSequence data, boolean last) {
                    text.append(data);
                    if (last) {
                        self[0].receive(text.toString());
                        text.setLength(0);
                    }
                    s.request(1);
                    return null;
                }
            }).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            self[0] = new DevToolsBrowser(p, socket);
            return self[0];
        } catch (Exception e) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw e instanceof IOException io ? io : new IOException("cannot drive Chromium: " + e, e);
        }
    }

    private void receive(String message) {
        try {
            JsonNode m = JsonFiles.parse(message);
            CompletableFuture<JsonNode> f = m.has("id") ? pending.remove(m.get("id").asInt()) : null;
            if (f != null) f.complete(m);
        } catch (IOException e) {
            pending.values().forEach(f -> f.completeExceptionally(e));
        }
    }

    /** Sends one DevTools command and waits for its answer; a protocol error is an exception. */
    public JsonNode send(String method, Map<String, Object> params) throws Exception {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        Map<String, Object> msg = new LinkedHashMap<>();
        msg.put("id", id);
        msg.put("method", method);
        msg.put("params", params);
        socket.sendText(JsonFiles.writeCompact(msg), true).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        JsonNode m = answer.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        if (m.has("error")) throw new IllegalStateException(method + ": " + m.get("error"));
        return m.path("result");
    }

    /**
     * Evaluates {@code js} in the page (awaiting a promise) and returns its value as JSON.
     *
     * @throws IllegalStateException when it throws in the page
     */
    public JsonNode eval(String js) throws Exception {
        JsonNode r = send("Runtime.evaluate", Map.of("expression", js, "returnByValue", true, "awaitPromise", true));
        if (r.has("exceptionDetails")) throw new IllegalStateException("page threw: " + r.get("exceptionDetails"));
        return r.path("result").path("value");
    }

    /** Waits until {@code js} evaluates to true. */
    public void await(String js) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!eval(js).asBoolean(false)) {
            if (System.nanoTime() > deadline) throw new IllegalStateException("timed out waiting for " + js);
            Thread.sleep(100);
        }
    }

    /**
     * Waits until the page opened on has loaded. Chromium's page target exists before it navigates,
     * and its first document, about:blank, is already "complete": waiting on readyState alone can
     * pass on that blank page (seen once in CI).
     */
    public void awaitLoaded() throws Exception {
        await("location.protocol !== 'about:' && document.readyState === 'complete'");
    }

    /** Lets the page download files into {@code dir}. */
    public void downloadsTo(Path dir) throws Exception {
        send("Browser.setDownloadBehavior", Map.of("behavior", "allow", "downloadPath", dir.toAbsolutePath().toString()));
    }

    /** Whether Debian's Chromium is installed. */
    public static boolean available() {
        return Files.isExecutable(CHROMIUM);
    }

    @Override
    public void close() {
        socket.abort();
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
