package io.fingerpost.api;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.function.Supplier;

/**
 * The one check of {@code Authorization: Bearer <token>} for every route that changes data (push,
 * acknowledgements, silences): put it before the route's handlers. The token is read on each request
 * (configuration may supply it late); with none configured the route is closed (403). A missing or wrong
 * token is a 401 problem with {@code WWW-Authenticate}. Tokens are compared in constant time.
 */
public final class BearerAuth implements Handler<RoutingContext> {
  private static final String SCHEME = "Bearer ";

  private final Supplier<String> token;

  public BearerAuth(Supplier<String> token) {
    this.token = token;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String expected = token.get();
    if (expected == null || expected.isBlank()) {
      Problem.send(ctx, 403, "no API token is configured (push.token): this endpoint is closed");
      return;
    }
    String header = ctx.request().getHeader("Authorization");
    if (header == null || !header.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"fingerpost\"");
      Problem.send(ctx, 401, "missing bearer token: send 'Authorization: Bearer <token>'");
      return;
    }
    byte[] given = header.substring(SCHEME.length()).trim().getBytes(StandardCharsets.UTF_8);
    // MessageDigest.isEqual takes the same time whatever the position of the first difference.
    if (!MessageDigest.isEqual(given, expected.getBytes(StandardCharsets.UTF_8))) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"fingerpost\", error=\"invalid_token\"");
      Problem.send(ctx, 401, "wrong bearer token");
      return;
    }
    ctx.next();
  }
}
