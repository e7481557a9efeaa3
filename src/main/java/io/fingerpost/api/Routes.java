package io.fingerpost.api;

import io.vertx.ext.web.Router;

/**
 * Routes another part adds to the HTTP server (targets, alerts, metrics…): {@code App} passes them to
 * {@link ApiVerticle}, which mounts them after its own. Fail a request with {@link Problem} to answer
 * {@code application/problem+json}.
 */
@FunctionalInterface
public interface Routes {
  void mount(Router router);
}
