package io.fingerpost.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fingerpost.model.SeriesKey;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The streaming {@link DuplicateKeys.Hasher} (which reuses the hash of the leading parts a key shares with the key
 * before, by identity, as a reader hands out its cached Strings) gives the series' hash in one go
 * ({@link DuplicateKeys#seriesHashOf}): the duplicate check of a chunked read and the digests' table
 * ({@link SeriesDigester} looks series up by {@code seriesHashOf}) depend on the two agreeing.
 */
class DuplicateKeysTest {

  /** Parts a reader may hand over: empty, non-ASCII (accents, CJK, a surrogate pair), separators, long text. */
  private static final List<String> PARTS = List.of("", "E06000001", "Persons", "All ages", "Ménière", "北京市",
      "emoji \uD83D\uDE00 pair", "a\u001fb", "\u001f", "x".repeat(10_000), "Deprivation decile (IMD2019)",
      "Most deprived decile", " ", "0", "00");

  @Test
  void theStreamingHashIsTheSeriesHash() {
    Random random = new Random(20261202);
    DuplicateKeys.Hasher hasher = new DuplicateKeys.Hasher();
    String[] parts = new String[6];
    for (int row = 0; row < 20_000; row++) {
      // each part kept (the same String, as a reader's cache gives it), replaced by an equal copy, or another one
      for (int i = 0; i < parts.length; i++) {
        int choice = random.nextInt(6);
        if (parts[i] == null || choice == 0) {
          parts[i] = PARTS.get(random.nextInt(PARTS.size()));
        } else if (choice == 1) {
          parts[i] = new String(parts[i]);
        }
      }
      SeriesKey key = new SeriesKey(parts[0], parts[1], parts[2], parts[3], parts[4], parts[5]);
      assertEquals(DuplicateKeys.seriesHashOf(key), hasher.series(key), key.toString());
    }
  }

  /** Parts that concatenate alike, moved between fields, or empty in another place hash apart. */
  @Test
  void keysThatOnlyLookAlikeHashApart() {
    List<SeriesKey> keys = new ArrayList<>();
    keys.add(new SeriesKey("ab", "c", "", "", "", ""));
    keys.add(new SeriesKey("a", "bc", "", "", "", ""));
    keys.add(new SeriesKey("abc", "", "", "", "", ""));
    keys.add(new SeriesKey("", "abc", "", "", "", ""));
    keys.add(new SeriesKey("a", "b", "c", "", "", ""));
    keys.add(new SeriesKey("a", "b", "", "c", "", ""));
    keys.add(new SeriesKey("a", "b", "", "", "c", ""));
    keys.add(new SeriesKey("a", "b", "", "", "", "c"));
    keys.add(new SeriesKey("a\u001fb", "", "", "", "", ""));
    keys.add(new SeriesKey("a", "\u001fb", "", "", "", ""));
    Set<Long> hashes = new HashSet<>();
    DuplicateKeys.Hasher hasher = new DuplicateKeys.Hasher();
    for (SeriesKey k : keys) {
      hashes.add(hasher.series(k));
    }
    assertEquals(keys.size(), hashes.size(), "hashes shared among " + keys);
  }

  /** The check itself: a key met again answers the line it was first seen on, however it was hashed. */
  @Test
  void aKeyMetAgainAnswersItsFirstLine() {
    DuplicateKeys seen = new DuplicateKeys();
    SeriesKey a = new SeriesKey("90366", "E92000001", "Male", "<1 yr", "", "");
    SeriesKey b = new SeriesKey("90366", "E92000001", "Female", "<1 yr", "", "");
    assertEquals(-1, seen.firstLineOf(a, "2019 - 21", 2));
    assertEquals(-1, seen.firstLineOf(b, "2019 - 21", 3));
    assertEquals(-1, seen.firstLineOf(a, "2018 - 20", 4));
    assertEquals(2, seen.firstLineOf(new SeriesKey("90366", "E92000001", "Male", "<1 yr", "", ""),
        new String("2019 - 21"), 9));
    assertEquals(3, seen.firstLineOf(DuplicateKeys.seriesHashOf(b), new String("2019 - 21"), 10));
    assertEquals(-1, seen.firstLineOf(DuplicateKeys.seriesHashOf(b), "2019 - 22", 11));
    assertEquals(-1, seen.firstLineOf(b, null, 12));
    assertEquals(12, seen.firstLineOf(b, null, 13));
    assertEquals(-1, seen.firstLineOf(b, "", 14));
  }

  /**
   * Against a map of the whole keys, in the orders sources come in (period-major, series-major, shuffled) and with
   * a shape too sparse for the grid (every series its own periods: the lines move to the table mid-read), with and
   * without the expected-rows hint, and lines beyond an int.
   */
  @Test
  void answersAsAMapOfTheKeysWould() {
    Random random = new Random(20261203);
    for (int shape = 0; shape < 4; shape++) {
      for (long hint : new long[] {-1, 5_000, 200_000}) {
        List<SeriesKey> series = new ArrayList<>();
        for (int s = 0; s < 3_000; s++) {
          series.add(new SeriesKey("9" + s % 7, "E" + s, s % 2 == 0 ? "Male" : "Female", "All ages", "", ""));
        }
        List<String[]> rows = new ArrayList<>(); // series index, period
        for (int p = 0; p < 12; p++) {
          for (int s = 0; s < series.size(); s++) {
            String period = shape == 3 ? "p" + (s * 12 + p) : String.valueOf(2000 + p); // 3: 36,000 periods
            rows.add(new String[] {String.valueOf(s), period});
          }
        }
        if (shape == 1) {
          rows.sort(java.util.Comparator.comparingInt(r -> Integer.parseInt(r[0]))); // series-major
        } else if (shape == 2) {
          java.util.Collections.shuffle(rows, random);
        }
        int n = rows.size();
        for (int i = 0; i < n / 20; i++) { // repeats of earlier keys, anywhere after them
          rows.add(random.nextInt(rows.size() + 1), rows.get(random.nextInt(n)).clone());
        }
        DuplicateKeys seen = new DuplicateKeys();
        seen.expect(hint);
        java.util.Map<String, Long> first = new java.util.HashMap<>();
        long line = shape == 2 ? Integer.MAX_VALUE - 3_000L : 2; // shuffled: lines cross an int mid-read
        DuplicateKeys.Hasher hasher = new DuplicateKeys.Hasher();
        for (String[] r : rows) {
          SeriesKey k = series.get(Integer.parseInt(r[0]));
          String period = new String(r[1]); // equal labels, not one instance
          long expected = first.getOrDefault(k + "|" + r[1], -1L);
          first.putIfAbsent(k + "|" + r[1], line);
          long got = line % 2 == 0 ? seen.firstLineOf(k, period, line)
              : seen.firstLineOf(hasher.series(k), period, line);
          assertEquals(expected, got, "shape " + shape + ", hint " + hint + ", line " + line);
          line += 1 + random.nextInt(3);
        }
        if (shape < 2) {
          assertEquals(true, seen.usesGrid(), "shape " + shape + ", hint " + hint);
        } else {
          assertEquals(false, seen.usesGrid(), "shape " + shape + ", hint " + hint);
        }
      }
    }
  }
}
