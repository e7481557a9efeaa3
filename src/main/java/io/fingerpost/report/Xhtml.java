package io.fingerpost.report;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Pieces every page shares: escaping (the pages are well-formed XHTML, as the PDF renderer parses them as
 * XML), the document frame with its inline style sheet (screen, phone and print), numbers and status badges.
 */
final class Xhtml {
  private Xhtml() {}

  private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("d MMM yyyy HH:mm 'UTC'", Locale.UK)
      .withZone(ZoneOffset.UTC);

  /** Inline CSS: system fonts only; the table scrolls sideways on a phone; print: A4 landscape, no links. */
  static final String CSS = """
      @page { size: A4 landscape; margin: 12mm; }
      body { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; font-size: 14px; color: #111;
             margin: 0 auto; max-width: 1200px; padding: 8px 16px; line-height: 1.35; }
      h1 { font-size: 22px; margin: 8px 0; } h2 { font-size: 18px; margin: 18px 0 6px;
             border-bottom: 1px solid #999; } h3 { font-size: 15px; margin: 10px 0 4px; }
      nav a { margin-right: 12px; } .muted { color: #555; } p.lead { font-weight: bold; }
      table { border-collapse: collapse; margin: 4px 0; }
      th, td { border: 1px solid #bbb; padding: 3px 6px; text-align: left; vertical-align: top; font-size: 12px; }
      th { background: #eee; } td.num { text-align: right; white-space: nowrap; }
      .scroll { overflow-x: auto; max-width: 100%; }
      .nowrap { white-space: nowrap; }
      .s { display: inline-block; width: 10px; height: 10px; margin-right: 4px; vertical-align: middle; }
      .s-on { background: #009E73; border-radius: 5px; }
      .s-risk { width: 0; height: 0; border-left: 6px solid transparent; border-right: 6px solid transparent;
                border-bottom: 11px solid #E69F00; }
      .s-off { background: #D55E00; }
      .s-none { border: 2px solid #999; border-radius: 5px; width: 6px; height: 6px; }
      .change { margin: 8px 0 14px; page-break-inside: avoid; }
      .chart svg, svg.chart { max-width: 100%; height: auto; }
      .stale { color: #D55E00; font-weight: bold; }
      ul.reasons { margin: 2px 0; }
      @media (max-width: 700px) { body { padding: 4px 6px; font-size: 15px; } th, td { font-size: 13px; } }
      @media print { nav { display: none; } a { color: #111; text-decoration: none; } body { max-width: none; } }
      """;

  static String esc(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> {
          // characters XML 1.0 does not allow are dropped, so the document stays well-formed
          if (c >= 0x20 || c == '\t' || c == '\n' || c == '\r') {
            b.append(c);
          }
        }
      }
    }
    return b.toString();
  }

  static String url(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  static String open(String title) {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n"
        + "<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\"><head><meta charset=\"UTF-8\"/>"
        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>"
        // no favicon request: the page fetches nothing
        + "<link rel=\"icon\" href=\"data:,\"/>"
        + "<title>" + esc(title) + "</title><style>" + CSS + "</style></head><body>";
  }

  static String close() {
    return "</body></html>\n";
  }

  /**
   * The page with every link made absolute against {@code base} (e.g. {@code alerts.externalUrl}), for a copy read
   * away from the service (an emailed digest). Every link the pages write starts {@code href="/"}; text is
   * escaped, so that sequence appears nowhere else. Absolute links (Grafana) and {@code data:} stay as they are.
   */
  static String absolute(String xhtml, String base) {
    if (base == null || base.isBlank()) {
      return xhtml;
    }
    String b = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    return xhtml.replace(" href=\"/", " href=\"" + esc(b) + "/");
  }

  static String badge(String status) {
    return "<span class=\"nowrap\"><span class=\"s " + Statuses.shape(status) + "\"></span>"
        + esc(Statuses.label(status)) + "</span>";
  }

  static String num(Double v) {
    if (v == null || v.isNaN()) {
      return "–";
    }
    double a = Math.abs(v);
    return String.format(Locale.UK, a >= 1000 ? "%.0f" : a >= 100 ? "%.1f" : "%.2f", v);
  }

  static String pct(Double p) {
    return p == null ? "–" : String.format(Locale.UK, "%.0f%%", p * 100);
  }

  static String when(Instant t) {
    return t == null ? "never" : WHEN.format(t);
  }
}
