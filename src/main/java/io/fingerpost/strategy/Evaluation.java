package io.fingerpost.strategy;

/**
 * What the evaluator concluded about one target at its series' latest period: one row of the
 * {@code evaluation} table as computed (the database adds id, time and initial load, see
 * {@link StoredEvaluation}). A small tree of records instead of a row of 33 columns: each part is
 * never null (its {@code NONE} when nothing was computed), its numbers are null where they do not apply.
 * {@link EvaluationMapping} is the one mapping to and from the table.
 *
 * @param observationRevision the revision of the observation evaluated; null when none was
 * @param details the engine's working as JSON (column {@code verdicts}): what a person checks a verdict by
 * @param fingerprint digest of every computed column; null until {@link EvaluationMapping#withFingerprint}
 */
public record Evaluation(
    String targetId,
    Long seriesId,
    String period,
    Double periodT,
    Integer observationRevision,
    Trajectory trajectory,
    Observed observed,
    Verdicts verdicts,
    Gap gap,
    Projection projection,
    String explanation,
    String details,
    String fingerprint) {

  public Evaluation {
    trajectory = trajectory == null ? Trajectory.NONE : trajectory;
    observed = observed == null ? Observed.NONE : observed;
    verdicts = verdicts == null ? Verdicts.NONE : verdicts;
    gap = gap == null ? Gap.NONE : gap;
    projection = projection == null ? Projection.NONE : projection;
  }

  /** The status against the trajectory (null only in {@link Trajectory#NONE}). */
  public TargetStatus status() {
    return trajectory.status();
  }

  /**
   * The value against its trajectory.
   *
   * @param statusByTolerance the status from the tolerances alone, before the 95% CI rule
   * @param notSignificant off by tolerance, but the expected value lies inside the value's 95% CI
   * @param baselineValue b as used (looked up when the file leaves it out)
   * @param targetValue g as used
   */
  public record Trajectory(TargetStatus status, TargetStatus statusByTolerance, Boolean notSignificant,
      Double expected, Double deviation, Double amberTolerance, Double redTolerance, Double baselineValue,
      Double targetValue) {
    /**
     * No trajectory at all: only for the holder of a series' latest observation that no target watches (the
     * metrics' scope {@code all}); every stored evaluation has a status.
     */
    public static final Trajectory NONE = new Trajectory(null, null, null, null, null, null, null, null, null);

    /** Only a status (NOT_ENOUGH_DATA before a trajectory exists). */
    public static Trajectory of(TargetStatus status) {
      return new Trajectory(status, null, null, null, null, null, null, null, null);
    }
  }

  /** The latest value and its 95% confidence limits. */
  public record Observed(Double value, Double lowerCi95, Double upperCi95) {
    public static final Observed NONE = new Observed(null, null, null);
  }

  /**
   * Inequality between the most and the least deprived group of the same series.
   *
   * @param absolute most − least deprived
   * @param relative most ÷ least deprived
   * @param sii slope index of inequality across every deprivation group (phe_sii)
   * @param widening the gap widened significantly since the previous period; null when not judged
   */
  public record Gap(Double absolute, Double relative, Double sii, Boolean widening) {
    public static final Gap NONE = new Gap(null, null, null, null);
  }

  /** The series projected to the target period, its 95% prediction interval and the chance of meeting the target. */
  public record Projection(Double value, Double lower, Double upper, Double probabilityOfMeeting) {
    public static final Projection NONE = new Projection(null, null, null, null);
  }

  /** The same evaluation with this fingerprint. */
  Evaluation withFingerprint(String fp) {
    return new Evaluation(targetId, seriesId, period, periodT, observationRevision, trajectory, observed, verdicts,
        gap, projection, explanation, details, fp);
  }
}
