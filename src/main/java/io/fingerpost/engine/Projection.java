package io.fingerpost.engine;

/**
 * The series projected to the target period: ŷ(t₁) from a straight-line fit of value on t, with its 95%
 * prediction interval and the probability of meeting the target.
 *
 * @param t t₁, the time projected to
 * @param value ŷ(t₁)
 * @param lower lower 95% prediction limit
 * @param upper upper 95% prediction limit
 * @param standardError standard error of prediction (√(σ̂²·mean(1/wᵢ) + Var ŷ(t₁)))
 * @param degreesOfFreedom n − 2
 * @param probabilityOfMeeting P(Y ≥ g) for increase, P(Y ≤ g) for decrease, P(lower ≤ Y ≤ upper) for a
 *     band, with Y = ŷ(t₁) + SE·T(n−2); g is the baseline for a direction-only target
 * @param n number of observations fitted
 * @param weighted true for weighted least squares (1/SE² weights from the 95% CIs), false for ordinary
 * @param slope fitted change per year
 */
public record Projection(
    double t,
    double value,
    double lower,
    double upper,
    double standardError,
    int degreesOfFreedom,
    double probabilityOfMeeting,
    int n,
    boolean weighted,
    double slope) {}
