package io.fingerpost.digest;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/**
 * The digest's own renderer: reads which targets improved or deteriorated ({@link StatusChanges}) and writes a
 * short HTML report with its PDF ({@link DigestDocument}, on a worker: PDF layout is CPU work). The link points
 * at the report page ({@code /report?area=…&since=…[&group=…][&team=…]}) under {@code alerts.externalUrl}.
 */
public final class DefaultDigestRenderer implements DigestRenderer {
  private final Vertx vertx;
  private final Pool pool;
  private final StatusChanges changes;
  private final String externalUrl;

  public DefaultDigestRenderer(Vertx vertx, Pool pool, String externalUrl) {
    this.vertx = vertx;
    this.pool = pool;
    this.changes = new StatusChanges(pool);
    this.externalUrl = externalUrl.endsWith("/") ? externalUrl.substring(0, externalUrl.length() - 1) : externalUrl;
  }

  @Override
  public Future<DigestContent> render(String area, Instant since, Instant until, List<String> groups,
      List<String> teams) {
    String link = link(externalUrl, area, since, groups, teams);
    return pool.preparedQuery("SELECT name FROM area WHERE code = $1").execute(Tuple.of(area))
        .map(rows -> rows.size() == 0 || rows.iterator().next().getString(0) == null ? area
            : rows.iterator().next().getString(0) + " (" + area + ")")
        .compose(place -> changes.between(area, since, until, groups, teams).compose(result -> vertx.executeBlocking(() -> {
          int improved = result.improved().size();
          int deteriorated = result.deteriorated().size();
          String title = "Fingerpost report: " + place + filters(groups, teams);
          String html = DigestDocument.html(title, place, since, result, link);
          String summary = DigestDocument.counts(place, since, improved, deteriorated) + "\n" + link;
          String subject = "[Fingerpost] " + place + filters(groups, teams) + ": " + (improved + deteriorated == 0
              ? "nothing changed" : deteriorated + " deteriorated, " + improved + " improved");
          return new DigestContent(subject, summary, html, DigestDocument.pdf(html), improved, deteriorated, link);
        }, false)));
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
  static String link(String base, String area, Instant since, List<String> groups, List<String> teams) {
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
