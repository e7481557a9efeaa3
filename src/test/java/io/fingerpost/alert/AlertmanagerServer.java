package io.fingerpost.alert;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;

/**
 * A real Alertmanager (Debian package {@code prometheus-alertmanager}) on 127.0.0.1 with its own config
 * and storage in a temp directory, clustering off. Fails (never skips) when the binary is missing.
 */
final class AlertmanagerServer implements AutoCloseable {
  static final Path BINARY = Path.of("/usr/bin/prometheus-alertmanager");

  private final Process process;
  private final Path dir;
  final int port;
  final String url;

  private AlertmanagerServer(Process process, Path dir, int port) {
    this.process = process;
    this.dir = dir;
    this.port = port;
    this.url = "http://127.0.0.1:" + port;
  }

  static AlertmanagerServer start() throws Exception {
    return start("5m");
  }

  /** With Alertmanager's {@code resolve_timeout}: how long it keeps an alert that is not re-sent. */
  static AlertmanagerServer start(String resolveTimeout) throws Exception {
    if (!Files.isExecutable(BINARY)) {
      throw new IllegalStateException(BINARY + " is missing: apt-get install prometheus-alertmanager (.ci/run does)");
    }
    Path dir = Files.createTempDirectory("fingerpost-am");
    Path config = dir.resolve("alertmanager.yml");
    Files.writeString(config, """
        global:
          resolve_timeout: %s
        route:
          receiver: blackhole
          group_wait: 1s
        receivers:
          - name: blackhole
        """.formatted(resolveTimeout));
    int port = freePort();
    Process p = new ProcessBuilder(BINARY.toString(),
        "--config.file=" + config,
        "--storage.path=" + dir.resolve("data"),
        "--web.listen-address=127.0.0.1:" + port,
        "--cluster.listen-address=")
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("alertmanager.log").toFile())
        .start();
    AlertmanagerServer am = new AlertmanagerServer(p, dir, port);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(1)).build();
    while (true) {
      if (!p.isAlive()) {
        throw new IllegalStateException("alertmanager exited: " + Files.readString(dir.resolve("alertmanager.log")));
      }
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(am.url + "/-/ready"))
            .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return am;
        }
      } catch (IOException e) {
        // not listening yet
      }
      if (System.nanoTime() > deadline) {
        am.close();
        throw new IllegalStateException("alertmanager not ready within 20 s");
      }
      Thread.sleep(100);
    }
  }

  /** GET /api/v2/alerts: the alerts Alertmanager holds as active (resolved ones are left out). */
  String alerts() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    return http.send(HttpRequest.newBuilder(URI.create(url + "/api/v2/alerts")).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try (var files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
