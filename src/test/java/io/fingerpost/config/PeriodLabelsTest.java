package io.fingerpost.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.fingerpost.model.Period;
import org.junit.jupiter.api.Test;

class PeriodLabelsTest {

  private static String iso(String label) {
    return PeriodLabels.rewrite(PeriodLabels.ISO_INTERVAL, label);
  }

  @Test
  void isoIntervalsBecomeFingertipsLabelsCoveringTheSameYears() {
    assertEquals("2020", iso("2020-01-01/P1Y"));
    assertEquals("2018 - 20", iso("2018-01-01/P3Y"));         // ONS healthy life expectancy 2018 to 2020
    assertEquals("2019 - 23", iso("2019-01-01/P5Y"));
    assertEquals("2021/22", iso("2021-09-01/P1Y"));           // an academic year (early years)
    assertEquals("2019/20", iso("2019-11-16/P1Y"));           // an Active Lives survey year
    assertEquals("2019/20", iso("2019-04-01/P1Y"));           // a financial year
    assertEquals("2017/18 - 19/20", iso("2017-04-01/P3Y"));
    assertEquals("1999/00", iso("1999-04-01/P1Y"));
    // the label is one Period reads, over the years the interval covers
    Period p = Period.parse(iso("2018-01-01/P3Y"));
    assertEquals(2018.0, p.start());
    assertEquals(2021.0, p.end());
  }

  @Test
  void yearRangesWithoutSpacesAreNotReadAsMonths() {
    assertEquals("2015 - 17", PeriodLabels.rewrite(PeriodLabels.YEAR_RANGE, "2015-17"));
    assertEquals(3.0, Period.parse(PeriodLabels.rewrite(PeriodLabels.YEAR_RANGE, "2001-03")).length());
  }

  @Test
  void aLabelOfAnotherFormIsRefusedSoItsRowIsRejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> iso("2020"));
    assertEquals("time period '2020' is not of the form iso-interval (2018-01-01/P3Y)", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> iso("2020-01-01/P0Y"));
    assertThrows(IllegalArgumentException.class,
        () -> PeriodLabels.rewrite(PeriodLabels.YEAR_RANGE, "2015 - 17"));
  }
}
