package io.fingerpost.feed.fingertips;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fingerpost.model.Period;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** A FingertipsNext DatePeriod gets the classic export's label for the same span (so both feeds key alike). */
class FingertipsNextLabelTest {

  static String label(String type, String from, String to) throws IOException {
    return FingertipsNextApi.label(new ObjectMapper().readTree(
        "{\"type\":\"" + type + "\",\"from\":\"" + from + "\",\"to\":\"" + to + "\"}"));
  }

  @Test
  void datePeriodsBecomeTheExportsLabels() throws IOException {
    assertEquals("2017", label("Calendar", "2017-01-01", "2017-12-31"));
    assertEquals("2015 - 17", label("Calendar", "2015-01-01", "2017-12-31"));
    assertEquals("2019/20", label("Financial", "2019-04-01", "2020-03-31"));
    assertEquals("2017/18 - 19/20", label("FinancialMultiYear", "2017-04-01", "2020-03-31"));
    assertEquals("2019/20 Q3", label("Financial", "2019-10-01", "2019-12-31"));
    assertEquals("2020 Q2", label("Calendar", "2020-04-01", "2020-06-30"));
    assertEquals("2020 Jan", label("Calendar", "2020-01-01", "2020-01-31"));
    // Each label is one Period.parse reads, with the span of the dates.
    Period p = Period.parse(label("Financial", "2019-04-01", "2020-03-31"));
    assertEquals(2019.25, p.start(), 1e-9);
    assertEquals(2020.25, p.end(), 1e-9);
    assertThrows(IOException.class, () -> label("Calendar", "2020-01-01", "2020-05-15"));
  }
}
