package io.fingerpost;

import io.fingerpost.digest.DigestRenderer;
import io.fingerpost.digest.DigestTexts;
import io.fingerpost.report.ReportQuery;
import io.fingerpost.report.ReportService;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;

/**
 * A digest is the report (issue 11): its body is the report page of the area since the previous digest up to
 * the run's fire time ({@link ReportQuery#until()}), its attachment that page as PDF, its counts the report's
 * improved and deteriorated targets. Every link in the body and the PDF is absolute against
 * {@code alerts.externalUrl} (its default, {@code http://127.0.0.1:8080}, when not configured: then the links
 * work only on the service's own machine). Lives here because the digest part may not use the report part (the
 * package table): App hands it to the digest verticle as a {@link DigestRenderer}.
 */
public final class ReportDigestRenderer implements DigestRenderer {
  /** The smallest document the PDF renderer accepts, to load its classes and fonts before the first digest. */
  private static final String WARM_UP = "<html xmlns=\"http://www.w3.org/1999/xhtml\"><head><title>-</title></head>"
      + "<body><p>-</p></body></html>";

  private final ReportService reports;
  private final String externalUrl;

  public ReportDigestRenderer(ReportService reports, String externalUrl) {
    this.reports = reports;
    this.externalUrl = externalUrl;
  }

  @Override
  public Future<DigestContent> render(String area, Instant since, Instant until, List<String> groups,
      List<String> teams) {
    String link = DigestTexts.link(externalUrl, area, since, groups, teams);
    return reports.build(new ReportQuery(area, since, groups, teams, null, until)).compose(report ->
        reports.blocking(() -> reports.html(report, externalUrl)).compose(html -> reports.pdf(html).map(pdf -> {
          int improved = report.improvedCount();
          int deteriorated = report.deterioratedCount();
          return new DigestContent(DigestTexts.subject(report.place(), groups, teams, improved, deteriorated),
              report.changesLine() + "\n" + link, html, pdf, improved, deteriorated, link);
        })));
  }

  @Override
  public Future<?> warmUp() {
    return reports.pdf(WARM_UP);
  }
}
