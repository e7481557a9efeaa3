package io.fingerpost.api;

import io.fingerpost.digest.DigestHistory;
import io.vertx.ext.web.Router;
import java.util.Map;

/**
 * {@code GET /api/reports/digests[?name=]}: the scheduled digests sent (issue 11), newest first, at most 1000,
 * each with its receivers' delivery state. Open like the alert list; the parameter is checked by the gate.
 */
public final class DigestRoutes implements Routes {
  private final DigestHistory history;

  public DigestRoutes(DigestHistory history) {
    this.history = history;
  }

  @Override
  public void mount(Router router) {
    router.get("/api/reports/digests").handler(ApiJson.handler(ctx -> history
        .list(ctx.queryParams().get("name"), 1000).map(runs -> Map.of("digests", runs))));
  }
}
