package io.fingerpost.api;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The request side of {@code openapi.yaml}, enforced on every operation it describes, whichever part
 * serves it: mounted on the router before any part's routes, it adds for each operation a route that
 * checks the bearer token when the operation has {@code security} ({@link BearerAuth}), then its path and
 * query parameters ({@link ParameterValidator}). A request that passes goes on to the part's handler; one
 * that does not is answered with a problem naming the parameter; a failure of any handler is answered as
 * a problem ({@link ProblemFailureHandler}). Adding an operation to the file is enough
 * for its route to be checked.
 */
public final class RequestGate {

  private final ApiSpec spec;
  private final BearerAuth auth;
  private final Predicate<Throwable> cutByStop;

  /**
   * @param token the API token (the push token), read per request; null or blank closes the token routes
   */
  public RequestGate(ApiSpec spec, Supplier<String> token) {
    this(spec, token, failure -> false);
  }

  /** @param cutByStop whether a failure is a statement the service's stop cut (answered 503, logged at info) */
  public RequestGate(ApiSpec spec, Supplier<String> token, Predicate<Throwable> cutByStop) {
    this.spec = spec;
    this.auth = new BearerAuth(token);
    this.cutByStop = cutByStop;
  }

  public ApiSpec spec() {
    return spec;
  }

  /**
   * Checks the raw URI before the router sees it: vertx-web answers a malformed percent-escape (e.g.
   * {@code %ZZ}) with a bare 400 of its own, before any route. Returns true when it answered the request
   * with a problem naming the parameter (a path parameter, or {@code path} when no operation matches).
   */
  public boolean refusedBeforeRouting(HttpServerRequest request) {
    String raw = request.path();
    String query = request.query();
    try {
      if (raw != null && raw.indexOf('%') >= 0) {
        String[] segments = raw.split("/", -1);
        for (int i = 0; i < segments.length; i++) {
          ParameterValidator.decode(segments[i], false, parameterAt(segments, i));
        }
      }
      if (query != null && query.indexOf('%') >= 0) {
        for (String pair : query.split("&")) {
          int eq = pair.indexOf('=');
          String rawName = eq < 0 ? pair : pair.substring(0, eq);
          String name = ParameterValidator.decode(rawName, true, ParameterValidator.printable(rawName));
          ParameterValidator.decode(eq < 0 ? "" : pair.substring(eq + 1), true, name);
        }
      }
      return false;
    } catch (Problem p) {
      Problem.write(request.response(), p, null);
      return true;
    }
  }

  /**
   * Routes with a path that no operation of the file describes: they would skip the gate. The API refuses
   * to start with any (add the operation to {@code openapi.yaml}).
   */
  public List<String> undescribed(Router router) {
    Set<String> described = new HashSet<>();
    spec.operations().forEach(op -> described.add(op.method().name() + " " + op.routePath()));
    List<String> out = new ArrayList<>();
    for (Route r : router.getRoutes()) {
      if (r.getPath() == null) {
        continue; // failure handlers and the like
      }
      Set<HttpMethod> methods = r.methods() == null || r.methods().isEmpty() ? Set.of() : r.methods();
      if (methods.isEmpty()) {
        out.add("* " + r.getPath());
      }
      for (HttpMethod m : methods) {
        if (!described.contains(m.name() + " " + r.getPath())) {
          out.add(m.name() + " " + r.getPath());
        }
      }
    }
    return out;
  }

  /** The name of the path parameter at a segment of a path some operation matches, else "path". */
  private String parameterAt(String[] segments, int index) {
    for (ApiSpec.Operation op : spec.operations()) {
      String[] template = op.path().split("/", -1);
      if (template.length != segments.length || !template[index].startsWith("{")) {
        continue;
      }
      boolean literalsMatch = true;
      for (int i = 0; i < template.length; i++) {
        literalsMatch &= template[i].startsWith("{") || template[i].equals(segments[i]);
      }
      if (literalsMatch) {
        // "{name}" or "{name}.suffix"
        return template[index].substring(1, template[index].indexOf('}'));
      }
    }
    return "path";
  }

  /**
   * Adds the checks of every operation and the failure handler that answers every failure as a problem;
   * call before mounting the handlers.
   */
  public void mount(Router router) {
    router.route().failureHandler(new ProblemFailureHandler(cutByStop));
    for (ApiSpec.Operation op : spec.operations()) {
      ParameterValidator parameters = new ParameterValidator(op);
      Handler<RoutingContext> validate = ctx -> {
        try {
          parameters.check(ctx.request().path(), ctx.request().query());
        } catch (Problem p) {
          Problem.send(ctx, p);
          return;
        }
        ctx.next();
      };
      List<Handler<RoutingContext>> chain = op.bearer() ? List.of(auth, validate) : List.of(validate);
      var route = router.route(op.method(), op.routePath());
      chain.forEach(route::handler);
    }
  }
}
