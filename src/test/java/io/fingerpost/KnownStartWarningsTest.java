package io.fingerpost;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.spi.FilterReply;
import org.junit.jupiter.api.Test;

/** The start's two known warnings are dropped, and nothing else: other messages, other loggers, other levels. */
class KnownStartWarningsTest {
  private final LoggerContext context = new LoggerContext();
  private final KnownStartWarnings filter = new KnownStartWarnings();

  private FilterReply decide(String logger, Level level, String message, Object... args) {
    return filter.decide(new LoggingEvent(getClass().getName(), context.getLogger(logger), level, message, null, args));
  }

  @Test
  void dropsOnlyTheTwoKnownWarnings() {
    String gauge = "This Gauge has been already registered ({}), the registration will be ignored. Note that subsequent"
        + " logs will be logged at debug level.";
    assertEquals(FilterReply.DENY, decide(KnownStartWarnings.METER_REGISTRY, Level.WARN, gauge,
        "MeterId{name='vertx.eventbus.handlers', tags=[]}"));
    assertEquals(FilterReply.NEUTRAL, decide(KnownStartWarnings.METER_REGISTRY, Level.WARN, gauge,
        "MeterId{name='fingerpost_feed_polls', tags=[]}"), "another meter's double registration still warns");
    assertEquals(FilterReply.NEUTRAL, decide("io.fingerpost.Other", Level.WARN, gauge,
        "MeterId{name='vertx.eventbus.handlers', tags=[]}"));

    String flyway = "outOfOrder mode is active. Migration of schema {} may not be reproducible.";
    assertEquals(FilterReply.DENY, decide(KnownStartWarnings.FLYWAY_MIGRATE, Level.WARN, flyway, "\"public\""));
    assertEquals(FilterReply.NEUTRAL, decide(KnownStartWarnings.FLYWAY_MIGRATE, Level.WARN,
        "Schema {} has a version ({}) that is newer than the latest available migration", "\"public\"", "99"));
    assertEquals(FilterReply.NEUTRAL, decide(KnownStartWarnings.FLYWAY_MIGRATE, Level.ERROR, flyway, "\"public\""));
  }
}
