package io.fingerpost.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A tidy-csv feed's fingerprint covers its configuration's text, so a mapping's {@code values} must print alike in
 * every JVM: in key order, whatever order the file gave (Map.copyOf's order is salted per JVM: every tidy-csv feed
 * with {@code values} was read again in full at each start).
 */
class ColumnMappingTest {

  @Test
  void valuesAreKeptInKeyOrderWhateverTheGivenOrder() {
    List<String> keys = List.of("NA", "Male", "Female", "Persons", "Most deprived", "Least deprived", "Quintile 1",
        "Quintile 2", "Quintile 3", "Quintile 4", "Quintile 5", "x");
    Map<String, String> given = new LinkedHashMap<>();
    for (String k : keys) {
      given.put(k, k.toLowerCase(java.util.Locale.ROOT));
    }
    Map<String, String> reversed = new LinkedHashMap<>();
    for (int i = keys.size() - 1; i >= 0; i--) {
      reversed.put(keys.get(i), given.get(keys.get(i)));
    }
    ColumnMapping a = new ColumnMapping("sex", null, given, null, null);
    ColumnMapping b = new ColumnMapping("sex", null, reversed, null, null);
    List<String> sorted = new ArrayList<>(keys);
    sorted.sort(null);
    assertEquals(sorted, new ArrayList<>(a.values().keySet()));
    assertEquals(a.toString(), b.toString());
    assertEquals(given, a.values());
  }
}
