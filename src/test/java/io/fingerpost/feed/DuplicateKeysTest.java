package io.fingerpost.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fingerpost.model.SeriesKey;
import org.junit.jupiter.api.Test;

/** The reader's {@link DuplicateKeys.Hasher}, which reuses the parts the key before shared, hashes as the statics do. */
class DuplicateKeysTest {

  @Test
  void hasherGivesTheStaticHashesWhateverThePartsShared() {
    DuplicateKeys.Hasher hasher = new DuplicateKeys.Hasher();
    String[] ind = {"90", "91"};
    String[] areas = {"E1", "E2", "E3"};
    String[] sexes = {"Persons", "Male"};
    String[] periods = {"2001", "2002"};
    int keys = 0;
    // the parts as one String each (as the reader's caches give them): each step shares a different prefix
    for (String i : ind) {
      for (String a : areas) {
        for (String s : sexes) {
          for (String p : periods) {
            SeriesKey k = new SeriesKey(i, a, s, "All ages", "", s.equals("Male") ? "" : "Most deprived");
            assertEquals(DuplicateKeys.hashOf(k, p), hasher.hash(k, p), k + " " + p);
            assertEquals(DuplicateKeys.seriesHashOf(k), hasher.series(), k + " " + p);
            keys++;
          }
        }
      }
    }
    SeriesKey last = new SeriesKey("91", "E3", "Male", "All ages", "", "");
    assertEquals(DuplicateKeys.hashOf(last, "2002"), hasher.hash(last, "2002"), "the same key again");
    assertEquals(24, keys);
  }
}
