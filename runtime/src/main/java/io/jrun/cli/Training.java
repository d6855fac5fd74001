package io.jrun.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The AOT training run (scripts/aot-train.sh): runs the common commands once, in one JVM,
 * against a throw-away state dir, so the AOT cache holds every class they load. A fetch from
 * a registry is part of it: a minimal read-only registry on 127.0.0.1 serves the training
 * layout, so the HTTP client and the registry protocol classes are in the cache too.
 *
 * <p>With {@code -Djrun.training.set=pods} it trains the second, smaller cache that the
 * launcher uses for the pod commands (run, enter, list, status, stop, rm, gc): a JVM with an
 * AOT cache loads and links every class in it at start, so classes a run never needs cost
 * every run (the whole cache: about 40 ms before main).
 *
 * <p>With {@code -Djrun.training.set=oci} it trains {@code jrun-oci}'s cache, which conmon
 * starts for every detached pod and podman for every container: the OCI lifecycle (create,
 * state, start, kill, delete) on a bundle that a jrun pod left (its config.json names the
 * pod's root), arguments {@code OCI_ROOT BUNDLE}.
 */
public final class Training {
    private static final Pattern MANIFEST = Pattern.compile("/v2/(.+)/manifests/([^/]+)");
    private static final Pattern BLOB = Pattern.compile("/v2/(.+)/blobs/sha256:([0-9a-f]{64})");

    private Training() {
    }

    public static void main(String[] args) throws IOException {
        if (System.getProperty("jrun.training.set", "all").equals("oci")) {
            trainOci(args[0], args[1]);
            return;
        }
        String dir = args[0];
        Path layout = Path.of(args[1]);
        String image = "oci:" + layout + ":latest";
        boolean pods = System.getProperty("jrun.training.set", "all").equals("pods");
        boolean containers = runsContainers(layout);
        HttpServer registry = pods ? null : serve(layout);
        String host = pods ? null : "127.0.0.1:" + registry.getAddress().getPort();
        try {
            int[] codes = pods ? new int[] {
                // the pod commands only, against a state dir that already holds the image and a
                // compiled seccomp profile (aot-train.sh prepares it in a JVM of its own), so the
                // cache holds what a run needs and not the fetch, the HTTP client or Jackson's
                // databind
                Main.run("--version"),
                Main.run("--dir", dir, "run", "--rm", image, "/bin/true"),
                Main.run("--dir", dir, "run", "--rm", "-e", "A=1", "--net=host", "--read-only",
                        "--tmpfs", "/scratch", "-v", layout + ":/layout:ro", "-u", "0:0", image, "/bin/true"),
                Main.run("--dir", dir, "run", "--name", "trained", image, "/bin/true"),
                Main.run("--dir", dir, "list"),
                Main.run("--dir", dir, "list", "--format", "json"),
                Main.run("--dir", dir, "status", "trained"),
                Main.run("--dir", dir, "status", "--format", "json", "trained"),
                Main.run("--dir", dir, "rm", "trained"),
                Main.run("--dir", dir, "gc", "--grace-period", "0"),
            } : new int[] {
                Main.run("--version"),
                Main.run("--help"),
                Main.run("--dir", dir, "fetch", image),
                Main.run("--dir", dir, "fetch", "-q", image),
                Main.run("--dir", dir, "fetch", "--insecure-registry", host, host + "/training/tiny:latest"),
                Main.run("--dir", dir, "image", "list"),
                Main.run("--dir", dir, "image", "list", "--format", "json"),
                Main.run("--dir", dir, "image", "inspect", image),
                containers ? Main.run("--dir", dir, "run", "--rm", image, "/bin/true") : 0,
                containers ? Main.run("--dir", dir, "run", "--rm", "-e", "A=1", "--net=host", "--read-only",
                        "--tmpfs", "/scratch", "-v", layout + ":/layout:ro", "-u", "0:0", image, "/bin/true") : 0,
                containers ? Main.run("--dir", dir, "run", "--name", "trained", image, "/bin/true") : 0,
                Main.run("--dir", dir, "list"),
                Main.run("--dir", dir, "list", "--format", "json"),
                containers ? Main.run("--dir", dir, "status", "trained") : 0,
                containers ? Main.run("--dir", dir, "rm", "trained") : 0,
                Main.run("--dir", dir, "gc", "--grace-period", "0"),
                Main.run("--dir", dir, "image", "rm", image),
                Main.run("--dir", dir, "image", "gc"),
            };
            for (int code : codes) {
                if (code != 0) {
                    System.err.println("training: a command failed with exit code " + code);
                    System.exit(1);
                }
            }
        } finally {
            if (registry != null) {
                registry.stop(0);
            }
        }
        // as jrun's main ends: Runtime.exit looks up its System.Logger, which loads the JDK's
        // logging classes (about 5 ms when they are not in the cache)
        System.exit(0);
    }

    /** conmon's calls, as Conmon makes them, then kill and exec on a longer-lived app. */
    private static void trainOci(String root, String bundle) {
        String log = Path.of(root).resolveSibling("oci-training.log").toString();
        String[] global = {"--root", root, "--log", log, "--log-format", "json"};
        String[][] calls = {
            {"features"},
            {"create", "--bundle", bundle, "--pid-file", root + ".pid", "t1"},
            {"state", "t1"},
            {"start", "t1"},
            {"delete", "--force", "t1"},
            {"create", "--bundle", bundle, "t2"},
            {"start", "t2"},
            {"state", "t2"},
            {"list"},
            {"kill", "t2", "KILL"},
            {"delete", "--force", "t2"},
        };
        for (String[] call : calls) {
            String[] args = new String[global.length + call.length];
            System.arraycopy(global, 0, args, 0, global.length);
            System.arraycopy(call, 0, args, global.length, call.length);
            int code = io.jrun.oci.OciMain.run(args);
            if (code != 0) {
                System.err.println("training: jrun-oci " + String.join(" ", call) + " failed with exit code " + code);
                System.exit(1);
            }
        }
        System.exit(0);
    }

    /**
     * Whether the training runs containers too: aot-train.sh says so (-Djrun.training.run=true)
     * when it runs as root and the layout has /bin/true (a static busybox from the host).
     */
    private static boolean runsContainers(Path layout) {
        return Boolean.getBoolean("jrun.training.run");
    }

    /** Serves the layout's tagged manifest and its blobs under any repository name. */
    private static HttpServer serve(Path layout) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        String manifestDigest = findManifestDigest(Files.readString(layout.resolve("index.json")));
        server.createContext("/v2/", exchange -> {
            try (exchange) {
                String path = exchange.getRequestURI().getPath();
                Matcher m = MANIFEST.matcher(path);
                Matcher b = BLOB.matcher(path);
                if (path.equals("/v2/")) {
                    send(exchange, 200, "application/json", "{}".getBytes());
                } else if (m.matches()) {
                    send(exchange, 200, "application/vnd.oci.image.manifest.v1+json",
                            Files.readAllBytes(layout.resolve("blobs/sha256").resolve(manifestDigest)));
                } else if (b.matches()) {
                    send(exchange, 200, "application/octet-stream",
                            Files.readAllBytes(layout.resolve("blobs/sha256").resolve(b.group(2))));
                } else {
                    send(exchange, 404, "application/json", "{}".getBytes());
                }
            } catch (NoSuchFileException e) {
                send(exchange, 404, "application/json", "{}".getBytes());
            }
        });
        server.start();
        return server;
    }

    private static String findManifestDigest(String indexJson) {
        Matcher m = Pattern.compile("\"digest\":\"sha256:([0-9a-f]{64})\"").matcher(indexJson);
        if (!m.find()) {
            throw new IllegalStateException("training layout has no manifest");
        }
        return m.group(1);
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
