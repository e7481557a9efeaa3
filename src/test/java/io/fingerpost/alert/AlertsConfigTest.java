package io.fingerpost.alert;

import io.fingerpost.config.AlertsConfig;
import io.fingerpost.model.Severity;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fingerpost.config.ConfigException;
import io.fingerpost.config.ConfigFile;
import io.fingerpost.config.ConfigLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code alerts:} section through the service's own config loader. */
class AlertsConfigTest {

  private static AlertsConfig parse(String yaml) {
    return ConfigLoader.parse(yaml, ConfigFile.of(Path.of("/tmp/fingerpost-test.yaml")), Map.of("HOOK", "http://127.0.0.1:9/x"))
        .config().alerts();
  }

  @Test
  void bundledDefaultRoutesEachTeamAndLogsWithoutOutsideServers() {
    AlertsConfig a = ConfigLoader.loadDefault(Map.of()).config().alerts();
    assertEquals("log", a.receivers().get("public-health").type());
    Router r = new Router(a.routes(), a.defaultReceivers());
    assertEquals(List.of("children-and-young-people"), r.receiversFor(Map.of("team", "children-and-young-people")));
    assertEquals(List.of("operations"), r.receiversFor(Map.of("feed", "life-expectancy", "team", "operations")));
    AlertsConfig hooked = ConfigLoader.loadDefault(Map.of("FINGERPOST_ALERT_RECEIVER", "webhook",
        "FINGERPOST_ALERT_WEBHOOK_URL", "http://127.0.0.1:9/hook")).config().alerts();
    assertEquals("webhook", hooked.receivers().get("adult-social-care").type());
    assertEquals("http://127.0.0.1:9/hook", hooked.receivers().get("adult-social-care").url());
  }

  @Test
  void everyKeyBinds() {
    AlertsConfig a = parse("""
        alerts:
          externalUrl: http://fp.example:8080
          rules:
            offTrajectory: {warnOnAtRisk: false}
            projectedMiss: {fireAtOrBelow: 0.2, resolveAtOrAbove: 0.6, severity: critical}
            worseThanBenchmark: {benchmark: region}
            gapWidening: {enabled: false}
            feedStale: {staleAfter: 36h}
          damping: {periodsToResolve: 2, minFiring: 10m}
          receivers:
            hook: {type: webhook, url: "${HOOK}", headers: {X-Team: cyp}, timeout: 3s}
            mail: {type: email, smtp: {host: 127.0.0.1, port: 2525}, from: a@b.org, to: [c@d.org]}
          routes:
            - {match: {team: cyp}, matchRe: {area: "E08.*"}, receivers: [hook], continue: true}
          defaultReceivers: [mail]
          delivery: {initialBackoff: 2s, maxBackoff: 1m, maxAttempts: 50, resendInterval: 30s}
        """);
    assertEquals(false, a.rules().offTrajectory().warnOnAtRisk());
    assertEquals(0.2, a.rules().projectedMiss().fireAtOrBelow());
    assertEquals(Severity.CRITICAL, a.rules().projectedMiss().severity());
    assertEquals("region", a.rules().worseThanBenchmark().benchmark());
    assertEquals(false, a.rules().gapWidening().enabled());
    assertEquals(true, a.rules().specialCause().enabled());
    assertEquals(Duration.ofHours(36), a.rules().feedStale().staleAfter());
    assertEquals(2, a.damping().periodsToResolve());
    assertEquals(Duration.ofMinutes(10), a.damping().minFiring());
    assertEquals("http://127.0.0.1:9/x", a.receivers().get("hook").url());
    assertEquals(Duration.ofSeconds(3), a.receivers().get("hook").timeout());
    assertEquals(true, a.routes().get(0).continueMatching());
    assertEquals(50, a.delivery().maxAttempts());
    assertEquals(Duration.ofSeconds(30), a.delivery().resendInterval());
  }

  @Test
  void badSectionsStopStartUpNamingTheKey() {
    ConfigException unknownReceiver = assertThrows(ConfigException.class, () -> parse("""
        alerts:
          receivers: {hook: {type: webhook, url: "http://127.0.0.1:9/"}}
          routes: [{match: {team: x}, receivers: [nope]}]
        """));
    assertTrue(unknownReceiver.getMessage().contains("alerts.routes[0].receivers: unknown receiver 'nope'"),
        unknownReceiver.getMessage());
    ConfigException noUrl = assertThrows(ConfigException.class, () -> parse("""
        alerts:
          receivers: {hook: {type: webhook}}
        """));
    assertTrue(noUrl.getMessage().contains("alerts.receivers.hook.url must be an http(s) URL"), noUrl.getMessage());
    ConfigException badSeverity = assertThrows(ConfigException.class, () -> parse("""
        alerts:
          rules:
            specialCause: {severity: loud}
        """));
    assertTrue(badSeverity.getMessage().contains("line 3") && badSeverity.getMessage().contains("severity"),
        badSeverity.getMessage());
    ConfigException unknownKey = assertThrows(ConfigException.class, () -> parse("""
        alerts:
          damping: {periodsToResolv: 2}
        """));
    assertTrue(unknownKey.getMessage().contains("unknown key 'periodsToResolv'"), unknownKey.getMessage());
  }
}
