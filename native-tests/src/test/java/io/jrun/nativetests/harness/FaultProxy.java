package io.jrun.nativetests.harness;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * An HTTP/1.1 reverse proxy on 127.0.0.1 in front of a {@link RegistryServer}, with switchable faults:
 * <ul>
 * <li>{@link #failNext(int, int)}: the next N requests get that status (with {@code Retry-After: 0}).</li>
 * <li>{@link #cutBlobAfter(long)}: the next successful blob GET is cut after N body bytes by closing the
 *     socket; later requests pass (a {@code Range} header is forwarded, so the registry answers 206).</li>
 * <li>{@link #redirectBlobs(boolean)}: blob GETs get a 307 to a second listener on {@code localhost:PORT2}
 *     (another host name than 127.0.0.1), which serves the blob like a pre-signed URL: the original
 *     request's credentials are attached by the proxy, and it records whether the client itself sent an
 *     Authorization header to the redirect target (it must not).</li>
 * </ul>
 * One request per connection ({@code Connection: close}); bodies are streamed, not buffered.
 */
public final class FaultProxy implements AutoCloseable {

    private static final Pattern BLOB_PATH = Pattern.compile("^/v2/.+/blobs/sha256:[0-9a-f]{64}$");
    /** Headers the JDK client sets itself or that are hop-by-hop. */
    private static final Set<String> SKIP_REQUEST = Set.of("host", "connection", "content-length", "expect", "upgrade",
            "transfer-encoding", "keep-alive", "te", "trailer", "proxy-connection", "http2-settings");
    private static final Set<String> SKIP_RESPONSE = Set.of("connection", "transfer-encoding", "keep-alive", "content-length");

    private final RegistryServer upstream;
    private final ServerSocket main;
    private final ServerSocket redirectTarget;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(10)).build();

    private final AtomicInteger failCount = new AtomicInteger();
    private volatile int failStatus = 503;
    private final AtomicLong cutAfter = new AtomicLong(-1);
    private final AtomicBoolean redirect = new AtomicBoolean();
    private final Map<String, String> presigned = new ConcurrentHashMap<>();   // signature -> Authorization ("" = none)

    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger failuresInjected = new AtomicInteger();
    private final AtomicInteger cutsDone = new AtomicInteger();
    private final AtomicInteger redirectsSent = new AtomicInteger();
    private final AtomicInteger redirectedRequests = new AtomicInteger();
    private final AtomicInteger redirectedWithAuthorization = new AtomicInteger();
    private final List<String> rangeRequests = new CopyOnWriteArrayList<>();

    private FaultProxy(RegistryServer upstream) throws IOException {
        this.upstream = upstream;
        this.main = new ServerSocket(0, 64, InetAddress.getLoopbackAddress());
        this.redirectTarget = new ServerSocket(0, 64, InetAddress.getLoopbackAddress());
        threads.submit(() -> acceptLoop(main, false));
        threads.submit(() -> acceptLoop(redirectTarget, true));
    }

    /** Starts a proxy forwarding to {@code upstream}. */
    public static FaultProxy start(RegistryServer upstream) {
        try {
            return new FaultProxy(upstream);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the fault proxy", e);
        }
    }

    /** {@code 127.0.0.1:PORT}: use it as the registry address. */
    public String address() {
        return "127.0.0.1:" + main.getLocalPort();
    }

    /** The host:port blob redirects point to ({@code localhost:PORT2}). */
    public String redirectAddress() {
        return "localhost:" + redirectTarget.getLocalPort();
    }

    /** The next {@code count} requests are answered with {@code status} and {@code Retry-After: 0}. */
    public void failNext(int count, int status) {
        failStatus = status;
        failCount.set(count);
    }

    /** The next successful blob GET is cut after {@code bytes} body bytes (socket closed); -1 cancels. */
    public void cutBlobAfter(long bytes) {
        cutAfter.set(bytes);
    }

    /** Whether blob GETs are answered with 307 to {@link #redirectAddress()}. */
    public void redirectBlobs(boolean on) {
        redirect.set(on);
    }

    /** Every request the main listener received, as {@code METHOD PATH[?QUERY]}, in order. */
    public List<String> requests() {
        return List.copyOf(requests);
    }

    /** The Range headers of forwarded blob GETs, in order. */
    public List<String> rangeRequests() {
        return List.copyOf(rangeRequests);
    }

    public int failuresInjected() {
        return failuresInjected.get();
    }

    public int cutsDone() {
        return cutsDone.get();
    }

    public int redirectsSent() {
        return redirectsSent.get();
    }

    /** Requests that arrived at the redirect target. */
    public int redirectedRequests() {
        return redirectedRequests.get();
    }

    /** Requests at the redirect target that carried an Authorization header (leaked credentials). */
    public int redirectedWithAuthorization() {
        return redirectedWithAuthorization.get();
    }

    private void acceptLoop(ServerSocket listener, boolean isRedirectTarget) {
        while (!listener.isClosed()) {
            try {
                Socket s = listener.accept();
                open.add(s);
                threads.submit(() -> {
                    try (s) {
                        s.setSoTimeout(120_000);
                        serve(s, isRedirectTarget);
                    } catch (IOException | RuntimeException e) {
                        // the client went away or the proxy is closing: nothing to report
                    } finally {
                        open.remove(s);
                    }
                });
            } catch (IOException e) {
                return;   // closed
            }
        }
    }

    private record Request(String method, String target, List<String[]> headers, InputStream body, long length) {
        String header(String name) {
            for (String[] h : headers) {
                if (h[0].equalsIgnoreCase(name)) {
                    return h[1];
                }
            }
            return null;
        }

        String path() {
            int q = target.indexOf('?');
            return q < 0 ? target : target.substring(0, q);
        }
    }

    private void serve(Socket socket, boolean isRedirectTarget) throws IOException {
        InputStream in = new BufferedInputStream(socket.getInputStream());
        OutputStream out = socket.getOutputStream();
        Request req = readRequest(in);
        if (req == null) {
            return;
        }
        boolean blobGet = (req.method.equals("GET")) && BLOB_PATH.matcher(req.path()).matches();
        String authorization = req.header("Authorization");
        if (isRedirectTarget) {
            redirectedRequests.incrementAndGet();
            if (authorization != null) {
                redirectedWithAuthorization.incrementAndGet();
            }
            String sig = queryParam(req.target, "jrun-sig");
            String granted = sig == null ? null : presigned.get(sig);
            if (granted == null) {
                respond(out, 403, "application/json", "{\"errors\":[{\"code\":\"DENIED\",\"message\":\"bad signature\"}]}", List.of());
                return;
            }
            forward(req, req.path(), granted.isEmpty() ? null : granted, out, socket, blobGet);
            return;
        }
        requests.add(req.method + " " + req.target);
        if (failCount.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
            failuresInjected.incrementAndGet();
            int status = failStatus;
            String code = status == 429 ? "TOOMANYREQUESTS" : "UNAVAILABLE";
            respond(out, status, "application/json", "{\"errors\":[{\"code\":\"" + code + "\",\"message\":\"injected by FaultProxy\"}]}",
                    List.<String[]>of(new String[] {"Retry-After", "0"}));
            return;
        }
        if (blobGet && redirect.get()) {
            String sig = UUID.randomUUID().toString();
            presigned.put(sig, authorization == null ? "" : authorization);
            redirectsSent.incrementAndGet();
            respond(out, 307, "text/plain", "", List.<String[]>of(new String[] {"Location",
                    "http://" + redirectAddress() + req.path() + "?jrun-sig=" + sig}));
            return;
        }
        forward(req, req.target, authorization, out, socket, blobGet);
    }

    private void forward(Request req, String target, String authorization, OutputStream out, Socket socket, boolean blobGet)
            throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + upstream.address() + target))
                .timeout(Duration.ofSeconds(120));
        for (String[] h : req.headers) {
            String name = h[0].toLowerCase(Locale.ROOT);
            if (!SKIP_REQUEST.contains(name) && !name.equals("authorization")) {
                b.header(h[0], h[1]);
            }
        }
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        if (blobGet && req.header("Range") != null) {
            rangeRequests.add(req.header("Range"));
        }
        HttpRequest.BodyPublisher body = req.length == 0 ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> req.body), req.length);
        b.method(req.method, body);
        HttpResponse<InputStream> r;
        try {
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        try (InputStream upstreamBody = r.body()) {
            StringBuilder head = new StringBuilder("HTTP/1.1 " + r.statusCode() + " " + reason(r.statusCode()) + "\r\n");
            for (var e : r.headers().map().entrySet()) {
                String name = e.getKey().toLowerCase(Locale.ROOT);
                if (SKIP_RESPONSE.contains(name) || name.startsWith(":")) {
                    continue;
                }
                for (String v : e.getValue()) {
                    if (name.equals("location")) {
                        v = v.replace("http://" + upstream.address(), "http://" + address());
                    }
                    head.append(e.getKey()).append(": ").append(v).append("\r\n");
                }
            }
            r.headers().firstValue("Content-Length").ifPresent(v -> head.append("Content-Length: ").append(v).append("\r\n"));
            head.append("Connection: close\r\n\r\n");
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            long limit = Long.MAX_VALUE;
            if (blobGet && r.statusCode() / 100 == 2) {
                long cut = cutAfter.getAndSet(-1);
                if (cut >= 0) {
                    limit = cut;
                }
            }
            byte[] buf = new byte[64 * 1024];
            long sent = 0;
            int n;
            while (sent < limit && (n = upstreamBody.read(buf, 0, (int) Math.min(buf.length, limit - sent))) > 0) {
                out.write(buf, 0, n);
                sent += n;
            }
            out.flush();
            if (limit != Long.MAX_VALUE) {
                cutsDone.incrementAndGet();
                socket.setSoLinger(true, 0);   // reset: the client sees the body end early
                socket.close();
            }
        }
    }

    private static void respond(OutputStream out, int status, String type, String body, List<String[]> headers) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder("HTTP/1.1 " + status + " " + reason(status) + "\r\n");
        for (String[] h : headers) {
            head.append(h[0]).append(": ").append(h[1]).append("\r\n");
        }
        head.append("Content-Type: ").append(type).append("\r\nContent-Length: ").append(bytes.length)
                .append("\r\nConnection: close\r\n\r\n");
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.write(bytes);
        out.flush();
    }

    private static Request readRequest(InputStream in) throws IOException {
        String line = readLine(in);
        if (line == null || line.isEmpty()) {
            return null;
        }
        String[] parts = line.split(" ");
        if (parts.length != 3) {
            throw new IOException("bad request line: " + line);
        }
        List<String[]> headers = new ArrayList<>();
        for (String h; (h = readLine(in)) != null && !h.isEmpty(); ) {
            int colon = h.indexOf(':');
            if (colon > 0) {
                headers.add(new String[] {h.substring(0, colon).trim(), h.substring(colon + 1).trim()});
            }
        }
        Request probe = new Request(parts[0], parts[1], headers, in, 0);
        String te = probe.header("Transfer-Encoding");
        if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
            byte[] body = readChunked(in);
            return new Request(parts[0], parts[1], headers, new java.io.ByteArrayInputStream(body), body.length);
        }
        String cl = probe.header("Content-Length");
        long length = cl == null ? 0 : Long.parseLong(cl.trim());
        return new Request(parts[0], parts[1], headers, new BoundedInputStream(in, length), length);
    }

    private static byte[] readChunked(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String size = readLine(in);
            if (size == null) {
                throw new EOFException("chunked body ended early");
            }
            int semi = size.indexOf(';');
            long n = Long.parseLong((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
            if (n == 0) {
                while (true) {   // trailers
                    String t = readLine(in);
                    if (t == null || t.isEmpty()) {
                        return body.toByteArray();
                    }
                }
            }
            body.write(in.readNBytes((int) n));
            readLine(in);
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                break;
            }
            if (c != '\r') {
                line.write(c);
            }
            if (line.size() > 65536) {
                throw new IOException("header line too long");
            }
        }
        if (c == -1 && line.size() == 0) {
            return null;
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }

    private static String queryParam(String target, String name) {
        int q = target.indexOf('?');
        if (q < 0) {
            return null;
        }
        for (String pair : target.substring(q + 1).split("&")) {
            if (pair.startsWith(name + "=")) {
                return pair.substring(name.length() + 1);
            }
        }
        return null;
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 201 -> "Created";
            case 202 -> "Accepted";
            case 204 -> "No Content";
            case 206 -> "Partial Content";
            case 307 -> "Temporary Redirect";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 416 -> "Range Not Satisfiable";
            case 429 -> "Too Many Requests";
            case 500 -> "Internal Server Error";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            default -> "Status";
        };
    }

    /** Reads at most {@code remaining} bytes of the connection (the request body). */
    private static final class BoundedInputStream extends InputStream {
        private final InputStream in;
        private long remaining;

        BoundedInputStream(InputStream in, long remaining) {
            this.in = in;
            this.remaining = remaining;
        }

        @Override
        public int read() throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int c = in.read();
            if (c >= 0) {
                remaining--;
            }
            return c;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, remaining));
            if (n > 0) {
                remaining -= n;
            }
            return n;
        }

        @Override
        public void close() {
            // the socket is closed by the connection handler
        }
    }

    @Override
    public void close() {
        try {
            main.close();
            redirectTarget.close();
        } catch (IOException ignored) {
            // closing a listener cannot fail in a way that matters here
        }
        for (Socket s : open) {
            try {
                s.close();
            } catch (IOException ignored) {
                // already gone
            }
        }
        threads.shutdownNow();
    }

    @Override
    public String toString() {
        return "fault proxy " + address() + " -> " + upstream.address();
    }

}
