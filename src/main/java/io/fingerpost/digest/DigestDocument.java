package io.fingerpost.digest;

import com.openhtmltopdf.pdfboxout.PdfRendererBuilder;
import io.fingerpost.digest.StatusChanges.TargetChange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * The digest as a document: one self-contained XHTML page (inline CSS, no script, no outside font or image)
 * and the same page as PDF through openhtmltopdf (PDFBox), so the attachment is not a second layout. Pure and
 * blocking: call it off the event loop.
 */
final class DigestDocument {
  private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("d MMM yyyy HH:mm 'UTC'", Locale.UK)
      .withZone(ZoneOffset.UTC);

  private DigestDocument() {}

  /** "Nothing changed since …": the one line a digest without a change says (it is still sent). */
  static String nothingChanged(String place, Instant since) {
    return "Nothing changed since " + WHEN.format(since) + ": no target of " + place + " improved or deteriorated.";
  }

  static String counts(String place, Instant since, int improved, int deteriorated) {
    if (improved == 0 && deteriorated == 0) {
      return nothingChanged(place, since);
    }
    return place + " since " + WHEN.format(since) + ": " + deteriorated + " target" + (deteriorated == 1 ? "" : "s")
        + " deteriorated, " + improved + " improved.";
  }

  static String html(String title, String place, Instant since, StatusChanges.Result result, String link) {
    List<TargetChange> worse = result.deteriorated();
    List<TargetChange> better = result.improved();
    StringBuilder sb = new StringBuilder(4096);
    sb.append("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\"><head>")
        .append("<meta charset=\"utf-8\"/><meta name=\"viewport\" content=\"width=device-width\"/><title>")
        .append(esc(title)).append("</title><style>")
        .append("body{font-family:Helvetica,Arial,sans-serif;font-size:11pt;color:#1b1b1b;margin:1em}")
        .append("h1{font-size:16pt}h2{font-size:13pt;margin-top:1.2em}")
        .append("table{border-collapse:collapse;width:100%}th,td{border:1px solid #999;padding:3px 5px;")
        .append("text-align:left;vertical-align:top}th{background:#eee}")
        .append(".worse{color:#9a3412}.better{color:#1d4ed8}p.lead{font-weight:bold}")
        .append("</style></head><body>");
    sb.append("<h1>").append(esc(title)).append("</h1>");
    sb.append("<p class=\"lead\">").append(esc(counts(place, since, better.size(), worse.size()))).append("</p>");
    if (!worse.isEmpty()) {
      table(sb, "Deteriorated since " + WHEN.format(since), "worse", worse);
    }
    if (!better.isEmpty()) {
      table(sb, "Improved since " + WHEN.format(since), "better", better);
    }
    long unchanged = result.targets().size() - worse.size() - better.size();
    sb.append("<p>").append(result.targets().size()).append(" target(s) in the report; ").append(unchanged)
        .append(" without a change of status (or not rated then and now).</p>");
    sb.append("<p>The full report: <a href=\"").append(esc(link)).append("\">").append(esc(link)).append("</a></p>");
    return sb.append("</body></html>\n").toString();
  }

  private static void table(StringBuilder sb, String heading, String css, List<TargetChange> rows) {
    sb.append("<h2 class=\"").append(css).append("\">").append(esc(heading)).append("</h2>")
        .append("<table><thead><tr><th>Target</th><th>Group / team</th><th>Status</th><th>Latest</th>")
        .append("<th>Why</th></tr></thead><tbody>");
    for (TargetChange t : rows) {
      sb.append("<tr><td>").append(esc(t.name())).append(" <small>(").append(esc(t.targetId())).append(")</small></td><td>")
          .append(esc(t.group() == null ? "" : t.group())).append(t.team() == null ? "" : " / " + esc(t.team()))
          .append("</td><td class=\"").append(css).append("\">").append(t.then().name()).append(" to ")
          .append(t.now().name()).append("</td><td>").append(esc(t.period() == null ? "" : t.period()))
          .append(t.value() == null ? "" : ": " + t.value()).append("</td><td>")
          .append(esc(t.explanation() == null ? "" : t.explanation())).append("</td></tr>");
    }
    sb.append("</tbody></table>");
  }

  /** The page as PDF (openhtmltopdf with PDFBox, its built-in fonts). */
  static byte[] pdf(String xhtml) {
    try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
      PdfRendererBuilder b = new PdfRendererBuilder();
      b.useFastMode();
      b.withHtmlContent(xhtml, null);
      b.toStream(out);
      b.run();
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Text and attribute escaping for XHTML; characters XML 1.0 cannot carry are dropped. */
  static String esc(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 16);
    s.codePoints().forEach(c -> {
      switch (c) {
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '&' -> sb.append("&amp;");
        case '"' -> sb.append("&quot;");
        case '\'' -> sb.append("&#39;");
        default -> {
          if (c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD)
              || c >= 0x10000) {
            sb.appendCodePoint(c);
          }
        }
      }
    });
    return sb.toString();
  }
}
