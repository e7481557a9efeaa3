package io.fingerpost.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

/**
 * Issue 11, "done when": headless Chromium (Debian's {@code chromium} and {@code chromium-driver}, driven by
 * Selenium) opens {@code /}, {@code /report} and every {@code /report/targets/{id}} of the bundled default:
 * every target of the place appears with its status, each target with data has a chart (an {@code <svg>}),
 * no request left 127.0.0.1 and none failed (Chrome's performance log: the DevTools Network events), and
 * the console has no error. Screenshots go to {@code target/}. Without Chromium the test fails; set
 * {@code -Dfingerpost.skipBrowser=true} to skip it on a machine without it (CI installs it: {@code .ci/run}).
 */
class ReportBrowserTest {
  static final String CHROMIUM = "/usr/bin/chromium";
  static final String DRIVER = "/usr/bin/chromedriver";

  @Test
  void thePagesShowEveryTargetWithNoOutsideRequestAndNoError() throws Exception {
    Assumptions.assumeFalse(Boolean.getBoolean("fingerpost.skipBrowser"), "fingerpost.skipBrowser is set");
    if (!new File(CHROMIUM).canExecute() || !new File(DRIVER).canExecute()) {
      fail("Chromium and its driver are needed (apt-get install chromium chromium-driver), or set"
          + " -Dfingerpost.skipBrowser=true");
    }
    try (BundledService service = new BundledService()) {
      ChromeOptions options = new ChromeOptions();
      options.setBinary(CHROMIUM);
      options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
          "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
          "--disable-default-apps", "--disable-extensions");
      options.setCapability("goog:loggingPrefs", Map.of(LogType.PERFORMANCE, "ALL", LogType.BROWSER, "ALL"));
      ChromeDriverService driverService = new ChromeDriverService.Builder().usingDriverExecutable(new File(DRIVER))
          .usingAnyFreePort().build();
      ChromeDriver browser = new ChromeDriver(driverService, options);
      try {
        browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(90));
        browser.manage().window().setSize(new Dimension(1280, 2200));
        List<String> visited = new ArrayList<>();

        open(browser, service.base() + "/", visited);
        List<WebElement> reports = browser.findElements(By.cssSelector("a.report"));
        assertFalse(reports.isEmpty(), "the landing page lists places");
        reports.get(0).click();
        assertTrue(browser.getCurrentUrl().startsWith(service.base() + "/report?area="), browser.getCurrentUrl());
        visited.add(browser.getCurrentUrl());
        screenshot(browser, "report-screenshot.png");

        // the report is the clicked place's: every target of that area (the bundle holds several places)
        String area = browser.getCurrentUrl().replaceAll(".*[?&]area=([^&]+).*", "$1");
        JsonArray targets = service.targets();
        List<String> withData = new ArrayList<>();
        int inArea = 0;
        for (Object o : targets) {
          JsonObject t = (JsonObject) o;
          if (!area.equals(t.getString("areaCode"))) {
            continue;
          }
          inArea++;
          WebElement row = browser.findElement(By.id("t-" + t.getString("id")));
          assertEquals(t.getString("status"), row.getDomAttribute("data-status"), t.getString("id"));
          String status = row.findElement(By.cssSelector("td.status")).getText();
          assertEquals(Statuses.label(t.getString("status")), status.trim(), t.getString("id"));
          if (t.getValue("evaluationId") != null) {
            withData.add(t.getString("id"));
          }
        }
        assertTrue(inArea >= 20, "targets of " + area + ": " + inArea);
        assertTrue(withData.size() >= 10, "targets with data: " + withData);
        assertTrue(browser.findElements(By.cssSelector("#spine ~ div svg")).size() >= 1, "the spine chart");

        for (String id : withData) {
          open(browser, service.base() + "/report/targets/" + id, visited);
          assertFalse(browser.findElements(By.cssSelector("div.chart svg")).isEmpty(), "a chart for " + id);
          assertTrue(browser.findElement(By.tagName("h1")).getText().length() > 3);
          if (id.equals("le-birth-male")) {
            screenshot(browser, "report-target-screenshot.png");
          }
        }
        checkLogs(browser, service.base());
        System.out.println("ReportBrowserTest: visited " + visited.size() + " pages");
      } finally {
        browser.quit();
      }
    }
  }

  private static void open(ChromeDriver browser, String url, List<String> visited) {
    browser.get(url);
    visited.add(url);
  }

  private static void screenshot(ChromeDriver browser, String name) throws Exception {
    File shot = browser.getScreenshotAs(OutputType.FILE);
    Files.copy(shot.toPath(), Files.createDirectories(Path.of("target")).resolve(name),
        StandardCopyOption.REPLACE_EXISTING);
  }

  /** Every request went to the service (or was a data: URL) and succeeded; the console logged no error. */
  private static void checkLogs(ChromeDriver browser, String base) {
    int requests = 0;
    for (LogEntry e : browser.manage().logs().get(LogType.PERFORMANCE)) {
      JsonObject message = new JsonObject(e.getMessage()).getJsonObject("message");
      String method = message.getString("method");
      JsonObject params = message.getJsonObject("params", new JsonObject());
      switch (method) {
        case "Network.requestWillBeSent" -> {
          String url = params.getJsonObject("request").getString("url");
          assertTrue(url.startsWith(base + "/") || url.startsWith("data:"), "a request left the service: " + url);
          requests++;
        }
        case "Network.responseReceived" -> {
          JsonObject response = params.getJsonObject("response");
          assertTrue(response.getInteger("status") < 400, "failed: " + response.getString("url") + " "
              + response.getInteger("status"));
        }
        case "Network.loadingFailed" -> fail("a request failed: " + params.encode());
        default -> { }
      }
    }
    assertTrue(requests >= 3, "the performance log saw the requests: " + requests);
    List<String> errors = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
        .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue()).map(LogEntry::getMessage).toList();
    assertTrue(errors.isEmpty(), "console errors: " + errors);
  }
}
