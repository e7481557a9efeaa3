package io.fingerpost;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;

/**
 * Drops the two warnings every start logged, both known and harmless, so that a WARN in a start's log means
 * something is wrong (logback.xml puts it on the console appender). Only these two messages are dropped:
 * <ul>
 *   <li>Micrometer's "This Gauge has been already registered" for {@code vertx.eventbus.handlers}: vertx-micrometer
 *       registers that gauge once per event-bus handler under one id (no address label) and keeps the count itself,
 *       so the value is right. A double registration of any other meter still warns.
 *   <li>Flyway's "outOfOrder mode is active": the service migrates out of order on purpose
 *       ({@code store.Database.migrate}), so the warning says nothing about a given start.
 * </ul>
 */
public final class KnownStartWarnings extends Filter<ILoggingEvent> {
  static final String METER_REGISTRY = "io.micrometer.core.instrument.MeterRegistry";
  static final String FLYWAY_MIGRATE = "org.flywaydb.core.internal.command.DbMigrate";
  static final String HANDLERS_GAUGE = "This Gauge has been already registered (MeterId{name='vertx.eventbus.handlers',";
  static final String OUT_OF_ORDER = "outOfOrder mode is active.";

  @Override
  public FilterReply decide(ILoggingEvent event) {
    if (event.getLevel() != Level.WARN) {
      return FilterReply.NEUTRAL;
    }
    String logger = event.getLoggerName();
    if (METER_REGISTRY.equals(logger) && event.getFormattedMessage().startsWith(HANDLERS_GAUGE)
        || FLYWAY_MIGRATE.equals(logger) && event.getFormattedMessage().startsWith(OUT_OF_ORDER)) {
      return FilterReply.DENY;
    }
    return FilterReply.NEUTRAL;
  }
}
