package io.fingerpost.feed.fingertips;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole service with a {@code fingertips-api} feed against the local API ({@link FingertipsApiServer}): the
 * metadata's polarity drives the verdicts (a fixture's polarity flipped flips the comparison with England; BOB
 * compares as higher/lower), a config value overrides the metadata and the API shows which one is in use, and a
 * failing indicator is visible in {@code GET /api/feeds/{name}} with its URL and status code.
 */
class FingertipsApiServiceTest {

  @RegisterExtension
  static final ApiServiceBed bed = new ApiServiceBed();

  /** Runs the service on its own database; returns [target, indicator, feed] as the API answers them. */
  JsonObject[] run(String polarity, String indicatorsYaml, String failing) throws Exception {
    FingertipsApiServer api = new FingertipsApiServer(bed.vertx);
    api.polarity.put("93356", polarity);
    if (failing != null) {
      api.fail500.add(failing);
    }
    ApiServiceBed.Service service = bed.service("""
          - name: phof
            type: fingertips-api
            baseUrl: %s
            indicators: %s
            areaTypes: [102]
            parentAreaType: 6
            interval: 1h
        """.formatted(api.baseUrl(), indicatorsYaml));
    try {
      int port = service.port();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
      JsonObject target = bed.evaluatedTarget(port);
      JsonObject indicator = bed.get(port, "/api/indicators/93356");
      // the poll ends after the failing indicator's retries: its status is read once the poll is over
      JsonObject feed;
      while (true) {
        feed = bed.get(port, "/api/feeds/phof");
        if (!"PENDING".equals(feed.getString("state"))) {
          break;
        }
        assertTrue(System.nanoTime() < deadline, "the poll did not end within 40 s: " + feed.encode());
        Thread.sleep(100);
      }
      return new JsonObject[] {target, indicator, feed};
    } finally {
      service.app().stop().await(30, TimeUnit.SECONDS);
      api.close();
    }
  }

  static Object find(Object json, String key) {
    return ApiServiceBed.find(json, key);
  }

  @Test
  void theMetadataPolarityDrivesTheVerdictsAndAConfigValueOverridesIt() throws Exception {
    JsonObject[] low = run("RAG - Low is good", "[93356, 90012]", "90012");
    assertEquals("WORSE", find(low[0], "comparedToEnglandCode"), "173 against 96.6 per 100,000, low is good");
    assertEquals("LOW_IS_GOOD", low[1].getString("polarity"));
    assertEquals("metadata", low[1].getString("polaritySource"));
    assertEquals("RAG - Low is good", low[1].getJsonObject("metadata").getString("polarity"));
    assertEquals("per 100,000", low[1].getJsonObject("metadata").getString("unit"));
    assertEquals("Crude rate", low[1].getJsonObject("metadata").getString("valueType"));
    // The failing indicator: the others loaded, its URL and status in the feed's status.
    assertEquals("OK", low[2].getString("state"));
    assertTrue(low[2].getString("warning").contains("90012"), low[2].encode());
    JsonObject failed = null;
    for (Object o : low[2].getJsonArray("indicators")) {
      JsonObject i = (JsonObject) o;
      if (i.getString("indicatorId").equals("90012")) {
        failed = i.getJsonObject("lastError");
      } else {
        assertNotNull(i.getString("lastFetched"), i.encode());
        assertEquals("2024-03-05T09:30:12.347Z", i.getString("lastChangedUpstream"));
      }
    }
    assertNotNull(failed, low[2].encode());
    assertEquals(500, failed.getInteger("status"));
    assertTrue(failed.getString("url").contains("indicator_ids=90012"), failed.encode());

    JsonObject[] high = run("RAG - High is good", "[93356]", null);
    assertEquals("BETTER", find(high[0], "comparedToEnglandCode"), "the flipped fixture flips the verdict");
    assertEquals("HIGH_IS_GOOD", high[1].getString("polarity"));

    JsonObject[] bob = run("BOB - Blue orange blue", "[93356]", null);
    assertEquals("HIGHER", find(bob[0], "comparedToEnglandCode"), "BOB: higher/lower, never better/worse");
    assertEquals("NO_JUDGEMENT", bob[1].getString("polarity"));

    JsonObject[] overridden = run("RAG - Low is good", "[{id: \"93356\", polarity: HIGH_IS_GOOD}]", null);
    assertEquals("BETTER", find(overridden[0], "comparedToEnglandCode"), "the config's polarity is used");
    assertEquals("HIGH_IS_GOOD", overridden[1].getString("polarity"));
    assertEquals("config", overridden[1].getString("polaritySource"));
    assertEquals("RAG - Low is good", overridden[1].getJsonObject("metadata").getString("polarity"));
    assertEquals("HIGH_IS_GOOD", overridden[1].getJsonObject("metadata").getJsonObject("overrides")
        .getString("polarity"));
  }
}
