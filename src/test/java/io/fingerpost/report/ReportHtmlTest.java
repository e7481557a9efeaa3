package io.fingerpost.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The page frame without a database: well-formed XHTML, escaping, Grafana links, quartiles, PDF of it. */
class ReportHtmlTest {

  private static Report empty(String grafana) {
    Report.Counts none = new Report.Counts("All targets", Map.of(), Map.of());
    return new Report(new ReportQuery("E1", Instant.parse("2026-01-01T00:00:00Z"), List.of("A & B"), List.of(), null),
        "E1", "Place <one> & \"two\"", Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-02-01T00:00:00Z"),
        grafana, List.of(new Report.Place("E1", "Place <one>", 0)), new Report.Headline(none, List.of(), List.of(), 0),
        List.of(), List.of(), List.of(), List.of(), List.of(),
        List.of(new Report.FeedRow("f", "FAILING", null, "down", true, "PT48H")));
  }

  @Test
  void pagesAreWellFormedWithTheGrafanaLinkOnlyWhenConfigured() throws Exception {
    String with = ReportHtml.render(empty("https://grafana.example"));
    ReportPagesTest.wellFormed(with);
    assertTrue(with.contains("href=\"https://grafana.example/d/fingerpost-strategy-overview?var-area=E1\""), with);
    assertTrue(with.contains("Place &lt;one&gt; &amp; &quot;two&quot;"), "escaped");
    assertTrue(with.contains("group=A%20%26%20B"), "the group in the sort links");
    assertTrue(with.contains("STALE"), "a feed without a success is stale");
    String without = ReportHtml.render(empty(null));
    assertTrue(!without.contains("Grafana"), without);
    String landing = TargetHtml.landing(List.of(new Report.Place("E1", "One", 3)), "https://grafana.example");
    ReportPagesTest.wellFormed(landing);
    assertTrue(landing.contains("href=\"/report?area=E1\""), landing);
    assertTrue(landing.contains("https://grafana.example/d/fingerpost-strategy-overview"), landing);
    byte[] pdf = Pdf.render(with);
    assertEquals("%PDF-", new String(pdf, 0, 5));
  }

  @Test
  void aDeliveredReportHasOnlyAbsoluteLinks() throws Exception {
    Report r = empty("https://grafana.example");
    String relative = ReportHtml.render(r);
    assertTrue(relative.contains(" href=\"/report?area=E1"), "served pages link relative to the service");
    String sent = Xhtml.absolute(relative, "https://fp.example:8443/base/");
    ReportPagesTest.wellFormed(sent);
    java.util.regex.Matcher links = java.util.regex.Pattern.compile(" href=\"([^\"]*)\"").matcher(sent);
    int n = 0;
    while (links.find()) {
      String href = links.group(1);
      n++;
      assertTrue(href.startsWith("https://fp.example:8443/base/") || href.startsWith("https://grafana.example/")
          || href.equals("data:,"), "absolute: " + href);
    }
    assertTrue(n >= 10, "links checked: " + n);
    assertTrue(sent.contains(" href=\"https://fp.example:8443/base/report.pdf?area=E1&amp;since="), sent);
    assertTrue(sent.contains(" href=\"https://fp.example:8443/base/\">All places"), sent);
    assertEquals(relative, Xhtml.absolute(relative, null), "no base: unchanged");
  }

  @Test
  void quartilesInterpolateBetweenOrderStatistics() {
    // R: quantile(c(1, 2, 4, 8), c(.25, .75)) = 1.75, 5 (type 7)
    assertEquals(1.75, ReportBuilder.quantile(List.of(1.0, 2.0, 4.0, 8.0), 0.25), 1e-12);
    assertEquals(5.0, ReportBuilder.quantile(List.of(1.0, 2.0, 4.0, 8.0), 0.75), 1e-12);
    assertEquals(3.0, ReportBuilder.quantile(List.of(3.0), 0.25), 1e-12);
  }
}
