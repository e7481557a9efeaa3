package io.fingerpost.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fingerpost.ReportDigestRenderer;
import io.fingerpost.Waits;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue 11, the report pages, on the bundled default service (real PostgreSQL, real HTTP): every target
 * of the place with its status; a pushed deterioration listed under "Deteriorated" with its explanation and
 * a recovery under "Improved"; {@code /report.json} numbers equal {@code /api/targets/{id}}; the PDF is valid
 * and its text ({@code pdftotext}) lists the same targets and statuses; bad parameters are 4xx problems.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReportPagesTest {
  static final String AREA = "E08000027";
  static final String TARGET = "le-birth-male";
  static BundledService service;

  @BeforeAll
  static void start() throws Exception {
    service = new BundledService();
  }

  @AfterAll
  static void stop() throws Exception {
    service.close();
  }

  @Test
  @Order(1)
  void everyTargetOfThePlaceIsListedWithItsStatusAndTheJsonEqualsTheApi() throws Exception {
    String html = service.ok("/report?area=" + AREA).bodyAsString();
    wellFormed(html);
    JsonArray targets = service.targets();
    int inArea = 0;
    for (Object o : targets) {
      JsonObject t = (JsonObject) o;
      if (!AREA.equals(t.getString("areaCode"))) {
        continue;
      }
      inArea++;
      Matcher row = Pattern.compile("<tr id=\"t-" + Pattern.quote(t.getString("id")) + "\" data-status=\"([A-Z_]+)\">")
          .matcher(html);
      assertTrue(row.find(), "row of " + t.getString("id"));
      assertEquals(t.getString("status"), row.group(1), t.getString("id"));
      assertTrue(html.contains(Statuses.label(t.getString("status"))), t.getString("status"));
    }
    assertTrue(inArea >= 50, "the bundled Dudley targets: " + inArea);

    JsonObject report = service.ok("/report.json?area=" + AREA).bodyAsJsonObject();
    JsonArray listed = report.getJsonArray("targets");
    assertEquals(inArea, listed.size());
    int rated = 0;
    for (Object o : listed) {
      JsonObject r = (JsonObject) o;
      JsonObject api = service.target(r.getString("id"));
      for (String key : r.fieldNames()) {
        if (List.of("statusAtSince", "indicatorName", "unit").contains(key)) {
          continue;
        }
        assertEquals(api.getValue(key), r.getValue(key), r.getString("id") + "." + key);
      }
      rated += r.getValue("evaluationId") != null ? 1 : 0;
    }
    assertTrue(rated >= 10, "evaluated targets: " + rated);
    assertFalse(report.getJsonArray("spine").isEmpty(), "the spine chart has rows");
    assertFalse(report.getJsonArray("feeds").isEmpty(), "feeds are listed");
  }

  @Test
  @Order(2)
  void aPushedDeteriorationIsListedAndARecoveryMovesItToImproved() throws Exception {
    JsonObject before = service.target(TARGET);
    assertEquals("ON_TRACK", before.getString("status"), before.encode());
    long first = before.getLong("evaluationId");

    // far below its trajectory in the next period: off track
    push(74.0);
    JsonObject worse = waitForStatus("OFF_TRACK");
    String html = service.ok("/report?since=" + first).bodyAsString();
    String deteriorated = section(html, "deteriorated", "improved");
    assertTrue(deteriorated.contains("id=\"deteriorated-" + TARGET + "\""), deteriorated);
    assertTrue(deteriorated.contains(Xhtml.esc(worse.getString("explanation"))), "its explanation");
    assertTrue(section(html, "deteriorated-" + TARGET, "</div></div>").contains("<svg"), "its chart");
    assertFalse(section(html, "improved", "targets").contains("improved-" + TARGET));
    JsonObject json = service.ok("/report.json?since=" + first).bodyAsJsonObject();
    assertTrue(json.getInteger("deterioratedCount") >= 1);
    // other targets may have changed since `first` too (the bundle's other files): find this one by id
    JsonObject listed = json.getJsonArray("deteriorated").stream().map(JsonObject.class::cast)
        .filter(d -> TARGET.equals(d.getString("id"))).findFirst().orElseThrow(() -> new AssertionError(json.encode()));
    assertEquals("ON_TRACK", listed.getString("statusAtSince"));

    // the same period revised back on its trajectory: recovered
    long second = worse.getLong("evaluationId");
    push(80.0);
    waitForStatus("ON_TRACK");
    html = service.ok("/report?since=" + second).bodyAsString();
    assertTrue(section(html, "improved", "targets").contains("id=\"improved-" + TARGET + "\""), html);
    assertFalse(section(html, "deteriorated", "improved").contains("deteriorated-" + TARGET));
    JsonObject improved = service.ok("/report.json?since=" + second).bodyAsJsonObject();
    assertEquals(1, improved.getInteger("improvedCount"));
    assertEquals(0, improved.getInteger("deterioratedCount"));

    // `until` (a digest's fire time): "now" is the newest evaluation at or before it, so the window that holds
    // the deterioration reports it, the next window the recovery, and the present (until = null) neither
    untilIsHonoured(Instant.parse(before.getString("evaluatedAt")), Instant.parse(worse.getString("evaluatedAt")),
        Instant.parse(service.target(TARGET).getString("evaluatedAt")), before.getString("period"));

    // the target's page: its history shows both changes
    String page = service.ok("/report/targets/" + TARGET).bodyAsString();
    wellFormed(page);
    assertTrue(page.contains("went off track") && page.contains("recovered to on track"), "history");
    assertTrue(page.contains("<svg"), "its chart");
  }

  @Test
  @Order(3)
  void thePdfListsTheSameTargetsAndStatusesAsTheHtml() throws Exception {
    HttpResponse<Buffer> r = service.ok("/report.pdf?area=" + AREA + "&sort=id");
    assertEquals("application/pdf", r.getHeader("Content-Type"));
    byte[] pdf = r.body().getBytes();
    try (PDDocument doc = Loader.loadPDF(pdf)) {
      assertTrue(doc.getNumberOfPages() >= 2, "pages: " + doc.getNumberOfPages());
    }
    Path file = Files.createDirectories(Path.of("target")).resolve("report-test.pdf");
    Files.write(file, pdf);
    String text = pdftotext(file);
    // the HTML's table, in the same order (sort=id): each id, then its status before the next id
    List<String[]> rows = new ArrayList<>();
    Matcher m = Pattern.compile("<tr id=\"t-([^\"]+)\" data-status=\"([A-Z_]+)\">")
        .matcher(service.ok("/report?area=" + AREA + "&sort=id").bodyAsString());
    while (m.find()) {
      rows.add(new String[] {m.group(1), m.group(2)});
    }
    assertTrue(rows.size() >= 50);
    int at = 0;
    for (int i = 0; i < rows.size(); i++) {
      int start = find(text, rows.get(i)[0], at);
      assertTrue(start >= 0, "the PDF lists " + rows.get(i)[0]);
      String next = i + 1 < rows.size() ? rows.get(i + 1)[0] : null;
      int end = next != null ? find(text, next, start + 1) : text.length();
      assertTrue(end > start, "the PDF lists " + next + " after " + rows.get(i)[0]);
      String label = Statuses.label(rows.get(i)[1]);
      assertTrue(text.substring(start, end).contains(label), rows.get(i)[0] + " is " + label + " in the PDF");
      at = start + 1;
    }

    HttpResponse<Buffer> one = service.ok("/report/targets/" + TARGET + ".pdf");
    assertTrue(new String(one.body().getBytes(0, 5)).startsWith("%PDF-"));
  }

  @Test
  @Order(4)
  void badParametersAreProblems() {
    problem("/report?area=E99999999", 404, null);
    problem("/report?since=yesterday", 400, "since");
    problem("/report?since=99999999999", 400, "since");
    problem("/report?group=No%20such%20group", 400, "group");
    problem("/report?team=nobody", 400, "team");
    problem("/report?sort=colour", 400, "sort");
    problem("/report?colour=red", 400, "colour");
    problem("/report.json?area=E99999999", 404, null);
    problem("/report.pdf?group=No%20such%20group", 400, "group");
    problem("/report/targets/no-such-target", 404, null);
    problem("/report/targets/no-such-target.pdf", 404, null);
    // a known group and team are fine
    service.ok("/report?group=ICS%20long%20term&team=public-health&sort=probability");
  }

  @Test
  @Order(5)
  void everyPlaceOfAPlacesFileHasItsReportAndItsTargetPages() throws Exception {
    // the bundled boroughs' file names its seven places in `places:`: each is a place of the landing page
    String landing = service.ok("/").bodyAsString();
    for (String area : List.of("E08000025", "E08000026", "E08000027", "E08000028", "E08000029", "E08000030",
        "E08000031")) {
      assertTrue(landing.contains("/report?area=" + area), "the landing page lists " + area);
    }
    String solihull = service.ok("/report?area=E08000029").bodyAsString();
    wellFormed(solihull);
    assertTrue(solihull.contains("id=\"t-wm-hle-birth-male@E08000029\""), "Solihull's own targets");
    assertFalse(solihull.contains("id=\"t-le-birth-male\""), "not Dudley's");
    wellFormed(service.ok("/report/targets/wm-hle-birth-male@E08000029").bodyAsString());
  }

  private static void problem(String url, int status, String parameter) {
    HttpResponse<Buffer> r = service.get(url);
    assertEquals(status, r.statusCode(), url + ": " + r.bodyAsString());
    assertEquals("application/problem+json", r.getHeader("Content-Type"), url);
    JsonObject body = r.bodyAsJsonObject();
    assertEquals(status, body.getInteger("status"));
    assertNotNull(body.getString("detail"));
    if (parameter != null) {
      assertEquals(parameter, body.getString("parameter"), url + ": " + body.encode());
    }
  }

  /** An id as a whole word (not "le-birth-male" inside "hle-birth-male"). */
  private static int find(String text, String id, int from) {
    Matcher m = Pattern.compile("(?<![\\w-])" + Pattern.quote(id) + "(?![\\w-])").matcher(text);
    return m.find(from) ? m.start() : -1;
  }

  static String pdftotext(Path pdf) throws Exception {
    Process p = new ProcessBuilder("pdftotext", "-layout", pdf.toString(), "-").redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "pdftotext finished");
    assertEquals(0, p.exitValue(), new String(out));
    // NFKC: the embedded font's ligatures ("ﬀ" in "Off") read as their letters
    return java.text.Normalizer.normalize(new String(out, java.nio.charset.StandardCharsets.UTF_8),
        java.text.Normalizer.Form.NFKC);
  }

  private static void untilIsHonoured(Instant firstAt, Instant worseAt, Instant recoveredAt, String firstPeriod)
      throws Exception {
    var ctx = service.app.context();
    ReportService reports = new ReportService(ctx.vertx(), ctx.pool(), ctx.targets(), ctx.config(),
        java.time.Clock.systemUTC());
    Report then = BundledService.await(reports.build(new ReportQuery(AREA, firstAt, null, null, null, worseAt)));
    assertEquals("OFF_TRACK", row(then).status(), "the state at until, not the present");
    assertTrue(then.deteriorated().stream().anyMatch(c -> c.target().id().equals(TARGET)), "deteriorated by until");
    assertTrue(then.headline().all().now().get("OFF_TRACK") >= 1, "the headline counts the state at until");
    Report present = BundledService.await(reports.build(new ReportQuery(AREA, firstAt, null, null, null)));
    assertEquals("ON_TRACK", row(present).status());
    assertTrue(present.deteriorated().stream().noneMatch(c -> c.target().id().equals(TARGET)), "recovered by now");

    // the spine chart at until: the period evaluated then, against the other areas' values of that period (not
    // of the period evaluated now: the pushed "2024 - 26" exists for Dudley only)
    Report earlier = BundledService.await(reports.build(new ReportQuery(AREA, firstAt.minusSeconds(86_400), null,
        null, null, firstAt)));
    Report.SpineRow spineThen = earlier.spine().stream().filter(s -> s.target().id().equals(TARGET)).findFirst()
        .orElseThrow(() -> new AssertionError("no spine row at until"));
    assertEquals(firstPeriod, spineThen.period());
    assertTrue(spineThen.areas() > 1 && spineThen.england() != null, "peers of " + firstPeriod + ": " + spineThen);
    assertTrue(spineThen.min() <= spineThen.value() && spineThen.value() <= spineThen.max(), spineThen.toString());
    present.spine().stream().filter(s -> s.target().id().equals(TARGET)).findFirst().ifPresent(now -> {
      assertEquals("2024 - 26", now.period());
      assertTrue(now.areas() < spineThen.areas(), "today's period has fewer areas: " + now);
    });

    // the digest sends that report: the page as body, its PDF, its counts and its lead line
    ReportDigestRenderer digests = new ReportDigestRenderer(reports, "http://127.0.0.1:1/");
    var worse = BundledService.await(digests.render(AREA, firstAt, worseAt, List.of(), List.of()));
    assertEquals(then.deterioratedCount(), worse.deteriorated());
    assertEquals(then.improvedCount(), worse.improved());
    assertTrue(worse.html().contains("id=\"deteriorated-" + TARGET + "\""), worse.html());
    assertTrue(worse.html().contains("<h1>Fingerpost report: ") && worse.html().contains("Dudley (E08000027)"));
    wellFormed(worse.html());
    assertEquals("%PDF-", new String(worse.pdf(), 0, 5, java.nio.charset.StandardCharsets.US_ASCII));
    assertTrue(worse.summary().startsWith("Dudley (E08000027) since ") && worse.summary().lines().findFirst()
        .orElseThrow().contains(worse.deteriorated() + " target"), worse.summary());
    assertEquals("http://127.0.0.1:1/report?area=E08000027&since=" + firstAt, worse.link());
    assertTrue(worse.subject().startsWith("[Fingerpost] Dudley (E08000027): " + worse.deteriorated()
        + " deteriorated, "), worse.subject());
    var better = BundledService.await(digests.render(AREA, worseAt, recoveredAt, List.of(), List.of()));
    assertTrue(better.improved() >= 1 && better.html().contains("id=\"improved-" + TARGET + "\""), better.html());
    assertFalse(better.html().contains("id=\"deteriorated-" + TARGET + "\""));
    var quiet = BundledService.await(digests.render(AREA, recoveredAt, recoveredAt, List.of(), List.of()));
    assertEquals(0, quiet.improved() + quiet.deteriorated());
    String line = quiet.summary().lines().findFirst().orElseThrow();
    assertTrue(line.startsWith("Nothing changed since ") && line.endsWith(" improved or deteriorated."), line);
    assertTrue(quiet.html().contains(line), "the page says it in one line");
    assertEquals("[Fingerpost] Dudley (E08000027): nothing changed", quiet.subject());
  }

  private static Report.TargetRow row(Report r) {
    return r.targets().stream().filter(t -> t.id().equals(TARGET)).findFirst().orElseThrow();
  }

  private static void push(double value) {
    JsonArray rows = new JsonArray().add(new JsonObject().put("indicatorId", "90366").put("areaCode", AREA)
        .put("sex", "Male").put("age", "<1 yr").put("period", "2024 - 26").put("value", value));
    HttpResponse<Buffer> r = service.push(rows);
    assertEquals(200, r.statusCode(), r.bodyAsString());
  }

  private static JsonObject waitForStatus(String status) throws Exception {
    JsonObject[] last = new JsonObject[1];
    Waits.waitUntil(TARGET + " " + status, Duration.ofSeconds(60), () -> {
      last[0] = service.target(TARGET);
      return status.equals(last[0].getString("status")) && "2024 - 26".equals(last[0].getString("period"));
    });
    return last[0];
  }

  private static String section(String html, String from, String to) {
    int a = html.indexOf("id=\"" + from + "\"");
    assertTrue(a >= 0, "section " + from);
    int b = html.indexOf(to.startsWith("<") ? to : "id=\"" + to + "\"", a + 1);
    return html.substring(a, b < 0 ? html.length() : b);
  }

  static void wellFormed(String xhtml) throws Exception {
    var f = DocumentBuilderFactory.newInstance();
    f.setNamespaceAware(true);
    f.newDocumentBuilder().parse(new ByteArrayInputStream(xhtml.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }
}
