package io.fingerpost.engine;

/** A point (t, value) of a trajectory: baseline, milestone or target, t in years (period midpoint). */
public record TrajectoryPoint(double t, double value) {}
