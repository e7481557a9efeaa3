package io.fingerpost.digest;

import com.cronutils.model.time.ExecutionTime;
import io.fingerpost.alert.Notification;
import io.fingerpost.config.DigestConfig;
import io.fingerpost.config.ReceiverConfig;
import io.fingerpost.event.Events;
import io.fingerpost.event.OutboxWakeUp;
import io.fingerpost.store.DatabaseOutage;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fires the configured digests ({@code reports:}) on their cron schedules (UTC). A run is identified by
 * (name, scheduled fire time): it renders the report since the previous run of that name (the first: since
 * the schedule's previous fire time, at most 30 days back) and inserts the run with one outbox row per
 * receiver in one transaction, only if no such run exists ({@link DigestStore}); the alert notifier then
 * delivers it like any notification. At start-up the latest fire time missed while the service was down is
 * sent once (older missed fires are covered by its {@code since}). Runs of one digest go one at a time.
 */
public final class DigestVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(DigestVerticle.class);
  /** How far back the first digest of a name looks at most (the report page's default window). */
  static final Duration FIRST_WINDOW = Duration.ofDays(30);
  private static final Duration RETRY = Duration.ofSeconds(5);
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
      .withZone(ZoneOffset.UTC);

  private final List<DigestConfig> digests;
  private final Map<String, ReceiverConfig> receivers;
  private final DigestRenderer renderer;
  private final DigestStore store;
  private final Clock clock;
  private final List<Schedule> schedules = new ArrayList<>();
  private boolean stopped;

  public DigestVerticle(List<DigestConfig> digests, Map<String, ReceiverConfig> receivers,
      io.vertx.sqlclient.Pool pool, DigestRenderer renderer, Clock clock) {
    this.digests = digests;
    this.receivers = receivers;
    this.renderer = renderer;
    this.store = new DigestStore(pool);
    this.clock = clock;
  }

  /** One digest's schedule; its runs are chained on {@code tail} (this verticle's event loop: no locks). */
  private final class Schedule {
    final DigestConfig config;
    final ExecutionTime times;
    Future<Void> tail = Future.succeededFuture();
    long timer = -1;

    Schedule(DigestConfig config) {
      this.config = config;
      this.times = ExecutionTime.forCron(config.cron());
    }
  }

  @Override
  public Future<?> start() {
    List<Future<?>> registered = new ArrayList<>();
    for (DigestConfig d : digests) {
      Schedule s = new Schedule(d);
      schedules.add(s);
      registered.add(store.register(d.name(), d.schedule().trim(), clock.instant()).onSuccess(first -> {
        catchUp(s, first);
        arm(s, clock.instant());
      }));
    }
    if (!digests.isEmpty()) {
      LOG.info("{} digest(s) scheduled: {}", digests.size(), digests.stream()
          .map(d -> d.name() + " '" + d.schedule().trim() + "'").toList());
      // the first PDF of a JVM loads fonts and classes for seconds: do it now, so the first digest is on time
      renderer.warmUp().onFailure(e -> LOG.warn("Digest PDF warm-up failed: {}", e.toString()));
    }
    return Future.all(registered);
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    schedules.forEach(s -> {
      if (s.timer >= 0) {
        vertx.cancelTimer(s.timer);
      }
    });
    return Future.succeededFuture();
  }

  /** The latest fire time at or before now, if it is after the digest was first scheduled and has no run. */
  private void catchUp(Schedule s, Instant firstScheduled) {
    Instant now = clock.instant();
    // fire times are whole seconds; lastExecution is strictly before its argument, so this finds one <= now
    Optional<ZonedDateTime> last = s.times.lastExecution(zoned(now.truncatedTo(ChronoUnit.SECONDS).plusSeconds(1)));
    if (last.isEmpty() || last.get().toInstant().isBefore(firstScheduled)) {
      return;
    }
    Instant missed = last.get().toInstant();
    enqueue(s, missed, true);
  }

  /** Sets the timer for the first fire time after {@code after}. */
  private void arm(Schedule s, Instant after) {
    if (stopped) {
      return;
    }
    // cron-utils keeps the fraction of a second of its argument: from whole seconds, every instance (and every
    // restart) computes the same fire times, which is what makes (name, fire time) identify a run
    Optional<ZonedDateTime> next = s.times.nextExecution(zoned(after.truncatedTo(ChronoUnit.SECONDS)));
    if (next.isEmpty()) {
      LOG.warn("Digest '{}': schedule '{}' never fires again", s.config.name(), s.config.schedule());
      return;
    }
    Instant fire = next.get().toInstant();
    long delay = Math.max(1, Duration.between(clock.instant(), fire).toMillis());
    s.timer = vertx.setTimer(delay, id -> {
      s.timer = -1;
      enqueue(s, fire, false);
      Instant now = clock.instant();
      arm(s, now.isAfter(fire) ? now : fire); // strictly after this fire, even if the clock reads a little early
    });
  }

  private void enqueue(Schedule s, Instant fireTime, boolean catchUp) {
    s.tail = s.tail.transform(ignored -> run(s, fireTime, catchUp).transform(ar -> {
      if (ar.failed()) {
        retry(s, fireTime, catchUp, ar.cause());
      }
      return Future.<Void>succeededFuture();
    }));
  }

  /**
   * A failed run (the database away, a rendering error) is tried again every few seconds until the next fire
   * time has passed; after that the next run's {@code since} covers its window.
   */
  private void retry(Schedule s, Instant fireTime, boolean catchUp, Throwable cause) {
    Optional<ZonedDateTime> next = s.times.nextExecution(zoned(fireTime));
    boolean again = !stopped && (next.isEmpty() || clock.instant().plus(RETRY).isBefore(next.get().toInstant()));
    if (DatabaseOutage.isConnectionFailure(cause)) {
      LOG.debug("Digest '{}' for {} waits for the database: {}", s.config.name(), fireTime, cause.toString());
    } else {
      LOG.warn("Digest '{}' for {} failed{}: {}", s.config.name(), fireTime, again ? " (trying again)" : "",
          cause.toString());
    }
    if (again) {
      vertx.setTimer(RETRY.toMillis(), id -> enqueue(s, fireTime, catchUp));
    }
  }

  /** Renders and queues the run of {@code fireTime}, unless it exists. */
  private Future<Void> run(Schedule s, Instant fireTime, boolean catchUp) {
    DigestConfig d = s.config;
    return store.exists(d.name(), fireTime).compose(exists -> {
      if (exists) {
        return Future.succeededFuture();
      }
      return store.previousRun(d.name(), fireTime)
          .compose(prev -> {
            Instant since = prev != null ? prev : firstSince(s, fireTime);
            return renderer.render(d.area(), since, fireTime, d.groups(), d.teams()).compose(c -> {
              DigestStore.Run run = new DigestStore.Run(d.name(), fireTime, d.area(), d.groups(), d.teams(), since,
                  c.improved(), c.deteriorated(), c.subject(), c.link(), catchUp);
              return store.insert(run, notifications(d, fireTime, since, c)).map(id -> {
                if (id == null) {
                  LOG.debug("Digest '{}' for {}: already queued (another instance)", d.name(), fireTime);
                } else {
                  LOG.info("Digest '{}' for {}{} queued for {}: {} deteriorated, {} improved since {}", d.name(),
                      fireTime, catchUp ? " (missed while down)" : "", d.receivers(), c.deteriorated(), c.improved(),
                      since);
                  Events.send(vertx, new OutboxWakeUp(d.receivers().size()));
                }
                return (Void) null;
              });
            });
          });
    });
  }

  /** The first run of a name: since the schedule's previous fire time, at most {@link #FIRST_WINDOW} back. */
  private Instant firstSince(Schedule s, Instant fireTime) {
    Instant floor = fireTime.minus(FIRST_WINDOW);
    return s.times.lastExecution(zoned(fireTime)).map(ZonedDateTime::toInstant)
        .filter(t -> t.isBefore(fireTime) && t.isAfter(floor)).orElse(floor);
  }

  private static ZonedDateTime zoned(Instant i) {
    return i.atZone(ZoneOffset.UTC);
  }

  private List<Notification> notifications(DigestConfig d, Instant fireTime, Instant since,
      DigestRenderer.DigestContent c) {
    List<Notification> out = new ArrayList<>();
    for (String r : d.receivers()) {
      boolean email = receivers.get(r) != null && "email".equals(receivers.get(r).type());
      // only email carries the HTML and the PDF; the others get the summary and the link
      Notification.Attachment pdf = email && c.pdf() != null ? new Notification.Attachment(
          "fingerpost-" + d.name().replaceAll("[^A-Za-z0-9._-]", "_") + "-" + STAMP.format(fireTime) + ".pdf",
          "application/pdf", c.pdf()) : null;
      out.add(Notification.digest(r, new Notification.Digest(d.name(), c.subject(), c.summary(),
          email ? c.html() : null, c.link(), d.area(), since, fireTime, c.improved(), c.deteriorated(), pdf)));
    }
    return out;
  }
}
