package io.fingerpost.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fingerpost.config.DatabaseConfig;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.pgclient.PgConnectOptions;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reliability issue, item 5: the embedded PostgreSQL trusts no one. A connection without the generated
 * password (or with a wrong one) is refused, the service's own pool works, the password file is readable
 * by its owner only, the server listens on loopback only, and a data directory from an older version
 * (initdb's trust) is upgraded in place with its data kept.
 */
@ExtendWith(VertxExtension.class)
class EmbeddedServerTest {

  @TempDir
  Path dir;

  @Test
  void freshDirectoryNeedsThePassword(Vertx vertx) throws Exception {
    Path dataDir = dir.resolve("pgdata");
    Database db = start(vertx, dataDir);
    try {
      assertLockedDown(db, dataDir);
      assertEquals("127.0.0.1", db.pool().query("SELECT host(inet_server_addr())").execute()
          .await(10, TimeUnit.SECONDS).iterator().next().getString(0), "the service connects over loopback");
      assertEquals("localhost", db.pool().query("SHOW listen_addresses").execute()
          .await(10, TimeUnit.SECONDS).iterator().next().getString(0));
    } finally {
      db.close().await(60, TimeUnit.SECONDS);
    }
    // a restart reads the stored password
    Database again = start(vertx, dataDir);
    try {
      assertLockedDown(again, dataDir);
    } finally {
      again.close().await(60, TimeUnit.SECONDS);
    }
  }

  @Test
  void trustDirectoryFromAnOlderVersionIsUpgraded(Vertx vertx) throws Exception {
    Path dataDir = dir.resolve("pgdata");
    // what earlier versions left: zonky's initdb with trust, the schema migrated, and some data
    try (EmbeddedPostgres old = EmbeddedPostgres.builder().setDataDirectory(dataDir).setCleanDataDirectory(false).start()) {
      Database.migrate(old.getJdbcUrl("postgres", "postgres"), "postgres", null);
      try (Connection c = old.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
        s.execute("CREATE TABLE kept (x int); INSERT INTO kept VALUES (42)");
      }
    }
    assertTrue(EmbeddedServer.trusts(dataDir.resolve("pg_hba.conf")), "the old directory trusts everyone");
    assertFalse(Files.exists(dataDir.resolve(EmbeddedServer.PASSWORD_FILE)));

    Database db = start(vertx, dataDir);
    try {
      assertLockedDown(db, dataDir);
      assertEquals(42, db.pool().query("SELECT x FROM kept").execute().await(10, TimeUnit.SECONDS)
          .iterator().next().getInteger(0), "the data survives the upgrade");
    } finally {
      db.close().await(60, TimeUnit.SECONDS);
    }
  }

  private static Database start(Vertx vertx, Path dataDir) throws Exception {
    return Database.start(vertx, new Database.Options(new DatabaseConfig(null, null, null, dataDir.toString(), 2),
        false, Map.of())).await(180, TimeUnit.SECONDS);
  }

  private static void assertLockedDown(Database db, Path dataDir) throws Exception {
    PgConnectOptions o = db.connectOptions();
    String url = "jdbc:postgresql://localhost:" + o.getPort() + "/postgres";
    Path passwordFile = dataDir.resolve(EmbeddedServer.PASSWORD_FILE);
    String password = Files.readString(passwordFile).trim();
    assertEquals(password, o.getPassword(), "the service uses the stored password");
    assertTrue(password.length() >= 32, "a long random password");
    if (Files.getFileAttributeView(passwordFile, java.nio.file.attribute.PosixFileAttributeView.class) != null) {
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(passwordFile)));
    }
    assertFalse(EmbeddedServer.trusts(dataDir.resolve("pg_hba.conf")), "no trust rule is left");

    SQLException noPassword = assertThrows(SQLException.class, () -> connect(url, null).close());
    assertTrue(noPassword.getMessage().toLowerCase().contains("password"), noPassword.getMessage());
    SQLException wrong = assertThrows(SQLException.class, () -> connect(url, "not-" + password).close());
    assertTrue(wrong.getMessage().contains("password authentication failed"), wrong.getMessage());
    try (Connection c = connect(url, password); Statement s = c.createStatement();
         ResultSet r = s.executeQuery("SELECT rolpassword LIKE 'SCRAM-SHA-256$%' FROM pg_authid WHERE rolname = 'postgres'")) {
      assertTrue(r.next() && r.getBoolean(1), "the password is stored as a SCRAM verifier");
    }
    assertEquals(1, db.pool().query("SELECT 1").execute().await(10, TimeUnit.SECONDS).iterator().next().getInteger(0),
        "the service's pool works");
  }

  private static Connection connect(String url, String password) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", "postgres");
    if (password != null) {
      p.setProperty("password", password);
    }
    p.setProperty("connectTimeout", "10");
    return DriverManager.getConnection(url, p);
  }
}
