package io.fingerpost.api;

import io.fingerpost.strategy.PlaceQueries;
import io.fingerpost.strategy.Places;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.util.List;

/**
 * Places compared (see {@code openapi.yaml}, README "Places compared"):
 * <ul>
 *   <li>{@code GET /api/places} — every place that has targets, with counts by status and its worst targets;
 *   <li>{@code GET /api/compare?indicator=…} or {@code ?target=…} — every place's latest value, 95% CI,
 *       England's value, comparison with England, recent trend and status, in one table (the "compare areas"
 *       view of Fingertips). A per-place target id ({@code le-birth-male@E08000025}) stands for its written
 *       target, so every place of it is listed.
 * </ul>
 */
public final class PlacesApi {

  /**
   * The answer of {@code GET /api/places}: the places, and the targets whose places (the children of an area)
   * are not stored yet.
   */
  public record PlaceList(List<PlaceQueries.PlaceSummary> places, List<PlaceQueries.PendingPlaces> pending) {}

  /** The answer of {@code GET /api/compare}: what was asked (one of the two is null) and the table. */
  public record CompareTable(String indicator, String target, List<PlaceQueries.CompareRow> rows) {}

  private final PlaceQueries queries;

  public PlacesApi(Pool pool) {
    this.queries = new PlaceQueries(pool);
  }

  public void mount(Router router) {
    router.get("/api/places").handler(ApiJson.handler(ctx ->
        queries.places().compose(places -> queries.pending().map(pending -> new PlaceList(places, pending)))));
    router.get("/api/compare").handler(ApiJson.handler(this::compare));
  }

  private Future<?> compare(RoutingContext ctx) {
    String indicator = blankToNull(ctx.request().getParam("indicator"));
    String target = blankToNull(ctx.request().getParam("target"));
    if ((indicator == null) == (target == null)) {
      throw Problem.parameter(indicator == null ? "indicator" : "target",
          "give one of indicator (an indicator id) or target (a target id)");
    }
    String written = target == null ? null : Places.writtenId(target);
    return queries.compare(indicator, written).compose(rows -> rows.isEmpty()
        ? Problem.fail(404, indicator != null ? "no active target on indicator '" + indicator + "'"
            : "no active target '" + written + "'")
        : Future.succeededFuture(new CompareTable(indicator, written, rows)));
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }
}
