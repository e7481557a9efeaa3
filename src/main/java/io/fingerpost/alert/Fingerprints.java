package io.fingerpost.alert;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Stable alert fingerprints: 16 hex digits (the length Alertmanager shows) of the SHA-256 of the rule
 * and the thing it watches. They do not depend on labels or numbers, so a target keeps its alert when
 * its team or description changes.
 */
public final class Fingerprints {
  private Fingerprints() {}

  public static String forTarget(Rule rule, String targetId) {
    return hash("rule=" + rule.label() + "\ntarget=" + targetId);
  }

  public static String forFeed(Rule rule, String feed) {
    return hash("rule=" + rule.label() + "\nfeed=" + feed);
  }

  private static String hash(String s) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
