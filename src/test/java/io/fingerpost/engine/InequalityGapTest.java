package io.fingerpost.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fingerpost.engine.InequalityGap.Measure;
import org.junit.jupiter.api.Test;

class InequalityGapTest {

  @Test
  void gap() {
    InequalityGap.Gap g = InequalityGap.of(30.0, 12.0);
    assertEquals(18.0, g.absolute(), 1e-12);
    assertEquals(2.5, g.relative(), 1e-12);
    assertNull(InequalityGap.of(3.0, 0.0).relative());
  }

  @Test
  void widening() {
    // SEs 1 and 1 (limits ± 1.96): difference 3 / √2 = 2.12 > 1.96
    double z = 1.959963984540054;
    assertTrue(InequalityGap.widenedSignificantly(new Measure(10, 10 - z, 10 + z), new Measure(13, 13 - z, 13 + z)));
    // difference 2 / √2 = 1.41: not significant
    assertFalse(InequalityGap.widenedSignificantly(new Measure(10, 10 - z, 10 + z), new Measure(12, 12 - z, 12 + z)));
    // narrowing is never widening
    assertFalse(InequalityGap.widenedSignificantly(new Measure(13, 13 - z, 13 + z), new Measure(10, 10 - z, 10 + z)));
    // a negative SII moving further from zero widens
    assertTrue(InequalityGap.widenedSignificantly(new Measure(-10, -10 - z, -10 + z), new Measure(-13, -13 - z, -13 + z)));
    assertFalse(InequalityGap.widenedSignificantly(new Measure(10, null, null), new Measure(20, 19.0, 21.0)));
  }
}
