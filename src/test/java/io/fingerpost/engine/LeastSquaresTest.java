package io.fingerpost.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/**
 * Expected values computed independently with numpy/scipy by the matrix formulas
 * β = (XᵀWX)⁻¹XᵀWy, Cov(β) = s²(XᵀWX)⁻¹, s² = Σw r²/(n−2), PI = ŷ ± t(0.975, n−2)·√(s²·mean(1/w) + x₁ᵀCov x₁).
 */
class LeastSquaresTest {

  static final double[] T = {2015.5, 2016.5, 2017.5, 2018.5, 2019.5, 2020.5};
  static final double[] Y = {10.2, 10.9, 11.1, 12.3, 12.0, 13.4};
  static final Double[] LO = {9.1, 9.9, 10.0, 11.0, 10.9, 12.1};
  static final Double[] UP = {11.3, 11.9, 12.2, 13.6, 13.1, 14.7};

  static void close(double expected, double actual) {
    assertEquals(expected, actual, Math.abs(expected) * 1e-7, () -> "expected " + expected + " got " + actual);
  }

  @Test
  void ordinaryMatchesMatrixFormulas() {
    LeastSquares.Fit f = LeastSquares.ordinary(T, Y);
    close(0.585714285730907, f.slope());
    close(-1170.3214286049704, f.intercept());
    close(0.09035079029177916, f.slopeStandardError());
    close(182.3279601019449, f.interceptStandardError());
    close(-16.47346938821239, f.slopeInterceptCovariance());
    close(0.14285714285709925, f.residualVariance());
    LeastSquares.Prediction p = f.predictionInterval(2033.5, 0.95);
    close(20.7285714288289, p.value());
    close(16.678489617504283, p.lower());
    close(24.778653240153517, p.upper());
    close(0.6781597528336849, p.probabilityAtLeast(20));
    close(1 - 0.6781597528336849, p.probabilityAtMost(20));
  }

  @Test
  void weightedWithWeightsFromCi() {
    double[] w = LeastSquares.weightsFromCi95(LO, UP);
    LeastSquares.Fit f = LeastSquares.weighted(T, Y, w);
    close(0.5651742798977304, f.slope());
    close(-1128.9035223912078, f.intercept());
    close(0.08910572326307116, f.slopeStandardError());
    close(179.79697966956041, f.interceptStandardError());
    close(-16.020934374601914, f.slopeInterceptCovariance());
    close(0.4004269464103405, f.residualVariance());
    LeastSquares.Prediction p = f.predictionInterval(2033.5, 0.95);
    close(20.3783757808269, p.value());
    close(16.33551908987419, p.lower());
    close(24.42123247177961, p.upper());
    close(0.5960971556489661, p.probabilityAtLeast(20));
  }

  @Test
  void missingCiMeansNoWeights() {
    assertNull(LeastSquares.weightsFromCi95(new Double[] {1.0, null}, new Double[] {2.0, 3.0}));
  }

  @Test
  void rejectsDegenerateInput() {
    assertThrows(IllegalArgumentException.class, () -> LeastSquares.ordinary(new double[] {1}, new double[] {1}));
    assertThrows(IllegalArgumentException.class,
        () -> LeastSquares.ordinary(new double[] {1, 1, 1}, new double[] {1, 2, 3}));
    LeastSquares.Fit two = LeastSquares.ordinary(new double[] {1, 2}, new double[] {1, 3});
    assertEquals(2.0, two.slope(), 1e-12);
    assertThrows(IllegalStateException.class, () -> two.predictionInterval(3, 0.95));
  }
}
