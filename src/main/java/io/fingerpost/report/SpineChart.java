package io.fingerpost.report;

import io.fingerpost.model.Polarity;
import io.fingerpost.strategy.Verdict;
import java.util.List;
import java.util.Locale;

/**
 * The spine chart as Fingertips draws it (no chart library draws one): per indicator a bar centred on
 * England's value, light grey from the lowest to the highest area of the place's type, dark grey from the 25th
 * to the 75th percentile, and the place's value as a marker coloured and shaped by its comparison with
 * England (circle better, diamond similar, square worse, ring not compared). Each row is scaled so the
 * farthest of lowest, highest and the place lies at the edge, and mirrored when low is good, so better is
 * always to the right.
 */
final class SpineChart {
  private SpineChart() {}

  static final int WIDTH = 960;
  private static final int LABEL = 360;
  private static final int ROW = 24;
  private static final int TOP = 26;
  private static final int BAR_LEFT = LABEL + 20;
  private static final int BAR_WIDTH = WIDTH - BAR_LEFT - 20;

  static String svg(List<Report.SpineRow> rows) {
    int height = TOP + rows.size() * ROW + 56;
    StringBuilder b = new StringBuilder();
    b.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"").append(WIDTH)
        .append("\" height=\"").append(height).append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(height)
        .append("\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" font-size=\"11\">")
        .append("<title>Spine chart: the place against England and the range of areas of its type</title>");
    text(b, BAR_LEFT, 14, "start", "Worse ←");
    text(b, BAR_LEFT + BAR_WIDTH / 2, 14, "middle", "England");
    text(b, BAR_LEFT + BAR_WIDTH, 14, "end", "→ Better");
    int y = TOP;
    for (Report.SpineRow r : rows) {
      String name = r.target().name();
      String label = name.length() > 58 ? name.substring(0, 56) + "…" : name;
      b.append("<g><title>").append(Xhtml.esc(name + ": " + Xhtml.num(r.value()) + ", England "
          + Xhtml.num(r.england()) + ", range " + Xhtml.num(r.min()) + " to " + Xhtml.num(r.max()) + " over "
          + r.areas() + " areas")).append("</title>");
      text(b, 4, y + 15, "start", label + " (" + r.period() + ")");
      b.append("<rect x=\"").append(BAR_LEFT).append("\" y=\"").append(y + 4).append("\" width=\"").append(BAR_WIDTH)
          .append("\" height=\"14\" fill=\"#f6f6f6\"/>");
      double centre = r.england() != null ? r.england()
          : r.q25() != null ? (r.q25() + r.q75()) / 2 : r.value();
      double reach = 0;
      for (Double v : new Double[] {r.min(), r.max(), r.value()}) {
        if (v != null) {
          reach = Math.max(reach, Math.abs(v - centre));
        }
      }
      reach = reach == 0 ? 1 : reach * 1.05;
      int sign = r.target().polarity() == Polarity.LOW_IS_GOOD ? -1 : 1;
      if (r.min() != null && r.max() != null) {
        rect(b, x(r.min(), centre, reach, sign), x(r.max(), centre, reach, sign), y + 4, 14, "#cccccc");
        rect(b, x(r.q25(), centre, reach, sign), x(r.q75(), centre, reach, sign), y + 4, 14, "#888888");
      }
      if (r.england() != null) {
        double ex = x(r.england(), centre, reach, sign);
        b.append("<line x1=\"").append(f(ex)).append("\" x2=\"").append(f(ex)).append("\" y1=\"").append(y + 1)
            .append("\" y2=\"").append(y + 21).append("\" stroke=\"#000\" stroke-width=\"2\"/>");
      }
      String code = r.target().state().current() == null ? null
          : Verdict.name(r.target().state().current().evaluation().verdicts().comparedToEngland());
      marker(b, x(r.value(), centre, reach, sign), y + 11, code);
      b.append("</g>");
      y += ROW;
    }
    // legend: shape and colour of each comparison, and what the bars are
    int ly = y + 18;
    int lx = 4;
    for (String[] item : new String[][] {{"BETTER", "Better than England"}, {"SIMILAR", "Similar"},
        {"WORSE", "Worse than England"}, {"NOT_COMPARED", "Not compared"}}) {
      marker(b, lx + 6, ly - 4, item[0]);
      text(b, lx + 16, ly, "start", item[1]);
      lx += 170;
    }
    rect(b, lx, lx + 24, ly - 11, 10, "#cccccc");
    text(b, lx + 28, ly, "start", "lowest–highest area");
    rect(b, lx + 160, lx + 184, ly - 11, 10, "#888888");
    text(b, lx + 188, ly, "start", "25th–75th percentile");
    text(b, 4, ly + 20, "start", "Black line: England. Values at each indicator's latest evaluated period.");
    return b.append("</svg>").toString();
  }

  private static double x(double v, double centre, double reach, int sign) {
    return BAR_LEFT + BAR_WIDTH / 2.0 + sign * (v - centre) / reach * (BAR_WIDTH / 2.0);
  }

  private static void rect(StringBuilder b, double x1, double x2, int y, int h, String fill) {
    double lo = Math.min(x1, x2);
    b.append("<rect x=\"").append(f(lo)).append("\" y=\"").append(y).append("\" width=\"")
        .append(f(Math.max(1, Math.abs(x2 - x1)))).append("\" height=\"").append(h).append("\" fill=\"")
        .append(fill).append("\"/>");
  }

  private static void marker(StringBuilder b, double x, double y, String code) {
    String colour = Statuses.comparisonColour(code);
    String c = code == null ? "NOT_COMPARED" : code;
    switch (c) {
      case "BETTER", "BEST" -> b.append("<circle cx=\"").append(f(x)).append("\" cy=\"").append(f(y))
          .append("\" r=\"6\" fill=\"").append(colour).append("\" stroke=\"#000\"/>");
      case "WORSE", "WORST" -> b.append("<rect x=\"").append(f(x - 6)).append("\" y=\"").append(f(y - 6))
          .append("\" width=\"12\" height=\"12\" fill=\"").append(colour).append("\" stroke=\"#000\"/>");
      case "SIMILAR", "HIGHER", "LOWER" -> b.append("<polygon points=\"").append(f(x)).append(',').append(f(y - 7))
          .append(' ').append(f(x + 7)).append(',').append(f(y)).append(' ').append(f(x)).append(',')
          .append(f(y + 7)).append(' ').append(f(x - 7)).append(',').append(f(y)).append("\" fill=\"")
          .append(colour).append("\" stroke=\"#000\"/>");
      default -> b.append("<circle cx=\"").append(f(x)).append("\" cy=\"").append(f(y))
          .append("\" r=\"5\" fill=\"#fff\" stroke=\"#555\" stroke-width=\"2\"/>");
    }
  }

  private static void text(StringBuilder b, double x, double y, String anchor, String s) {
    b.append("<text x=\"").append(f(x)).append("\" y=\"").append(f(y)).append("\" text-anchor=\"").append(anchor)
        .append("\">").append(Xhtml.esc(s)).append("</text>");
  }

  private static String f(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }
}
