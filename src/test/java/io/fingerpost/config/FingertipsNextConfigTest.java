package io.fingerpost.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A fingertips-next feed's keys: baseUrl required, areaCodes and/or areaType, no classic keys. */
class FingertipsNextConfigTest {

  @Test
  void aNextFeedBinds() {
    FeedConfig f = IndicatorIdsBindingTest.parse("""
          - name: next
            type: fingertips-next
            baseUrl: http://127.0.0.1:9/api
            indicators: [93356, {id: "90366", unit: "per 100,000"}]
            areaCodes: [E92000001, E12000005]
            areaType: counties-and-unitary-authorities
        """).feeds().get(0);
    assertTrue(f.isApi());
    assertEquals(List.of("E92000001", "E12000005"), f.areaCodes());
    assertEquals("counties-and-unitary-authorities", f.areaType());
    assertEquals("http://127.0.0.1:9/api", f.baseUrlOrDefault());
  }

  @Test
  void aBadNextFeedNamesEachKey() {
    ConfigException e = assertThrows(ConfigException.class, () -> IndicatorIdsBindingTest.parse("""
          - name: next
            type: fingertips-next
            indicators: [abc]
            areaTypes: [501]
          - name: classic
            type: fingertips-api
            indicators: [1]
            areaTypes: [501]
            parentAreaType: 6
            areaType: counties
        """));
    String m = e.getMessage();
    for (String part : List.of("feeds[0] (next).baseUrl", "feeds[0] (next).indicators[0]", "feeds[0] (next).areaCodes",
        "feeds[0] (next).areaTypes", "feeds[1] (classic).areaType")) {
      assertTrue(m.contains(part), part + " in " + m);
    }
  }
}
