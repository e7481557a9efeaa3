package io.fingerpost.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Rectangle;
import java.awt.Shape;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYErrorRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;
import org.jfree.svg.SVGGraphics2D;
import org.jfree.svg.ViewBox;

/**
 * Line and interval charts drawn with JFreeChart onto JFreeSVG's {@code SVGGraphics2D}: an inline
 * {@code <svg>} element. Each series has its own colour (Okabe-Ito), marker shape and dash, and the legend
 * names it, so no series is told by colour alone. Periods are placed at their midpoint in years.
 */
final class Charts {
  private Charts() {}

  private static final AtomicLong IDS = new AtomicLong();
  private static final Font TICK = new Font(Font.SANS_SERIF, Font.PLAIN, 10);
  private static final Font LABEL = new Font(Font.SANS_SERIF, Font.PLAIN, 11);

  /** A series to draw: a name for the legend, its points, and whether to join them by a line. */
  record Line(String name, List<Report.Point> points, Color colour, Shape shape, float[] dash, boolean join) {}

  static final Color VERMILLION = Color.decode(Statuses.VERMILLION);
  static final Color BLUE = Color.decode(Statuses.BLUE);
  static final Color GREEN = Color.decode(Statuses.GREEN);
  static final Color ORANGE = Color.decode(Statuses.ORANGE);
  static final Color PURPLE = Color.decode(Statuses.PURPLE);
  static final Color BLACK = Color.BLACK;

  static Shape circle() {
    return new Ellipse2D.Double(-3.5, -3.5, 7, 7);
  }

  static Shape square() {
    return new Rectangle2D.Double(-3, -3, 6, 6);
  }

  static Shape triangle() {
    Path2D p = new Path2D.Double();
    p.moveTo(0, -4);
    p.lineTo(4, 3);
    p.lineTo(-4, 3);
    p.closePath();
    return p;
  }

  static Shape diamond() {
    Path2D p = new Path2D.Double();
    p.moveTo(0, -4);
    p.lineTo(4, 0);
    p.lineTo(0, 4);
    p.lineTo(-4, 0);
    p.closePath();
    return p;
  }

  /** A small chart of one series with its 95% CIs (for the Deteriorated and Improved lists). */
  static String small(String title, List<Report.Point> points, String unit) {
    return svg(List.of(new Line("value with 95% CI", points, BLACK, circle(), null, true)), unit, 360, 170, false,
        title);
  }

  /** Draws the lines into an SVG element of the given size (pixels), with a legend when asked. */
  static String svg(List<Line> lines, String unit, int width, int height, boolean legend, String title) {
    YIntervalSeriesCollection data = new YIntervalSeriesCollection();
    XYErrorRenderer renderer = new XYErrorRenderer();
    renderer.setDrawXError(false);
    renderer.setCapLength(4);
    int i = 0;
    for (Line l : lines) {
      YIntervalSeries s = new YIntervalSeries(l.name(), false, true);
      for (Report.Point p : l.points()) {
        if (p.value() == null) {
          continue;
        }
        double lo = p.lower() == null ? p.value() : p.lower();
        double hi = p.upper() == null ? p.value() : p.upper();
        s.add(p.t(), p.value(), lo, hi);
      }
      data.addSeries(s);
      renderer.setSeriesPaint(i, l.colour());
      renderer.setSeriesShape(i, l.shape());
      renderer.setSeriesShapesVisible(i, true);
      renderer.setSeriesLinesVisible(i, l.join());
      renderer.setSeriesStroke(i, l.dash() == null ? new BasicStroke(1.5f)
          : new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, l.dash(), 0f));
      i++;
    }
    renderer.setErrorPaint(Color.GRAY);
    NumberAxis x = new NumberAxis("Period (year)");
    x.setAutoRangeIncludesZero(false);
    x.setNumberFormatOverride(new java.text.DecimalFormat("0"));
    x.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    NumberAxis y = new NumberAxis(unit == null || unit.isBlank() ? "Value" : unit);
    y.setAutoRangeIncludesZero(false);
    for (NumberAxis a : new NumberAxis[] {x, y}) {
      a.setTickLabelFont(TICK);
      a.setLabelFont(LABEL);
    }
    XYPlot plot = new XYPlot(data, x, y, renderer);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(new Color(0xDD, 0xDD, 0xDD));
    plot.setRangeGridlinePaint(new Color(0xDD, 0xDD, 0xDD));
    JFreeChart chart = new JFreeChart(null, LABEL, plot, false);
    chart.setBackgroundPaint(Color.WHITE);
    chart.setAntiAlias(true);
    LegendTitle l = new LegendTitle(plot);
    l.setItemFont(TICK);
    l.setPosition(RectangleEdge.BOTTOM);
    chart.addLegend(l);
    l.setVisible(legend || lines.size() == 1);
    SVGGraphics2D g = new SVGGraphics2D(width, height);
    // ids unique on the page: several charts' clip paths must not share one
    g.setDefsKeyPrefix("c" + IDS.incrementAndGet());
    chart.draw(g, new Rectangle(0, 0, width, height));
    // whole-number dimensions (the PDF renderer refuses "880.0"), and a viewBox so CSS can scale it down
    String element = g.getSVGElement(null, false, new ViewBox(0, 0, width, height), null, null)
        .replaceFirst("<svg ", "<svg width=\"" + width + "\" height=\"" + height + "\" ");
    return titled(element, title);
  }

  /** Adds a {@code <title>} for screen readers and hover text. */
  private static String titled(String svg, String title) {
    int end = svg.indexOf('>');
    return svg.substring(0, end + 1) + "<title>" + Xhtml.esc(title) + "</title>" + svg.substring(end + 1);
  }
}
