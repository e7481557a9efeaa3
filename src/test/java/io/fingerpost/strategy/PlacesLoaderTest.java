package io.fingerpost.strategy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fingerpost.strategy.TargetsLoader.TargetsText;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code places:} in a targets file (README "Targets for many places"): its forms, precedence and ids. */
class PlacesLoaderTest {

  private static List<TargetDefinition> parse(String yaml) {
    return TargetsLoader.parse(List.of(new TargetsText("places.yaml", yaml)));
  }

  private static final String TARGET = """
      indicator: "90366", sex: Male, direction: increase, baseline: {period: "2018 - 20", value: 78.9},
         target: {period: "2031 - 33", reach: {area: E92000001}}, tolerance: {amber: 0.25, red: 0.5}""";

  @Test
  void aListAtFileLevelMakesOneTargetPerPlaceWithTheFirstKeepingTheIdAndTheWrittenBaseline() {
    List<TargetDefinition> written = parse("""
        places: [E08000027, E08000025, E08000026]
        targets:
          - {id: le-male, %s}
        """.formatted(TARGET));
    assertEquals(1, written.size());
    List<TargetDefinition> all = Places.expand(written, Map.of());
    assertEquals(List.of("le-male", "le-male@E08000025", "le-male@E08000026"), all.stream().map(TargetDefinition::id).toList());
    assertEquals(List.of("E08000027", "E08000025", "E08000026"), all.stream().map(t -> t.series().areaCode()).toList());
    assertEquals(78.9, all.get(0).baseline().value());
    assertNull(all.get(1).baseline().value(), "another place looks its own baseline up");
    assertEquals("E92000001", all.get(1).goal().benchmarkArea());
    assertEquals("le-male", Places.writtenId("le-male@E08000025"));
  }

  @Test
  void aTargetsOwnAreaOrPlacesWinOverTheFilesAndASingleAreaIsAsToday() {
    List<TargetDefinition> written = parse("""
        places: [E08000027, E08000025]
        defaults: {team: public-health}
        targets:
          - {id: dudley-only, area: E08000027, %s}
          - {id: two, places: [E08000026, E08000028], %s}
        """.formatted(TARGET, TARGET));
    List<TargetDefinition> all = Places.expand(written, Map.of());
    assertEquals(List.of("dudley-only", "two", "two@E08000028"), all.stream().map(TargetDefinition::id).toList());
    assertNull(all.get(0).places());
    assertEquals(78.9, all.get(0).baseline().value());
    List<TargetDefinition> single = parse("defaults: {area: E08000027}\ntargets:\n  - {id: a, " + TARGET + "}\n");
    assertEquals(single, Places.expand(single, Map.of()), "a file with one area: the targets as written");
  }

  @Test
  void childrenOfAnAreaAreFoundInTheStoredAreasSortedByCode() {
    for (String key : List.of("childrenOf", "children of")) {
      List<TargetDefinition> written = parse("""
          targets:
            - {id: le, places: {%s: E12000005, type: UA}, %s}
          """.formatted(key, TARGET));
      Places places = written.get(0).places();
      assertEquals(new Places(List.of(), "E12000005", "UA"), places);
      assertEquals(List.of(), Places.expand(written, Map.of()), "no children stored yet: no target yet");
      List<TargetDefinition> all = Places.expand(written, Map.of(places, List.of("E08000031", "E08000025", "E08000027")));
      assertEquals(List.of("le", "le@E08000027", "le@E08000031"), all.stream().map(TargetDefinition::id).toList());
      assertEquals("E08000025", all.get(0).series().areaCode());
    }
  }

  @Test
  void badPlacesAreReportedByKey() {
    String message = assertThrows(TargetsFileException.class, () -> parse("""
        targets:
          - {id: both, area: E08000027, places: [E08000025], %s}
          - {id: empty, places: [], %s}
          - {id: twice, places: [E08000025, E08000025], %s}
          - {id: number, places: 12, %s}
          - {id: nochildren, places: {type: UA}, %s}
          - {id: unknown, places: {childrenOf: E12000005, kind: UA}, %s}
        """.formatted(TARGET, TARGET, TARGET, TARGET, TARGET, TARGET))).getMessage();
    assertTrue(message.contains("target 'both': key 'places': give area (one place) or places, not both"), message);
    assertTrue(message.contains("target 'empty': key 'places': an empty list"), message);
    assertTrue(message.contains("target 'twice': key 'places[1]': 'E08000025' is listed twice"), message);
    assertTrue(message.contains("target 'number': key 'places': expected a list of area codes"), message);
    assertTrue(message.contains("target 'nochildren': key 'places.childrenOf': missing"), message);
    assertTrue(message.contains("target 'unknown': key 'places.kind': unknown key"), message);
  }
}
