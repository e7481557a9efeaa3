package io.fingerpost.digest;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/** The short texts of a digest whatever renders its report: the subject line and the link to the report page. */
public final class DigestTexts {
  private DigestTexts() {}

  /** "[Fingerpost] Dudley (E08000027)[, groups …][, teams …]: 1 deteriorated, 0 improved" (or "nothing changed"). */
  public static String subject(String place, List<String> groups, List<String> teams, int improved,
      int deteriorated) {
    return "[Fingerpost] " + place + filters(groups, teams) + ": " + (improved + deteriorated == 0
        ? "nothing changed" : deteriorated + " deteriorated, " + improved + " improved");
  }

  private static String filters(List<String> groups, List<String> teams) {
    StringBuilder sb = new StringBuilder();
    if (!groups.isEmpty()) {
      sb.append(", groups ").append(String.join(", ", groups));
    }
    if (!teams.isEmpty()) {
      sb.append(", teams ").append(String.join(", ", teams));
    }
    return sb.toString();
  }

  /** {@code <externalUrl>/report?area=…&since=…} plus each group and team, percent-encoded. */
  public static String link(String externalUrl, String area, Instant since, List<String> groups, List<String> teams) {
    String base = externalUrl.endsWith("/") ? externalUrl.substring(0, externalUrl.length() - 1) : externalUrl;
    StringBuilder sb = new StringBuilder(base).append("/report?area=").append(enc(area))
        .append("&since=").append(enc(since.toString()));
    groups.forEach(g -> sb.append("&group=").append(enc(g)));
    teams.forEach(t -> sb.append("&team=").append(enc(t)));
    return sb.toString();
  }

  private static String enc(String s) {
    // ':' may stand in a query as it is (RFC 3986), which keeps the instant readable
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20").replace("%3A", ":");
  }
}
