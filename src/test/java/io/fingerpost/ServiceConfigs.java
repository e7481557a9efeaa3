package io.fingerpost;

import java.nio.file.Files;
import java.nio.file.Path;

/** Configurations for tests that run the whole service (often as a child JVM) on the bundled data. */
public final class ServiceConfigs {
  private ServiceConfigs() {}

  /**
   * One feed (the bundled life expectancy file), the bundled Dudley targets, push behind {@code token}, and
   * the public-health team's alerts to the webhook at {@code hookUrl}; written as {@code dir/config.yaml}.
   */
  public static Path lifeExpectancyWithWebhook(Path dir, String token, String hookUrl) throws Exception {
    return lifeExpectancy(dir, token, """
        alerts:
          externalUrl: http://127.0.0.1:8080
          receivers:
            public-health: {type: webhook, url: "%s", timeout: 5s}
            operations: {type: log}
          routes:
            - {match: {team: public-health}, receivers: [public-health]}
          defaultReceivers: [operations]
          delivery: {initialBackoff: 200ms, maxBackoff: 1s, pollInterval: 1s}
        """.formatted(hookUrl));
  }

  /**
   * One feed (the bundled life expectancy file), the bundled Dudley targets and push behind {@code token}, then
   * {@code rest} (top-level YAML: alerts, reports…); written as {@code dir/config.yaml}.
   */
  public static Path lifeExpectancy(Path dir, String token, String rest) throws Exception {
    Path bundled = Path.of(ServiceConfigs.class.getResource("/fingerpost/default/config.yaml").toURI()).getParent();
    String yaml = """
        http: {port: 8080, host: 127.0.0.1}
        push: {token: %s}
        targets:
          files: ["%s"]
        feeds:
          - name: life-expectancy
            type: tidy-csv
            source: "%s"
            interval: 5m
            indicators:
              - {id: "90366", name: "Life expectancy at birth", unit: "Years", valueType: life expectancy, polarity: HIGH_IS_GOOD}
            missingValues: ["", NA]
            columns:
              areaCode: area_code
              areaName: area_name
              areaType: area_type
              period: period
              value: value
              sex: {column: inequality}
              age: {value: "<1 yr"}
              comparedToEngland: compared_to_England
        """.formatted(token, bundled.resolve("targets/dudley-2023-2033.yaml"),
        bundled.resolve("data/tidy-series/life_expectancy.csv")) + rest;
    Path file = dir.resolve("config.yaml");
    Files.writeString(file, yaml);
    return file;
  }
}
