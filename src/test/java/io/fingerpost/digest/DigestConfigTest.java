package io.fingerpost.digest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fingerpost.Main;
import io.fingerpost.config.ConfigException;
import io.fingerpost.config.ConfigFile;
import io.fingerpost.config.ConfigLoader;
import io.fingerpost.config.DigestConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code reports:} section: every bad key is reported at once, naming its line, key and reason; the
 * service refuses to start with a bad cron or an area, group or team its targets do not have (child JVMs).
 */
class DigestConfigTest {
  static final String RECEIVERS = """
      alerts:
        receivers:
          board: {type: email, smtp: {host: 127.0.0.1}, from: a@example.org, to: [b@example.org]}
          am: {type: alertmanager, url: "http://127.0.0.1:9093"}
          chat: {type: slack, url: "http://127.0.0.1:9/hook"}
      """;

  @TempDir
  Path dir;

  private static ConfigLoader.Loaded parse(String yaml) {
    return ConfigLoader.parse(yaml, ConfigFile.of(Path.of("config.yaml")), Map.of());
  }

  @Test
  void goodDigestsBind() {
    var c = parse(RECEIVERS + """
        reports:
          - {name: weekly, schedule: "0 8 * * MON", area: E08000027, receivers: [board, chat]}
          - {name: fast, schedule: "0/20 * * * * *", area: E08000027, groups: [ICS long term], teams: [public-health],
             receivers: [chat]}
        """).config();
    assertEquals(2, c.reports().size());
    assertEquals(List.of("ICS long term"), c.reports().get(1).groups());
    assertEquals(List.of(), c.reports().get(0).teams());
  }

  @Test
  void everyBadKeyIsNamedWithItsLine() {
    ConfigException e = assertThrows(ConfigException.class, () -> parse(RECEIVERS + """
        reports:
          - {name: weekly, schedule: "0 25 * * *", area: E08000027, receivers: [board]}
          - {name: weekly, schedule: "every monday", area: E08000027, receivers: [nobody, am]}
          - {name: third, schedule: "* * * * *", receivers: []}
          - {name: fourth, schedule: "* * * * *", area: E08000027, receivers: [board], colour: red}
        """));
    String m = e.getMessage();
    assertTrue(m.contains("config.yaml: line 7: reports[0].schedule: '0 25 * * *' is not a valid cron schedule"), m);
    assertTrue(m.contains("line 8: reports[1].name: another digest has the name 'weekly'"), m);
    assertTrue(m.contains("reports[1].schedule: 'every monday' has 2 fields; a cron schedule has 5"), m);
    assertTrue(m.contains("reports[1].receivers[0]: unknown receiver 'nobody' (alerts.receivers: [board, am, chat])"), m);
    assertTrue(m.contains("reports[1].receivers[1]: receiver 'am' is an Alertmanager, which takes alerts, not digests"), m);
    assertTrue(m.contains("reports[2].area: missing"), m);
    assertTrue(m.contains("reports[2].receivers: missing"), m);
    assertTrue(m.contains("line 10: reports[3].colour: unknown key 'colour' (known keys: area, groups, name, receivers,"
        + " schedule, teams)"), m);
  }

  @Test
  void digestsNeedTheNotifier() {
    ConfigException e = assertThrows(ConfigException.class, () -> parse("""
        alerts: {enabled: false}
        reports:
          - {name: weekly, schedule: "0 8 * * 1", area: E08000027, receivers: [log]}
        """));
    assertTrue(e.getMessage().contains("reports: digests are delivered by the alert notifier: they need"
        + " alerts.enabled: true"), e.getMessage());
  }

  @Test
  void cronFlavours() {
    assertEquals("0 8 * * 1", DigestConfig.cron("0 8 * * MON").asString());
    assertEquals("0/20 * * * * *", DigestConfig.cron(" 0/20 * * * * * ").asString());
    assertThrows(IllegalArgumentException.class, () -> DigestConfig.cron("0 0 8 * * * 2026"));
    assertThrows(IllegalArgumentException.class, () -> DigestConfig.cron("61 * * * *"));
  }

  @Test
  void theServiceDoesNotStartWithABadCron() throws Exception {
    String err = failedStart("cron", """
        reports:
          - {name: weekly, schedule: "0 8 * * FUNDAY", area: E08000027, receivers: [log]}
        """);
    assertTrue(err.contains("reports[0].schedule") && err.contains("FUNDAY"), err);
  }

  @Test
  void theServiceDoesNotStartWithAnAreaGroupOrTeamItsTargetsLack() throws Exception {
    String err = failedStart("area", """
        reports:
          - {name: weekly, schedule: "0 8 * * 1", area: E99999999, groups: [Nowhere], teams: [public-health],
             receivers: [log]}
        """);
    assertTrue(err.contains("reports[0] (weekly).area: unknown area 'E99999999' (areas of the targets: [E08000027])"),
        err);
    assertTrue(err.contains("reports[0] (weekly).groups[0]: unknown strategy group 'Nowhere'"), err);
    assertFalse(err.contains("teams[0]"), "public-health is a team of the targets: " + err);
  }

  /** Runs the service on the bundled targets with {@code reports}; it must exit 2 saying why on stderr. */
  private String failedStart(String name, String reports) throws Exception {
    Path bundled = Path.of(getClass().getResource("/fingerpost/default/config.yaml").toURI()).getParent();
    Path config = Files.writeString(dir.resolve(name + ".yaml"), """
        http: {port: 0, host: 127.0.0.1}
        targets: {files: ["%s"]}
        """.formatted(bundled.resolve("targets/dudley-2023-2033.yaml")) + reports);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    Process p = new ProcessBuilder(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", cp, Main.class.getName(),
        "--config", config.toString()).redirectOutput(dir.resolve(name + ".out").toFile())
        .redirectError(dir.resolve(name + ".err").toFile()).start();
    try {
      assertTrue(p.waitFor(90, TimeUnit.SECONDS), "the service did not stop");
    } finally {
      p.destroyForcibly();
    }
    String err = Files.readString(dir.resolve(name + ".err"));
    assertEquals(2, p.exitValue(), err + Files.readString(dir.resolve(name + ".out")));
    assertTrue(err.startsWith("Configuration error: "), err);
    assertFalse(err.contains("\tat "), "no stack trace: " + err);
    return err;
  }
}
