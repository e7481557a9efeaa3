package io.fingerpost.api;

import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
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

  /**
   * @param token the API token (the push token), read per request; null or blank closes the token routes
   */
  public RequestGate(ApiSpec spec, Supplier<String> token) {
    this.spec = spec;
    this.auth = new BearerAuth(token);
  }

  public ApiSpec spec() {
    return spec;
  }

  /**
   * Adds the checks of every operation and the failure handler that answers every failure as a problem;
   * call before mounting the handlers.
   */
  public void mount(Router router) {
    router.route().failureHandler(new ProblemFailureHandler());
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
