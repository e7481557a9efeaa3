package io.fingerpost.feed;

import io.fingerpost.model.Area;
import io.fingerpost.model.Indicator;
import io.fingerpost.model.Observation;
import io.fingerpost.model.Period;
import io.fingerpost.model.SeriesKey;
import java.util.List;

/**
 * One row's parts as {@link RowRules} checks them and {@link SeriesDigester} hashes them, the seven numbers
 * unboxed (issue 14: an unchanged re-read's pass 1 needs no {@link Observation}; boxing its numbers and building
 * the row was a third of the pass's reader thread in a flight recording). The CSV reader fills one instance in
 * place, row after row; an {@link Observation} is built from it only for a row that is kept.
 */
final class RowParts {
  static final int VALUE = 0;
  static final int LOWER95 = 1;
  static final int UPPER95 = 2;
  static final int LOWER998 = 3;
  static final int UPPER998 = 4;
  static final int COUNT = 5;
  static final int DENOMINATOR = 6;
  static final int NUMBERS = 7;

  long line;
  SeriesKey key;
  Period period;
  /** The numbers in the order above; {@code numbers[i]} means something only while bit i of {@link #present} is set. */
  final double[] numbers = new double[NUMBERS];
  /** Bit i: number i was given (clear: the source left it blank, null in an {@link Observation}). */
  int present;
  String note;
  Indicator indicator;
  Area area;
  List<String> warnings = List.of();
  /**
   * Set by the Fingertips reader (0: not known): the series' hash ({@link DuplicateKeys.Hasher}), so that the
   * duplicate check and {@link SeriesDigester}'s table need no other.
   */
  long seriesHash;

  /** The key's six parts into {@code into[0..5]} (for a loop over them: one compiled copy of its body). */
  static void keyParts(SeriesKey k, String[] into) {
    into[0] = k.indicatorId();
    into[1] = k.areaCode();
    into[2] = k.sex();
    into[3] = k.age();
    into[4] = k.categoryType();
    into[5] = k.category();
  }

  boolean has(int i) {
    return (present & (1 << i)) != 0;
  }

  /** Number i boxed as an {@link Observation} holds it (null when blank). */
  Double number(int i) {
    return has(i) ? numbers[i] : null;
  }

  void set(int i, Double d) {
    if (d == null) {
      present &= ~(1 << i);
    } else {
      numbers[i] = d;
      present |= 1 << i;
    }
  }

  /** These parts taken from an observation (and the row's indicator and area, which may be null). */
  RowParts of(Observation o, Indicator indicator, Area area) {
    key = o.key();
    seriesHash = 0;
    period = o.period();
    set(VALUE, o.value());
    set(LOWER95, o.lowerCi95());
    set(UPPER95, o.upperCi95());
    set(LOWER998, o.lowerCi998());
    set(UPPER998, o.upperCi998());
    set(COUNT, o.count());
    set(DENOMINATOR, o.denominator());
    note = o.valueNote();
    this.indicator = indicator;
    this.area = area;
    return this;
  }

  Observation observation() {
    return new Observation(key, period, number(VALUE), number(LOWER95), number(UPPER95), number(LOWER998),
        number(UPPER998), number(COUNT), number(DENOMINATOR), note);
  }
}
