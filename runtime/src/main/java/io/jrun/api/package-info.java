/**
 * jrun's public Java API: run containers and pods from a Java program with no daemon, over the
 * state directory the {@code jrun} command uses. Start at {@link io.jrun.api.Jrun}; everything
 * outside this package is the engine's and may change.
 *
 * <pre>{@code
 * try (Jrun jrun = Jrun.open(Path.of("/var/lib/jrun"));
 *      Container web = jrun.container("busybox").command("httpd", "-f", "-p", "8080")
 *              .network(Network.HOST).memory("32m").start()) {
 *     Result ps = web.exec("ps");
 *     web.stop();
 * }
 * }</pre>
 *
 * <p>The JVM must run as root with {@code --enable-native-access=ALL-UNNAMED}. See
 * docs/embedding.md for threads, failures and the Maven coordinates.
 */
package io.jrun.api;
