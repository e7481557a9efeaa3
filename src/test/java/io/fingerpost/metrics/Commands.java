package io.fingerpost.metrics;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the Debian tools the observability tests use (promtool, amtool, docker-compose), bounded in time. */
final class Commands {
  private Commands() {}

  record Result(int exit, String output) {}

  /** The project directory (surefire's working directory). */
  static Path project() {
    return Path.of(System.getProperty("user.dir")).toAbsolutePath();
  }

  static Result run(Path dir, Map<String, String> env, String... command) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(List.of(command)).directory(dir.toFile()).redirectErrorStream(true);
    pb.environment().putAll(env);
    File out = File.createTempFile("command", ".out");
    pb.redirectOutput(out);
    Process p;
    try {
      p = pb.start();
    } catch (java.io.IOException e) {
      throw new AssertionError(command[0] + " is not installed (.ci/run installs it with apt-get)", e);
    }
    try {
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        throw new AssertionError(String.join(" ", command) + " did not finish within 120 s");
      }
      return new Result(p.exitValue(), java.nio.file.Files.readString(out.toPath(), StandardCharsets.UTF_8));
    } finally {
      p.destroyForcibly();
      out.delete();
    }
  }
}
