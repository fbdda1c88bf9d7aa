package org.sparkimage.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * An HTTP/1.1 proxy on 127.0.0.1 between an S3 client and an S3 server (test and benchmark
 * tooling; the kernel here has no netem): it records every request (method and target), adds a
 * fixed delay before forwarding each one (a stand-in for the round trip to a remote store), and
 * injects faults into requests that match a rule: a {@code 503 SlowDown} answer of its own, or a
 * connection reset half-way through the response body.
 *
 * <p>It understands just enough HTTP to keep keep-alive connections in step: requests and responses
 * framed by {@code Content-Length} or chunked encoding, {@code HEAD} and 204/304 answers without a
 * body, and {@code Expect: 100-continue}, which it answers itself.
 */
public final class HttpFaultProxy implements AutoCloseable {
    /** What a fault rule does to a matching request. */
    public enum Fault {
        /** Answer {@code 503 SlowDown} (S3's throttling reply) without forwarding. */
        SLOW_DOWN,
        /** Forward, then reset the connection after half of the response body. */
        RESET_MID_BODY,
        /** Forward unchanged (a rule that only runs its action first). */
        NONE
    }

    private record Rule(Predicate<String> matches, Fault fault, AtomicInteger left, Runnable before) {}

    private final ServerSocket server;
    private final int targetPort;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "http-fault-proxy");
        t.setDaemon(true);
        return t;
    });
    private final ConcurrentLinkedQueue<String> requests = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Upload> uploads = new ConcurrentLinkedQueue<>();

    /** One request's body size, as its {@code "METHOD target"} line and bytes. */
    private record Upload(String request, long bytes) {}
    private final List<Rule> rules = new CopyOnWriteArrayList<>();
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private volatile long delayMs;

    private HttpFaultProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        threads.execute(this::acceptLoop);
    }

    /** Starts a proxy to 127.0.0.1:{@code targetPort}. */
    public static HttpFaultProxy start(int targetPort) throws IOException {
        return new HttpFaultProxy(targetPort);
    }

    /** The port it listens on (127.0.0.1). */
    public int port() {
        return server.getLocalPort();
    }

    /** Milliseconds every request waits before it is forwarded (0: none). */
    public void delayMs(long ms) {
        this.delayMs = ms;
    }

    /** Applies {@code fault} to the next {@code times} requests whose {@code "METHOD target"} line matches. */
    public void inject(Predicate<String> request, Fault fault, int times) {
        rules.add(new Rule(request, fault, new AtomicInteger(times), null));
    }

    /** Drops every fault rule (those whose count is not used up included). */
    public void clearFaults() {
        rules.clear();
    }

    /**
     * Runs {@code action} before forwarding the first request whose {@code "METHOD target"} line
     * matches (e.g. deletes the object a GET is about to read).
     */
    public void beforeForwarding(Predicate<String> request, Runnable action) {
        rules.add(new Rule(request, Fault.NONE, new AtomicInteger(1), action));
    }

    /** Every request seen so far, as {@code "METHOD target"} (percent-escapes decoded), in arrival order. */
    public List<String> requests() {
        return new ArrayList<>(requests);
    }

    /** Requests seen so far with this method whose target contains {@code part}. */
    public long count(String method, String part) {
        return requests.stream().filter(r -> r.startsWith(method + " ") && r.contains(part)).count();
    }

    /**
     * Bytes of request bodies seen so far (what clients uploaded), as their {@code Content-Length}
     * declares them, or for AWS's chunked signing {@code x-amz-decoded-content-length}.
     */
    public long uploadedBytes() {
        return uploadedBytes(r -> true);
    }

    /** {@link #uploadedBytes()} of the requests whose {@code "METHOD target"} line matches. */
    public long uploadedBytes(Predicate<String> request) {
        return uploads.stream().filter(u -> request.test(u.request())).mapToLong(Upload::bytes).sum();
    }

    /** Forgets the requests and bytes seen so far. */
    public void resetCounts() {
        requests.clear();
        uploads.clear();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                open.add(client);
                threads.execute(() -> serve(client));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    /** The connection to the server behind one client connection; reopened when the server closed it while idle. */
    private final class Upstream implements AutoCloseable {
        private Socket socket;
        private InputStream in;
        private OutputStream out;

        void open() throws IOException {
            close();
            socket = new Socket(InetAddress.getLoopbackAddress(), targetPort);
            socket.setTcpNoDelay(true);
            open.add(socket);
            in = new BufferedInputStream(socket.getInputStream());
            out = socket.getOutputStream();
        }

        /**
         * Sends a request without a body and reads the response head; a connection the server had
         * closed (it times idle ones out) is reopened and the request sent again, as a load balancer
         * would: the client never sees it, and the request is counted once.
         */
        Head exchange(Head req) throws IOException {
            for (int attempt = 0; ; attempt++) {
                try {
                    if (socket == null) open();
                    out.write(req.bytes());
                    out.flush();
                    Head resp = Head.read(in);
                    if (resp != null) return resp;
                } catch (IOException e) {
                    if (attempt > 0) throw e;
                }
                if (attempt > 0) return null;
                open();
            }
        }

        @Override
        public void close() {
            if (socket == null) return;
            open.remove(socket);
            try {
                socket.close();
            } catch (IOException e) {
                // closing anyway
            }
            socket = null;
        }
    }

    private void serve(Socket client) {
        try (client; Upstream upstream = new Upstream()) {
            client.setTcpNoDelay(true);
            InputStream cin = new BufferedInputStream(client.getInputStream());
            OutputStream cout = client.getOutputStream();
            while (true) {
                Head req = Head.read(cin);
                if (req == null) return;
                String line = req.firstLine();
                String[] parts = line.split(" ");
                String method = parts[0];
                String request = method + " " + (parts.length > 1 ? decode(parts[1]) : "");
                requests.add(request);
                String decoded = req.header("x-amz-decoded-content-length");
                long body = decoded != null ? Long.parseLong(decoded.strip()) : Math.max(0, req.contentLength());
                if (body > 0) uploads.add(new Upload(request, body));
                long d = delayMs;
                if (d > 0) Thread.sleep(d);
                if (req.has("expect", "100-continue")) {
                    cout.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    cout.flush();
                    req = req.without("expect");
                }
                Fault fault = faultFor(request);
                if (fault == Fault.SLOW_DOWN) {
                    req.skipBody(cin);
                    slowDown(cout);
                    continue;
                }
                Head resp;
                if (req.chunked() || req.contentLength() > 0) {
                    if (upstream.socket == null) upstream.open();
                    upstream.out.write(req.bytes());
                    req.copyBody(cin, upstream.out, Long.MAX_VALUE);
                    upstream.out.flush();
                    resp = Head.read(upstream.in);
                } else {
                    resp = upstream.exchange(req);
                }
                if (resp == null) return;
                InputStream uin = upstream.in;
                cout.write(resp.bytes());
                boolean noBody = method.equals("HEAD") || resp.status() == 204 || resp.status() == 304
                        || resp.status() / 100 == 1;
                if (fault == Fault.RESET_MID_BODY && !noBody && resp.contentLength() > 1) {
                    resp.copyBody(uin, cout, resp.contentLength() / 2);
                    cout.flush();
                    client.setSoLinger(true, 0); // close with RST
                    return;
                }
                if (!noBody) {
                    if (!resp.chunked() && resp.contentLength() < 0) {
                        uin.transferTo(cout); // framed by close
                        return;
                    }
                    resp.copyBody(uin, cout, Long.MAX_VALUE);
                }
                cout.flush();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // a peer went away: nothing to report, the client sees its own error
        } finally {
            open.remove(client);
        }
    }

    private Fault faultFor(String request) {
        for (Rule r : rules) {
            if (r.matches().test(request) && r.left().getAndDecrement() > 0) {
                if (r.before() != null) r.before().run();
                return r.fault();
            }
        }
        return null;
    }

    /** The request target with its percent-escapes decoded, as the store names the object. */
    private static String decode(String target) {
        return java.net.URLDecoder.decode(target.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static void slowDown(OutputStream out) throws IOException {
        byte[] body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>SlowDown</Code>"
                + "<Message>Please reduce your request rate.</Message></Error>").getBytes(StandardCharsets.UTF_8);
        out.write(("HTTP/1.1 503 Slow Down\r\nContent-Type: application/xml\r\nContent-Length: " + body.length
                + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : open) {
            try {
                s.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        threads.shutdownNow();
    }

    /** A request or response head: its lines, without the final empty line. */
    private record Head(List<String> lines) {
        /** Reads a head, or null at the end of the stream before any byte. */
        static Head read(InputStream in) throws IOException {
            List<String> lines = new ArrayList<>();
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int prev = -1;
            boolean any = false;
            while (true) {
                int b;
                try {
                    b = in.read();
                } catch (SocketException e) {
                    if (!any) return null;
                    throw e;
                }
                if (b < 0) {
                    if (!any) return null;
                    throw new EOFException("stream ended inside an HTTP head");
                }
                any = true;
                if (b == '\n' && prev == '\r') {
                    String s = line.toString(StandardCharsets.ISO_8859_1);
                    s = s.substring(0, s.length() - 1);
                    if (s.isEmpty()) return new Head(lines);
                    lines.add(s);
                    line.reset();
                } else {
                    line.write(b);
                }
                prev = b;
            }
        }

        String firstLine() {
            return lines.get(0);
        }

        int status() {
            String[] p = lines.get(0).split(" ");
            return p.length > 1 ? Integer.parseInt(p[1]) : 0;
        }

        String header(String name) {
            for (int i = 1; i < lines.size(); i++) {
                String l = lines.get(i);
                int c = l.indexOf(':');
                if (c > 0 && l.substring(0, c).trim().equalsIgnoreCase(name)) return l.substring(c + 1).trim();
            }
            return null;
        }

        boolean has(String name, String value) {
            String v = header(name);
            return v != null && v.toLowerCase(Locale.ROOT).contains(value);
        }

        Head without(String name) {
            List<String> kept = new ArrayList<>();
            for (String l : lines) {
                int c = l.indexOf(':');
                if (!(c > 0 && l.substring(0, c).trim().equalsIgnoreCase(name))) kept.add(l);
            }
            return new Head(kept);
        }

        long contentLength() {
            String v = header("content-length");
            return v == null ? -1 : Long.parseLong(v);
        }

        boolean chunked() {
            return has("transfer-encoding", "chunked");
        }

        byte[] bytes() {
            return (String.join("\r\n", lines) + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
        }

        void skipBody(InputStream in) throws IOException {
            copyBody(in, OutputStream.nullOutputStream(), Long.MAX_VALUE);
        }

        /** Copies the body (at most {@code limit} bytes of a sized one); a head without framing has none. */
        void copyBody(InputStream in, OutputStream out, long limit) throws IOException {
            if (chunked()) {
                copyChunked(in, out);
                return;
            }
            long n = Math.min(Math.max(0, contentLength()), limit);
            byte[] buf = new byte[65536];
            while (n > 0) {
                int r = in.read(buf, 0, (int) Math.min(buf.length, n));
                if (r < 0) throw new EOFException("body ended early");
                out.write(buf, 0, r);
                n -= r;
            }
        }

        private static void copyChunked(InputStream in, OutputStream out) throws IOException {
            while (true) {
                String sizeLine = readLine(in);
                out.write((sizeLine + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                int semi = sizeLine.indexOf(';');
                long size = Long.parseLong((semi >= 0 ? sizeLine.substring(0, semi) : sizeLine).trim(), 16);
                if (size == 0) {
                    String trailer;
                    do {
                        trailer = readLine(in);
                        out.write((trailer + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    } while (!trailer.isEmpty());
                    return;
                }
                byte[] data = in.readNBytes((int) size);
                if (data.length < size) throw new EOFException("chunk ended early");
                out.write(data);
                out.write(readLine(in).getBytes(StandardCharsets.ISO_8859_1));
                out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
            }
        }

        private static String readLine(InputStream in) throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            int prev = -1;
            while (true) {
                int c = in.read();
                if (c < 0) throw new EOFException("stream ended inside a chunk header");
                if (c == '\n' && prev == '\r') {
                    byte[] bytes = b.toByteArray();
                    return new String(bytes, 0, bytes.length - 1, StandardCharsets.ISO_8859_1);
                }
                b.write(c);
                prev = c;
            }
        }
    }
}
