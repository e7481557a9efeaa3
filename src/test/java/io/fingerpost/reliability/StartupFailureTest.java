package io.fingerpost.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fingerpost.TestDatabase;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reliability issue, item 8 (start-up half): a start that fails because of one setting prints one line on
 * stderr naming the cause and the setting, exits non-zero, and prints no stack trace. Each case runs the
 * service as a child JVM ({@code io.fingerpost.Main} on the test's classpath).
 */
class StartupFailureTest {

  @TempDir
  Path dir;

  static final TestDatabase.Db DB = TestDatabase.newDatabase();

  @Test
  void portInUse() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      String err = failedStart("port", Map.of("FINGERPOST_DATABASE_URL", DB.url()), taken.getLocalPort());
      assertTrue(err.contains("http.port") && err.contains("already in use")
          && err.contains(String.valueOf(taken.getLocalPort())), err);
    }
  }

  @Test
  void hostThisMachineDoesNotHave() throws Exception {
    String err = failedStart("host", Map.of("FINGERPOST_DATABASE_URL", DB.url(),
        "FINGERPOST_HTTP_HOST", "203.0.113.7"), ChildService.freePort()); // TEST-NET-3: never local
    assertTrue(err.contains("http.host") && err.contains("203.0.113.7"), err);
  }

  @Test
  void malformedDatabaseUrl() throws Exception {
    String err = failedStart("url", Map.of("FINGERPOST_DATABASE_URL",
        "postgresql://fp:s3cret@localhost:notaport/fingerpost"), 0);
    assertTrue(err.contains("database.url") && err.contains("not a PostgreSQL URL"), err);
    assertFalse(err.contains("s3cret"), "the password is not printed: " + err);
  }

  @Test
  void databaseRefusing() throws Exception {
    int nobody = ChildService.freePort();
    String err = failedStart("refused", Map.of("FINGERPOST_DATABASE_URL",
        "postgresql://postgres@127.0.0.1:" + nobody + "/fingerpost"), 0);
    assertTrue(err.contains("database.url") && err.contains("127.0.0.1:" + nobody), err);
  }

  @Test
  void dataDirectoryIsAFile() throws Exception {
    Path file = Files.writeString(dir.resolve("not-a-directory"), "x");
    String err = failedStart("datadir", Map.of("FINGERPOST_DATA_DIR", file.toString()), 0);
    assertTrue(err.contains("database.dataDir") && err.contains("not a directory"), err);
  }

  /** Runs the service, which must exit non-zero with one line on stderr and no trace anywhere; returns the line. */
  private String failedStart(String name, Map<String, String> env, int port) throws Exception {
    Path config = Files.writeString(dir.resolve(name + ".yaml"), "http: {port: 0, host: 127.0.0.1}\n");
    ChildService child = ChildService.start(dir, name, List.of("--config", config.toString()), env, port);
    try {
      assertTrue(child.process.waitFor(90, TimeUnit.SECONDS), "the service did not exit: " + child.output());
      assertNotEquals(0, child.process.exitValue(), child.output());
      List<String> lines = child.stderr().lines().filter(l -> !l.isBlank()).toList();
      assertEquals(1, lines.size(), "one line on stderr:\n" + child.output());
      assertTrue(lines.get(0).startsWith("Start-up failed: "), lines.get(0));
      assertFalse(child.output().contains("\tat "), "no stack trace:\n" + child.output());
      return lines.get(0);
    } finally {
      child.close();
    }
  }
}
