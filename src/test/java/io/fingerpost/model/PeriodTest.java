package io.fingerpost.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PeriodTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "2020|2020|2021",
      "2020/21|2020.25|2021.25",
      "2018 - 20|2018|2021",
      "2019 - 2020|2019|2021",
      "2018/19 - 20/21|2018.25|2021.25",
      "2020/21 - 24/25|2020.25|2025.25",
      "2018/19 Q1|2018.25|2018.5",
      "2018/19 Q4|2019|2019.25",
      "2021/22 Q1 - 2021/22 Q2|2021.25|2021.75",
      "2021/22 Q1 - 2023/24 Q4|2021.25|2024.25",
      "2020 Q1|2020|2020.25",
      "2020 Jan|2020|2020.0833333333333",
      "Mar 2020|2020.1666666666667|2020.25",
      "2020-12|2020.9166666666667|2021",
      "1999 - 01|1999|2002",
  })
  void parsesPublishedForms(String label, double start, double end) {
    Period p = Period.parse(label);
    assertEquals(start, p.start(), 1e-9, "start of " + label);
    assertEquals(end, p.end(), 1e-9, "end of " + label);
    assertEquals(label, p.label());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "20", "2020/22", "next year", "2020 Foo", "2020-13", "2021 - 19"})
  void rejectsUnknownForms(String label) {
    assertThrows(IllegalArgumentException.class, () -> Period.parse(label));
  }

  @org.junit.jupiter.api.Test
  void midpointAndSingleYear() {
    assertEquals(2033.5, Period.parse("2033").t(), 1e-12);
    assertEquals(2019.5, Period.parse("2018 - 20").t(), 1e-12);
    assertTrue(Period.parse("2020/21").isSingleYear());
    assertFalse(Period.parse("2018 - 20").isSingleYear());
    assertTrue(Period.parse("2019").compareTo(Period.parse("2019/20")) < 0);
  }
}
