package io.fingerpost.store;

/** A source row a feed could not load: where it was (source and line), why, and what it said. */
public record Rejection(String source, long line, String reason, String content) {}
