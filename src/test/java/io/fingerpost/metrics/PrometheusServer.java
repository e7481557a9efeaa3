package io.fingerpost.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * A real Prometheus (the Debian binary) for tests: the repository's {@code prometheus/prometheus.yml} with its
 * rule files, rewritten to scrape one Fingerpost on 127.0.0.1 every second, in its own temporary directory, on a
 * free port of 127.0.0.1; stopped by its PID.
 */
final class PrometheusServer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private final Process process;
  private final Path dir;
  private final URI base;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

  private PrometheusServer(Process process, Path dir, URI base) {
    this.process = process;
    this.dir = dir;
    this.base = base;
  }

  /** Starts Prometheus scraping {@code fingerpostPort} and waits (up to 60 s) until it is ready. */
  static PrometheusServer start(Path project, int fingerpostPort) throws Exception {
    Path dir = Files.createTempDirectory("prometheus-test");
    int port = freePort();
    ObjectNode config = (ObjectNode) YAML.readTree(project.resolve("prometheus/prometheus.yml").toFile());
    ObjectNode global = (ObjectNode) config.get("global");
    global.put("scrape_interval", "1s").put("scrape_timeout", "1s").put("evaluation_interval", "1s");
    ArrayNode rules = (ArrayNode) config.get("rule_files");
    for (int i = 0; i < rules.size(); i++) {
      rules.set(i, project.resolve("prometheus").resolve(rules.get(i).asText()).toString());
    }
    config.remove("alerting");
    for (JsonNode job : config.get("scrape_configs")) {
      String target = job.get("job_name").asText().equals("fingerpost")
          ? "127.0.0.1:" + fingerpostPort : "127.0.0.1:" + port;
      ((ArrayNode) job.get("static_configs").get(0).get("targets")).removeAll().add(target);
    }
    Path file = dir.resolve("prometheus.yml");
    YAML.writeValue(file.toFile(), config);
    Process p = new ProcessBuilder("prometheus", "--config.file=" + file, "--storage.tsdb.path=" + dir.resolve("data"),
        "--web.listen-address=127.0.0.1:" + port, "--log.level=warn")
        .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
    PrometheusServer server = new PrometheusServer(p, dir, URI.create("http://127.0.0.1:" + port));
    try {
      server.await("Prometheus ready", Duration.ofSeconds(60), s -> s.ready());
    } catch (RuntimeException | Error e) {
      server.close();
      throw e;
    }
    return server;
  }

  private boolean ready() {
    try {
      return http.send(HttpRequest.newBuilder(base.resolve("/-/ready")).timeout(Duration.ofSeconds(2)).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Polls {@code condition} every 500 ms until it holds or {@code timeout} passes (then fails with the log). */
  void await(String what, Duration timeout, Predicate<PrometheusServer> condition) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) throw new AssertionError("Prometheus exited:\n" + log());
      if (condition.test(this)) return;
      Thread.sleep(500);
    }
    throw new AssertionError("timed out waiting for " + what + "\n" + log());
  }

  /** {@code GET /api/v1/<path>?<query>}: the parsed body ({@code status}, {@code data} or {@code error}). */
  JsonNode api(String path, String... params) {
    StringBuilder q = new StringBuilder();
    for (int i = 0; i < params.length; i += 2) {
      q.append(i == 0 ? "?" : "&").append(params[i]).append('=')
          .append(URLEncoder.encode(params[i + 1], StandardCharsets.UTF_8));
    }
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("/api/v1/" + path + q))
          .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
      return JSON.readTree(r.body());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** An instant query now. */
  JsonNode query(String promql) {
    return api("query", "query", promql);
  }

  /** A range query over the last {@code seconds}, step 1 s. */
  JsonNode queryRange(String promql, int seconds) {
    long now = System.currentTimeMillis() / 1000;
    return api("query_range", "query", promql, "start", Long.toString(now - seconds), "end", Long.toString(now), "step", "1");
  }

  String log() {
    try {
      return Files.readString(dir.resolve("prometheus.log"));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  @Override
  public void close() throws Exception {
    process.destroy(); // SIGTERM to this PID
    if (!process.waitFor(15, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }
}
