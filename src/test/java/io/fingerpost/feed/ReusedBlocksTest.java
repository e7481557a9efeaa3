package io.fingerpost.feed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.LongUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * With the read-ahead, the character blocks of records handed out go back to the tokeniser (stop 24). A record
 * stays as read while it is handed out and while it is the one before (what a reader keeps: its last record),
 * however often the blocks are filled again.
 */
class ReusedBlocksTest {

  @Test
  void recordsReadAsWrittenWhileTheirBlocksAreReused() throws Exception {
    Random rnd = new Random(24);
    List<String[]> written = new ArrayList<>();
    StringBuilder csv = new StringBuilder("id,text,quoted\n");
    for (int i = 0; i < 30_000; i++) {
      StringBuilder text = new StringBuilder();
      for (int n = rnd.nextInt(120); n > 0; n--) {
        text.append((char) ('a' + rnd.nextInt(26)));
      }
      // a quoted field with the separator, a doubled quote and sometimes a line break inside
      String quoted = "q" + i + ", \"x\"" + (rnd.nextInt(50) == 0 ? "\nmore" : "");
      written.add(new String[] {"r" + i, text.toString(), quoted});
      csv.append("r").append(i).append(',').append(text).append(",\"")
          .append(quoted.replace("\"", "\"\"")).append("\"\n");
    }
    try (CsvRecords records = new CsvRecords(new StringReader(csv.toString()), LongUnaryOperator.identity(),
        "empty")) {
      CsvFields[] before = new CsvFields[1];
      int[] at = {0};
      while (records.hasNext()) {
        records.next((line, fields) -> {
          int i = at[0]++;
          assertArrayEquals(written.get(i), fields.toArray(), "record " + i);
          if (before[0] != null) { // the record before, as a reader keeps it, still reads as written
            assertArrayEquals(written.get(i - 1), before[0].toArray(), "record " + (i - 1) + " kept");
          }
          before[0] = fields;
          return null;
        });
      }
      assertEquals(written.size(), at[0]);
      assertTrue(records.blocksHandedBack() > 50, "blocks handed back: " + records.blocksHandedBack());
    }
  }
}
