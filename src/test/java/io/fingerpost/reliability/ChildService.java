package io.fingerpost.reliability;

import static io.fingerpost.Waits.waitUntil;

import io.fingerpost.Main;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The service as a child JVM ({@code io.fingerpost.Main} on the test's own classpath, as ServiceCrashTest
 * starts it), its output in a log file, and the HTTP helpers the fault tests share. Every wait is bounded.
 */
final class ChildService implements AutoCloseable {

  final Process process;
  final Path log;
  final int port;
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  private ChildService(Process process, Path log, int port) {
    this.process = process;
    this.log = log;
    this.port = port;
  }

  /** Starts {@code Main} with these arguments and environment (plus {@code --port} when port > 0). */
  static ChildService start(Path dir, String name, List<String> args, Map<String, String> env, int port)
      throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> command = new ArrayList<>(List.of(java, "-Xmx384m", "-XX:TieredStopAtLevel=1", "-cp", cp,
        Main.class.getName()));
    command.addAll(args);
    if (port > 0) {
      command.addAll(List.of("--port", String.valueOf(port)));
    }
    Path log = dir.resolve(name + ".log");
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(false)
        .redirectOutput(log.toFile()).redirectError(dir.resolve(name + ".err").toFile());
    pb.environment().remove("FINGERPOST_DATABASE_URL");
    pb.environment().putAll(env);
    return new ChildService(pb.start(), log, port);
  }

  String output() throws Exception {
    return Files.readString(log) + Files.readString(log.resolveSibling(log.getFileName().toString()
        .replace(".log", ".err")));
  }

  String stderr() throws Exception {
    return Files.readString(log.resolveSibling(log.getFileName().toString().replace(".log", ".err")));
  }

  HttpResponse<String> get(String path, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(10));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> post(String path, String token, String json) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
        .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(json)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /**
   * Whether a new TCP connection to the service's port is accepted. Not {@link #status}: its client keeps
   * connections alive, and a draining server still answers on a connection opened before the stop began.
   */
  boolean acceptsConnections() {
    try (java.net.Socket socket = new java.net.Socket()) {
      socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 2000);
      return true;
    } catch (java.io.IOException refused) {
      return false;
    }
  }

  /** The status of GET path, or -1 while nothing listens. */
  int status(String path) throws Exception {
    try {
      return get(path, null).statusCode();
    } catch (java.io.IOException e) {
      return -1;
    }
  }

  void awaitReady(Duration max) throws Exception {
    waitUntil("the service ready on port " + port, max, () -> {
      if (!process.isAlive()) {
        throw new AssertionError("the service exited: " + output());
      }
      return status("/ready") == 200;
    });
  }

  /** SIGTERM (the shutdown hook stops the embedded database), bounded; SIGKILL if it hangs. */
  @Override
  public void close() throws Exception {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  /**
   * A free port below Linux's ephemeral range (32768–60999), for a child to bind later. A port the OS handed
   * out for bind(0) is in that range, and so is the local port of every outgoing connection: between choosing
   * and binding, a cluster member's connection to another once took the chosen HTTP port ("already in use").
   * Chosen at random and checked by binding, so parallel test JVMs rarely meet.
   */
  static int freePort() throws Exception {
    java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
    for (int attempt = 0; attempt < 200; attempt++) {
      int port = 20_000 + random.nextInt(12_000);
      try (ServerSocket s = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
        return s.getLocalPort();
      } catch (java.io.IOException taken) {
        // in use: another
      }
    }
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
