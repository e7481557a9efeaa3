package io.fingerpost.feed;

/** A record that could not be loaded: its line, why, and (a prefix of) its content. */
public record RejectedRow(long line, String reason, String content) implements FeedRow {}
