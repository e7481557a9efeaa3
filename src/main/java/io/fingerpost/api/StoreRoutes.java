package io.fingerpost.api;

import static io.fingerpost.api.ApiJson.found;
import static io.fingerpost.api.ApiJson.handler;

import io.fingerpost.store.StoreReader;
import io.fingerpost.store.StoreReader.SeriesSummary;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;

/**
 * The backbone's read endpoints: indicators, areas, series and their observations, feed status and
 * rejections. Parameters are already checked against {@code openapi.yaml} by the {@link RequestGate}.
 */
final class StoreRoutes implements Routes {
  private static final int DEFAULT_LIMIT = 1000;

  private final StoreReader reader;

  StoreRoutes(StoreReader reader) {
    this.reader = reader;
  }

  @Override
  public void mount(Router router) {
    router.get("/api/indicators").handler(handler(ctx -> reader.indicators()));
    router.get("/api/indicators/:id").handler(handler(ctx -> found(reader.indicatorDetail(ctx.pathParam("id")),
        "no indicator " + ctx.pathParam("id"))));
    router.get("/api/areas").handler(handler(ctx -> reader.areas(param(ctx, "type"), param(ctx, "parent"))));
    router.get("/api/areas/:code").handler(handler(ctx -> found(reader.area(ctx.pathParam("code")),
        "no area " + ctx.pathParam("code"))));
    router.get("/api/series").handler(handler(ctx ->
        reader.series(filter(ctx), intParam(ctx, "limit", DEFAULT_LIMIT), intParam(ctx, "offset", 0))));
    router.get("/api/series/:id").handler(handler(ctx -> found(reader.seriesById(seriesId(ctx)),
        "no series " + ctx.pathParam("id"))));
    router.get("/api/series/:id/observations").handler(handler(ctx -> {
      long id = seriesId(ctx);
      return found(reader.seriesById(id), "no series " + id).compose(s -> reader.observations(id));
    }));
    router.get("/api/series/:id/revisions").handler(handler(ctx -> {
      long id = seriesId(ctx);
      return found(reader.seriesById(id), "no series " + id).compose(s -> reader.revisions(id));
    }));
    router.get("/api/observations").handler(handler(this::observations));
    router.get("/api/feeds").handler(handler(ctx -> reader.feeds()));
    router.get("/api/feeds/:name").handler(handler(ctx -> found(reader.feedDetail(ctx.pathParam("name")),
        "no feed " + ctx.pathParam("name"))));
    router.get("/api/feeds/:name/rejections").handler(handler(ctx -> {
      String name = ctx.pathParam("name");
      int limit = intParam(ctx, "limit", DEFAULT_LIMIT);
      int offset = intParam(ctx, "offset", 0);
      return found(reader.feed(name), "no feed " + name).compose(f -> reader.rejections(name, limit, offset));
    }));
  }

  /** One series' observations by its key; the whole population when a category is not asked for. */
  private Future<?> observations(RoutingContext ctx) {
    StoreReader.SeriesFilter f = filter(ctx);
    return reader.series(f, DEFAULT_LIMIT, 0).compose(found -> {
      List<SeriesSummary> matches = found;
      if (matches.size() > 1 && f.category() == null && f.categoryType() == null) {
        List<SeriesSummary> whole = matches.stream().filter(SeriesSummary::wholePopulation).toList();
        if (!whole.isEmpty()) {
          matches = whole;
        }
      }
      if (matches.isEmpty()) {
        return Problem.fail(404, "no series for indicator " + f.indicator() + " in area " + f.area()
            + " with that breakdown (see /api/series?indicator=" + f.indicator() + "&area=" + f.area() + ")");
      }
      if (matches.size() > 1) {
        List<String> choices = new ArrayList<>();
        for (SeriesSummary s : matches.subList(0, Math.min(10, matches.size()))) {
          choices.add("sex=" + s.sex() + " age=" + s.age() + (s.category().isEmpty() ? ""
              : " categoryType=" + s.categoryType() + " category=" + s.category()));
        }
        return Problem.fail(400, matches.size() + " series match; narrow it with sex, age, categoryType or"
            + " category: " + String.join("; ", choices));
      }
      return reader.observations(matches.get(0).id());
    });
  }

  private static StoreReader.SeriesFilter filter(RoutingContext ctx) {
    return new StoreReader.SeriesFilter(param(ctx, "indicator"), param(ctx, "area"), param(ctx, "sex"),
        param(ctx, "age"), param(ctx, "categoryType"), param(ctx, "category"));
  }

  private static String param(RoutingContext ctx, String name) {
    return ctx.queryParams().get(name);
  }

  /** An integer the gate has checked against its schema's bounds. */
  private static int intParam(RoutingContext ctx, String name, int dflt) {
    String v = param(ctx, name);
    return v == null ? dflt : Integer.parseInt(v);
  }

  private static long seriesId(RoutingContext ctx) {
    return Long.parseLong(ctx.pathParam("id"));
  }
}
