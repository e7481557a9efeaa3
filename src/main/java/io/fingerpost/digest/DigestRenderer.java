package io.fingerpost.digest;

import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;

/**
 * Renders the report a digest sends: what changed for the targets of {@code area} (optionally only the
 * strategy {@code groups} and {@code teams} given) after {@code since} up to {@code until} (the run's scheduled
 * fire time: a run rendered late, or caught up after an outage, still covers exactly its own window). The
 * service's renderer is the report's ({@code io.fingerpost.ReportDigestRenderer}, wired by App): one layout.
 */
public interface DigestRenderer {

  Future<DigestContent> render(String area, Instant since, Instant until, List<String> groups, List<String> teams);

  /** Loads what the first rendering needs (the PDF library's fonts and classes take seconds); optional. */
  default Future<?> warmUp() {
    return Future.succeededFuture();
  }

  /**
   * A rendered digest.
   *
   * @param summary plain text, a few lines: the counts (or the one line saying nothing changed) and the link
   * @param html the report as one self-contained XHTML document (the email body)
   * @param pdf the same report as PDF (the email attachment)
   * @param link the report page for the same area, since and filters
   */
  record DigestContent(String subject, String summary, String html, byte[] pdf, int improved, int deteriorated,
      String link) {}
}
