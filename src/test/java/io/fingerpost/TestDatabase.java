package io.fingerpost;

import io.fingerpost.config.DatabaseConfig;
import io.fingerpost.store.Database;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One embedded PostgreSQL per test JVM (started on first use, stopped when the JVM exits), and a
 * fresh, migrated database per caller: {@code TestDatabase.newDatabase()} in a test class's
 * {@code @BeforeAll} gives that class its own rows.
 *
 * <pre>
 *   static TestDatabase.Db db = TestDatabase.newDatabase();
 *   Database.start(vertx, db.options())   // the service's own start-up path, on this database
 *   db.connectOptions()                   // or connect directly (vertx-pg-client)
 *   db.jdbcUrl()                          // or JDBC (user "postgres", no password)
 * </pre>
 */
public final class TestDatabase {

  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static EmbeddedPostgres server;

  private TestDatabase() {}

  /** A migrated database of its own. */
  public record Db(String name, int port) {
    public PgConnectOptions connectOptions() {
      return new PgConnectOptions().setHost("localhost").setPort(port).setDatabase(name).setUser("postgres");
    }

    public String jdbcUrl() {
      return "jdbc:postgresql://localhost:" + port + "/" + name + "?user=postgres";
    }

    /** The postgresql:// URL, as a user would put it in the config. */
    public String url() {
      return "postgresql://postgres@localhost:" + port + "/" + name;
    }

    public DatabaseConfig config() {
      return new DatabaseConfig(url(), "postgres", null, null, 8);
    }

    /** Options for {@link Database#start(Vertx, Database.Options)} that use this database. */
    public Database.Options options() {
      return new Database.Options(config(), false, Map.of());
    }

    /** Starts the service's {@link Database} on this database (migrations are already applied). */
    public Future<Database> start(Vertx vertx) {
      return Database.start(vertx, options());
    }

    /**
     * A transaction holding {@code table} so that no one reads it (a read of the service waits: a slow request
     * without sleeps in the service); closing the connection lets the readers go.
     */
    public Connection lockTable(String table) throws SQLException {
      Connection c = DriverManager.getConnection(jdbcUrl());
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        s.execute("LOCK TABLE " + table + " IN ACCESS EXCLUSIVE MODE");
      }
      return c;
    }

    /** How many statements containing {@code text} wait for a lock in this database now. */
    public int waitingForLock(String text) throws SQLException {
      try (Connection c = DriverManager.getConnection(jdbcUrl());
           PreparedStatement s = c.prepareStatement("SELECT count(*) FROM pg_stat_activity WHERE datname ="
               + " current_database() AND wait_event_type = 'Lock' AND strpos(query, ?) > 0")) {
        s.setString(1, text);
        try (ResultSet r = s.executeQuery()) {
          r.next();
          return r.getInt(1);
        }
      }
    }

    /** Runs one SQL statement over JDBC (set-up and checks in tests). */
    public void execute(String sql) {
      try (Connection c = server().getDatabase("postgres", name).getConnection();
           Statement s = c.createStatement()) {
        s.execute(sql);
      } catch (SQLException e) {
        throw new IllegalStateException(sql, e);
      }
    }
  }

  /** Creates a new database on the shared server, runs the migrations, and returns it. */
  public static Db newDatabase() {
    String caller = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE)
        .walk(s -> s.skip(1).findFirst().map(f -> f.getDeclaringClass().getSimpleName()).orElse("test"));
    String name = ("t" + COUNTER.incrementAndGet() + "_" + caller).toLowerCase(Locale.ROOT)
        .replaceAll("[^a-z0-9_]", "_");
    if (name.length() > 60) {
      name = name.substring(0, 60);
    }
    EmbeddedPostgres pg = server();
    try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create test database " + name, e);
    }
    Db db = new Db(name, pg.getPort());
    Database.migrate("jdbc:postgresql://localhost:" + pg.getPort() + "/" + name, "postgres", null);
    return db;
  }

  /** The JVM's embedded server (fsync off: test data need not survive a crash). */
  public static synchronized EmbeddedPostgres server() {
    if (server == null) {
      try {
        server = EmbeddedPostgres.builder().start();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start embedded PostgreSQL", e);
      }
      EmbeddedPostgres started = server;
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          started.close();
        } catch (IOException ignored) {
          // the JVM is exiting; the server's own hook or the OS cleans up
        }
      }, "test-postgres-stop"));
    }
    return server;
  }
}
