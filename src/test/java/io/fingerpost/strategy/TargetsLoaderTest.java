package io.fingerpost.strategy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fingerpost.engine.Trajectory;
import io.fingerpost.engine.TrajectorySpec;
import io.fingerpost.model.SeriesKey;
import io.fingerpost.strategy.TargetDefinition.Direction;
import io.fingerpost.strategy.TargetDefinition.Form;
import io.fingerpost.strategy.TargetsLoader.TargetsText;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TargetsLoaderTest {

  private static final String GOOD = """
      defaults:
        area: E08000027
        group: ICS long term
        horizonYears: 10
        team: public-health
        tolerance: {amber: 25%, red: 50%}
        source: {document: Dudley Health Inequalities Strategy 2023-2033, page: 14}
      targets:
        - id: absolute
          name: Life expectancy at birth, male
          indicator: 90366
          sex: Male
          direction: increase
          baseline: {period: "2018 - 20", value: 78.9}
          target: {period: "2033", value: 79.5}
          tolerance: {amber: 0.3, red: 0.6}
        - id: relative
          indicator: "93015"
          direction: decrease
          baseline: {period: 2020/21}
          target: {period: 2027/28, change: -10%}
        - id: benchmark
          indicator: "90366"
          sex: Female
          direction: increase
          baseline: {period: "2018 - 20"}
          target: {period: "2033", reach: {area: E92000001}}
          ciCountsAsOnTrack: false
        - id: direction-only
          indicator: "92901"
          sex: Male
          direction: decrease
          baseline: {period: "2018 - 20", value: 9.2}
          target: {period: "2033"}
          tolerance: {amber: 5%, red: 10%}
        - id: milestones
          indicator: "92443"
          direction: decrease
          baseline: {period: "2020", value: 16.9}
          target: {period: "2028", value: 12}
          milestones:
            - {period: "2023", value: 15}
            - {period: "2025", value: 13.5}
        - id: band
          indicator: "91112"
          direction: within
          baseline: {period: "2021/22 Q1"}
          target: {period: "2028", band: {lower: 40, upper: 60}}
          noData: not in the bundled data
      """;

  private static List<TargetDefinition> load(String yaml) {
    return TargetsLoader.parse(List.of(new TargetsText("targets.yaml", yaml)));
  }

  @Test
  void readsEveryForm() {
    Map<String, TargetDefinition> byId = new java.util.HashMap<>();
    load(GOOD).forEach(t -> byId.put(t.id(), t));
    assertEquals(6, byId.size());

    TargetDefinition a = byId.get("absolute");
    assertEquals(new SeriesKey("90366", "E08000027", "Male", "", "", ""), a.series());
    assertEquals("Life expectancy at birth, male", a.name());
    assertEquals(Form.ABSOLUTE, a.goal().form());
    assertEquals(79.5, a.goal().value());
    assertEquals("0.3", a.amber().toString());
    assertFalse(a.amber().percent());
    assertEquals("ICS long term", a.group());
    assertEquals(10, a.horizonYears());
    assertEquals("14", a.source().page());
    assertTrue(a.ciCountsAsOnTrack());
    assertEquals("targets.yaml", a.file());

    TargetDefinition r = byId.get("relative");
    assertEquals(Form.RELATIVE, r.goal().form());
    assertEquals(-10.0, r.goal().changePercent());
    assertNull(r.baseline().value());
    assertTrue(r.amber().percent()); // from defaults
    assertEquals("relative", r.name()); // no name: the id

    TargetDefinition b = byId.get("benchmark");
    assertEquals(Form.BENCHMARK, b.goal().form());
    assertEquals("E92000001", b.goal().benchmarkArea());
    assertEquals("2018 - 20", b.goal().benchmarkPeriod().label()); // defaults to the baseline period
    assertFalse(b.ciCountsAsOnTrack());

    assertEquals(Form.DIRECTION_ONLY, byId.get("direction-only").goal().form());
    assertEquals(2, byId.get("milestones").milestones().size());
    TargetDefinition band = byId.get("band");
    assertEquals(Form.BAND, band.goal().form());
    assertEquals(Direction.WITHIN, band.direction());
    assertEquals("not in the bundled data", band.noData());
  }

  @Test
  void resolvesLookedUpValuesByHand() {
    Map<String, TargetDefinition> byId = new java.util.HashMap<>();
    load(GOOD).forEach(t -> byId.put(t.id(), t));
    TargetResolver.ValueLookup lookup = (key, period) -> switch (key.areaCode() + "|" + key.indicatorId()
        + "|" + key.sex() + "|" + period) {
      case "E08000027|93015||2020/21" -> 29.6;
      case "E08000027|90366|Female|2018 - 20" -> 82.3;
      case "E92000001|90366|Female|2018 - 20" -> 83.1;
      default -> null;
    };
    // relative: g = 29.6·(1 − 0.10) = 26.64, t₀ = 2020.75, t₁ = 2027.75
    TrajectorySpec rel = TargetResolver.resolve(byId.get("relative"), lookup).spec();
    assertEquals(29.6, rel.baselineValue(), 1e-12);
    assertEquals(26.64, rel.targetValue(), 1e-12);
    assertEquals(2020.75, rel.baselineT(), 0);
    assertEquals(2027.75, rel.targetT(), 0);
    assertEquals(TrajectorySpec.Sense.DECREASE, rel.sense());
    // 25% of |26.64 − 29.6| = 0.74 amber, 50% = 1.48 red
    Trajectory tr = new Trajectory(rel);
    assertEquals(0.74, tr.amberUnits(), 1e-12);
    assertEquals(1.48, tr.redUnits(), 1e-12);

    // reach the benchmark: England female 2018 - 20 = 83.1
    TrajectorySpec bench = TargetResolver.resolve(byId.get("benchmark"), lookup).spec();
    assertEquals(82.3, bench.baselineValue(), 1e-12);
    assertEquals(83.1, bench.targetValue(), 1e-12);
    assertFalse(bench.ciCountsAsOnTrack());

    // absolute with an explicit baseline never looks anything up
    TrajectorySpec abs = TargetResolver.resolve(byId.get("absolute"), (k, p) -> {
      throw new AssertionError("no lookup expected");
    }).spec();
    assertEquals(78.9, abs.baselineValue());
    assertEquals(79.5, abs.targetValue());

    // direction only: no g
    assertNull(TargetResolver.resolve(byId.get("direction-only"), lookup).spec().targetValue());

    // a value that cannot be looked up is a reason, not an exception
    TargetResolver.Resolved missing = TargetResolver.resolve(byId.get("relative"), (k, p) -> null);
    assertNull(missing.spec());
    assertEquals("no published value for the baseline period 2020/21", missing.problem());
  }

  @Test
  void everyErrorIsReportedWithFileTargetAndKey() {
    String bad = """
        defaults:
          area: E08000027
          colour: red
        targets:
          - id: unknown-key
            indicator: "90366"
            direction: increase
            baseline: {period: "2020"}
            target: {period: "2033", value: 80}
            tolerance: {amber: 0.5, red: 1}
            onwer: team-a
          - id: baseline-after-target
            indicator: "90366"
            direction: increase
            baseline: {period: "2034"}
            target: {period: "2033", value: 80}
            tolerance: {amber: 0.5, red: 1}
          - id: amber-wider-than-red
            indicator: "90366"
            direction: increase
            baseline: {period: "2020"}
            target: {period: "2033", value: 80}
            tolerance: {amber: 2, red: 1}
          - id: missing-series
            direction: decrease
            baseline: {period: "2020"}
            target: {period: "2033"}
            tolerance: {amber: 10%, red: 20%}
          - id: several
            indicator: "1"
            direction: sideways
            baseline: {period: "twenty twenty"}
            target: {period: "2033", value: 1, change: -5%}
            tolerance: {amber: 10%, red: 1}
          - name: no id
            indicator: "1"
            direction: increase
            baseline: {period: "2020"}
            target: {period: "2033"}
            tolerance: {amber: 1, red: 2}
        """;
    TargetsFileException e = assertThrows(TargetsFileException.class, () -> load(bad));
    List<String> errors = e.errors();
    List<String> expected = List.of(
        "targets.yaml: key 'defaults.colour': unknown key",
        "targets.yaml: target 'unknown-key': key 'onwer': unknown key",
        "targets.yaml: target 'baseline-after-target': key 'baseline.period': the baseline period '2034'"
            + " is not before the target period '2033'",
        "targets.yaml: target 'amber-wider-than-red': key 'tolerance.amber': amber (2) is wider than red (1)",
        "targets.yaml: target 'missing-series': key 'indicator': missing",
        "targets.yaml: target 'several': key 'direction': 'sideways' is not one of increase, decrease, within",
        "targets.yaml: target 'several': key 'baseline.period': time period 'twenty twenty' is not a",
        "targets.yaml: target 'several': key 'target': give one of value, change, reach, band; got value"
            + " and change",
        "targets.yaml: target 'several': key 'tolerance': amber and red must both be units or both be"
            + " percentages",
        "targets.yaml: target #6 (no id): key 'id': missing");
    assertEquals(expected.size(), errors.size(), String.join("\n", errors));
    for (int i = 0; i < expected.size(); i++) {
      assertTrue(errors.get(i).startsWith(expected.get(i)), errors.get(i) + "\n expected: " + expected.get(i));
    }
    // one message holding every error, one line each
    assertTrue(e.getMessage().startsWith("10 errors in the targets files:"));
    assertEquals(11, e.getMessage().lines().count());
  }

  @Test
  void idsAreUniqueAcrossFilesAndSyntaxErrorsNameTheLine() {
    String one = """
        targets:
          - {id: t1, indicator: "1", area: A, direction: increase, baseline: {period: "2020"},
             target: {period: "2030"}, tolerance: {amber: 1, red: 2}}
        """;
    TargetsFileException dup = assertThrows(TargetsFileException.class, () -> TargetsLoader.parse(
        List.of(new TargetsText("a.yaml", one), new TargetsText("b.yaml", one))));
    assertEquals(List.of("b.yaml: target 't1': key 'id': duplicate id, already used in a.yaml"), dup.errors());

    TargetsFileException syntax = assertThrows(TargetsFileException.class,
        () -> load("targets:\n  - id: x\n    id: y\n"));
    assertTrue(syntax.errors().get(0).startsWith("targets.yaml: line 3: not valid YAML"), syntax.getMessage());

    TargetsFileException missing = assertThrows(TargetsFileException.class,
        () -> TargetsLoader.loadFiles(List.of(java.nio.file.Path.of("/nonexistent/targets.yaml"))));
    assertTrue(missing.errors().get(0).startsWith("/nonexistent/targets.yaml: cannot read"));
  }

  @Test
  void milestonesAndBandsAreChecked() {
    String bad = """
        targets:
          - id: m
            indicator: "1"
            area: A
            direction: increase
            baseline: {period: "2020"}
            target: {period: "2030", value: 10}
            milestones: [{period: "2031", value: 5}, {period: "2019", value: 4}]
            tolerance: {amber: 1, red: 2}
          - id: b
            indicator: "1"
            area: A
            direction: increase
            baseline: {period: "2020"}
            target: {period: "2030", band: {lower: 5, upper: 4}}
            tolerance: {amber: 1, red: 2}
        """;
    List<String> errors = assertThrows(TargetsFileException.class, () -> load(bad)).errors();
    assertEquals(List.of(
        "targets.yaml: target 'm': key 'milestones[0].period': '2031' must come before the target period '2030'",
        "targets.yaml: target 'm': key 'milestones[1].period': '2019' must come after the baseline and the"
            + " previous milestone",
        "targets.yaml: target 'b': key 'target.band': a band needs direction 'within', not 'increase'",
        "targets.yaml: target 'b': key 'target.band': lower (5.0) is above upper (4.0)"), errors);
  }

  @Test
  void configuredFilesComeFromTheTargetsSection() throws Exception {
    var yaml = new com.fasterxml.jackson.databind.ObjectMapper(
        new com.fasterxml.jackson.dataformat.yaml.YAMLFactory());
    assertEquals(List.of("targets/a.yaml", "/etc/b.yaml"), TargetsLoader.configuredFiles(
        yaml.readTree("files: [targets/a.yaml, /etc/b.yaml]"), "config.yaml"));
    assertEquals(List.of(), TargetsLoader.configuredFiles(null, "config.yaml"));
    TargetsFileException e = assertThrows(TargetsFileException.class, () -> TargetsLoader.configuredFiles(
        yaml.readTree("{files: [1, ''], file: x}"), "config.yaml"));
    assertEquals(List.of("config.yaml: key 'targets.file': unknown key (known keys: files)",
        "config.yaml: key 'targets.files[0]': expected a file path",
        "config.yaml: key 'targets.files[1]': expected a file path"), e.errors());
  }

  @Test
  void wrongTypesOfEveryTargetAreReportedAtOnce() {
    String bad = """
        defaults:
          area: E08000027
          horizonYears: ten
          tolerance: {amber: 1, red: 2}
        targets:
          - id: words-for-numbers
            indicator: "1"
            direction: increase
            baseline: {period: "2020", value: high}
            target: {period: "2030", value: "80"}
          - id: mapping-for-text
            indicator: {id: 1}
            direction: increase
            baseline: {period: "2020"}
            target: {period: "2030", change: ten percent}
            ciCountsAsOnTrack: perhaps
          - id: good
            indicator: "1"
            direction: increase
            baseline: {period: "2020"}
            target: {period: "2030"}
            milestones: 5
          - 42
        """;
    List<String> errors = assertThrows(TargetsFileException.class, () -> load(bad)).errors();
    assertEquals(List.of(
        "targets.yaml: key 'defaults.horizonYears': expected a whole number of years > 0, got 'ten'",
        "targets.yaml: target 'words-for-numbers': key 'baseline.value': expected a number, got 'high'",
        "targets.yaml: target 'words-for-numbers': key 'target.value': expected a number, got '80'",
        "targets.yaml: target 'mapping-for-text': key 'indicator': expected a single value, got a mapping",
        "targets.yaml: target 'mapping-for-text': key 'target.change': expected a percentage such as -10%,"
            + " got 'ten percent'",
        "targets.yaml: target 'mapping-for-text': key 'ciCountsAsOnTrack': expected true or false, got 'perhaps'",
        "targets.yaml: target 'good': key 'milestones': expected a list, got '5'",
        "targets.yaml: key 'targets[3]': expected a mapping (a target)"), errors);
  }

  @Test
  void keysWrittenTwiceAndTabsAreErrorsWithTheirLine() {
    TargetsFileException twice = assertThrows(TargetsFileException.class, () -> load("""
        targets:
          - id: t1
            indicator: "1"
            area: A
            indicator: "2"
        """));
    assertEquals(List.of("targets.yaml: line 5: not valid YAML: duplicate key 'indicator' (a key may appear"
        + " only once in a mapping)"), twice.errors());
    TargetsFileException tab = assertThrows(TargetsFileException.class,
        () -> load("targets:\n  - id: t1\n\t  area: A\n"));
    assertEquals(List.of("targets.yaml: line 3: not valid YAML: tabs are not allowed for indentation"
        + " (indent with spaces)"), tab.errors());
  }
}
