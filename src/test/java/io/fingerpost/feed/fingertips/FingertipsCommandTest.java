package io.fingerpost.feed.fingertips;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fingerpost.cli.FingertipsCommand;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code fingertips search|indicator} against the local API: what a user needs to write a feed. */
class FingertipsCommandTest {

  @Test
  void searchAndIndicatorPrintIdNameProfileAreaTypesPolarityAndLatestPeriod() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (FingertipsApiServer api = new FingertipsApiServer(vertx)) {
      for (String[] args : new String[][] {
          {"search", "campylobacter", "--base-url", api.baseUrl()},
          {"indicator", "93356", "--base-url", api.baseUrl()}}) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = FingertipsCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
        assertTrue(text.startsWith("93356  Campylobacter incidence rate/100,000"), text);
        assertTrue(text.contains("profile:     Public Health Outcomes Framework"), text);
        assertTrue(text.contains("102 Counties and Unitary Authorities"), text);
        assertTrue(text.contains("polarity:    RAG - Low is good (LOW_IS_GOOD)"), text);
        assertTrue(text.contains("latest:      2017"), text);
      }
      assertTrue(api.seen.stream().allMatch(s -> s.userAgent().startsWith("Fingerpost/")));
      assertEquals(2, FingertipsCommand.run(new String[] {"indicator", "x"}, System.out,
          new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)));
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }
}
