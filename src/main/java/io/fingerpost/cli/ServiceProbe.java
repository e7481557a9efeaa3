package io.fingerpost.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.RandomAccessFile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The service under benchmark as a child JVM ({@code io.fingerpost.Main run --config …} on this JVM's class
 * path), seen from outside: HTTP calls, its GC log (peak used heap: the largest heap occupancy before a
 * collection, from {@code -Xlog:gc}), {@code /metrics} scrapes and wrk runs against it.
 */
final class ServiceProbe implements AutoCloseable {

  private static final Pattern GC = Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)");

  final Process process;
  final String base;
  private final Path gcLog;
  private final Path log;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private long gcOffset;

  private ServiceProbe(Process process, String base, Path gcLog, Path log) {
    this.process = process;
    this.base = base;
    this.gcLog = gcLog;
    this.log = log;
  }

  static ServiceProbe start(Path dir, Path config, int port, String heap) throws Exception {
    Path gcLog = dir.resolve("gc.log");
    Path log = dir.resolve("service.log");
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx" + heap, "-Xlog:gc:file=" + gcLog, "-cp",
        // under surefire the JVM's class path is its booter; the test class path is this property
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
        "io.fingerpost.Main", "run", "--config", config.toString()));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    return new ServiceProbe(p, "http://127.0.0.1:" + port, gcLog, log);
  }

  /** Waits (bounded) until the condition holds; fails when the service exits. Returns the seconds waited. */
  double await(String what, Duration limit, BooleanSupplier condition) throws Exception {
    long t0 = System.nanoTime();
    long deadline = t0 + limit.toNanos();
    while (!condition.getAsBoolean()) {
      if (!process.isAlive()) {
        throw new IllegalStateException("the service exited (" + process.exitValue() + ") waiting for " + what
            + "; log " + log + ":\n" + tail());
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("no " + what + " after " + limit + "; log " + log + ":\n" + tail());
      }
      Thread.sleep(200);
    }
    return (System.nanoTime() - t0) / 1e9;
  }

  private String tail() throws Exception {
    List<String> lines = Files.readAllLines(log);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
  }

  int status(String path) {
    try {
      return http.send(request(path).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (Exception e) {
      return -1;
    }
  }

  String get(String path) throws Exception {
    HttpResponse<String> r = http.send(request(path).build(), HttpResponse.BodyHandlers.ofString());
    LoadBenchmark.check(r.statusCode() == 200, "GET " + path + ": " + r.statusCode() + " " + r.body());
    return r.body();
  }

  JsonObject object(String path) throws Exception {
    return new JsonObject(get(path));
  }

  JsonArray array(String path) throws Exception {
    return new JsonArray(get(path));
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofMinutes(10));
  }

  /** One scrape of /metrics: seconds to the last byte, bytes on the wire, the exported state sets (plain only). */
  record Scrape(double seconds, long bytes, long stateSeries) {}

  Scrape scrape(boolean gzip) throws Exception {
    HttpRequest.Builder r = request("/metrics");
    if (gzip) {
      r.header("Accept-Encoding", "gzip");
    }
    long t0 = System.nanoTime();
    HttpResponse<InputStream> resp = http.send(r.build(), HttpResponse.BodyHandlers.ofInputStream());
    LoadBenchmark.check(resp.statusCode() == 200, "/metrics: " + resp.statusCode());
    long bytes = 0;
    long state = -1;
    try (InputStream in = resp.body()) {
      if (gzip) {
        byte[] buf = new byte[1 << 16];
        for (int n; (n = in.read(buf)) > 0; ) {
          bytes += n;
        }
      } else {
        BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
        for (String line; (line = lines.readLine()) != null; ) {
          bytes += line.length() + 1; // ASCII but for names; close enough for bytes a series
          if (line.startsWith("fingerpost_metrics_state_series ")) {
            state = (long) Double.parseDouble(line.substring(line.indexOf(' ') + 1).trim());
          }
        }
      }
    }
    return new Scrape((System.nanoTime() - t0) / 1e9, bytes, state);
  }

  /** The values of the given unlabelled samples in one plain scrape (NaN for one not exported). */
  double[] samples(String... names) throws Exception {
    double[] v = new double[names.length];
    java.util.Arrays.fill(v, Double.NaN);
    HttpResponse<InputStream> resp = http.send(request("/metrics").build(), HttpResponse.BodyHandlers.ofInputStream());
    LoadBenchmark.check(resp.statusCode() == 200, "/metrics: " + resp.statusCode());
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(resp.body(), StandardCharsets.UTF_8), 1 << 16)) {
      for (String line; (line = lines.readLine()) != null; ) {
        for (int i = 0; i < names.length; i++) {
          if (line.startsWith(names[i]) && line.length() > names[i].length() && line.charAt(names[i].length()) == ' ') {
            v[i] = Double.parseDouble(line.substring(names[i].length() + 1).trim());
          }
        }
      }
    }
    return v;
  }

  /** The state sets /metrics exports now (-1 before the first render). */
  long stateSeries() throws Exception {
    return scrape(false).stateSeries();
  }

  /** wrk's figures for one endpoint. */
  record Load(String path, double rps, double p50ms, double p99ms, String errors) {}

  Load wrk(String path, int connections, int seconds) throws Exception {
    Process p = new ProcessBuilder("wrk", "-t", "2", "-c", String.valueOf(connections), "-d", seconds + "s",
        "--latency", base + path).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    LoadBenchmark.check(p.waitFor(seconds + 60L, TimeUnit.SECONDS) && p.exitValue() == 0, "wrk failed: " + out);
    double rps = 0;
    double p50 = Double.NaN;
    double p99 = Double.NaN;
    StringBuilder errors = new StringBuilder();
    for (String line : out.split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (line.startsWith("Requests/sec:")) {
        rps = Double.parseDouble(f[1]);
      } else if (f.length == 2 && f[0].equals("50%")) {
        p50 = millis(f[1]);
      } else if (f.length == 2 && f[0].equals("99%")) {
        p99 = millis(f[1]);
      } else if (line.contains("Non-2xx") || line.contains("Socket errors")) {
        errors.append(line.trim()).append(' ');
      }
    }
    return new Load(path, rps, p50, p99, errors.toString().trim());
  }

  /** "12.34ms", "1.2s", "800us" → milliseconds. */
  static double millis(String v) {
    if (v.endsWith("us")) {
      return Double.parseDouble(v.substring(0, v.length() - 2)) / 1000;
    } else if (v.endsWith("ms")) {
      return Double.parseDouble(v.substring(0, v.length() - 2));
    } else if (v.endsWith("m")) {
      return Double.parseDouble(v.substring(0, v.length() - 1)) * 60_000;
    }
    return Double.parseDouble(v.substring(0, v.length() - 1)) * 1000;
  }

  /**
   * The largest heap occupancy (MB) before a collection logged since the last call, and the heap's committed
   * size then: the JVM's peak used heap during a step (the heap peaks just before a collection); third, the
   * largest occupancy after a collection (live data and what the collector left: what sizing -Xmx needs).
   */
  long[] peakHeapMbSinceLastCall() throws Exception {
    long peak = 0;
    long committed = 0;
    long after = 0;
    if (!Files.exists(gcLog)) {
      return new long[] {0, 0, 0};
    }
    try (RandomAccessFile f = new RandomAccessFile(gcLog.toFile(), "r")) {
      f.seek(gcOffset);
      for (String line; (line = f.readLine()) != null; ) {
        Matcher m = GC.matcher(line);
        if (m.find()) {
          peak = Math.max(peak, Long.parseLong(m.group(1)));
          committed = Math.max(committed, Long.parseLong(m.group(3)));
          after = Math.max(after, Long.parseLong(m.group(2)));
        }
      }
      gcOffset = f.getFilePointer();
    }
    return new long[] {peak, committed, after};
  }

  @Override
  public void close() throws Exception {
    if (process.isAlive()) {
      process.destroy(); // SIGTERM to this child's PID: the service stops its verticles
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      }
    }
  }

  static String fmt(String pattern, Object... args) {
    return String.format(Locale.ROOT, pattern, args);
  }
}
