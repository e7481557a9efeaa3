package io.fingerpost.store;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded PostgreSQL (zonky) in a data directory that survives restarts, locked down: it listens on
 * loopback only and every connection, TCP or Unix socket, needs the superuser's password
 * (scram-sha-256). The password is generated on first start and kept in the data directory, readable by
 * its owner only ({@value #PASSWORD_FILE}).
 *
 * <ul>
 *   <li>First start: initdb runs with {@code --auth=scram-sha-256 --pwfile}, so the server never trusts
 *       anyone, not even for a moment.</li>
 *   <li>A directory from an older version ({@code trust} in {@code pg_hba.conf}, or no password file):
 *       the server starts trusting only the superuser over loopback TCP, the password is set, and
 *       {@code pg_hba.conf} is rewritten and reloaded before anything else connects.</li>
 *   <li>A server orphaned by a killed service is stopped first ({@link OrphanPostmaster}).</li>
 * </ul>
 */
final class EmbeddedServer {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedServer.class);
  static final String PASSWORD_FILE = "fingerpost-password";
  static final String SUPERUSER = "postgres";
  private static final Duration ORPHAN_STOP_WAIT = Duration.ofSeconds(30);
  private static final Duration STARTUP_WAIT = Duration.ofSeconds(50); // under Vert.x's 60 s blocked-worker warning

  static final String LOCKED_HBA = """
      # Written by Fingerpost: every connection needs the password (scram-sha-256); loopback only.
      local   all           all                     scram-sha-256
      host    all           all     127.0.0.1/32    scram-sha-256
      host    all           all     ::1/128         scram-sha-256
      local   replication   all                     scram-sha-256
      host    replication   all     127.0.0.1/32    scram-sha-256
      host    replication   all     ::1/128         scram-sha-256
      """;

  /** While upgrading a trust directory: only the superuser, only over loopback TCP, until the password is set. */
  private static final String UPGRADE_HBA = """
      # Written by Fingerpost while it sets the superuser's password; replaced at once.
      host    all           postgres     127.0.0.1/32    trust
      host    all           postgres     ::1/128         trust
      """;

  /** The running server and the password to reach it. */
  record Started(EmbeddedPostgres server, String password) {}

  private EmbeddedServer() {}

  /** Blocking: stops an orphan, starts (initialising or upgrading the directory as needed) on any free port. */
  static Started start(Path dataDir, boolean durable) throws IOException {
    return start(dataDir, durable, 0);
  }

  /** As {@link #start(Path, boolean)}, on the given port (0: any free one; a restart keeps the pool's port). */
  static Started start(Path dataDir, boolean durable, int port) throws IOException {
    if (Files.exists(dataDir) && !Files.isDirectory(dataDir)) {
      throw new IllegalArgumentException("database.dataDir " + dataDir + " is a file, not a directory");
    }
    Files.createDirectories(dataDir);
    OrphanPostmaster.stopIfOrphaned(dataDir, ORPHAN_STOP_WAIT);

    Path passwordFile = dataDir.resolve(PASSWORD_FILE);
    boolean initialised = Files.exists(dataDir.resolve("postgresql.conf"));
    boolean upgrade = initialised && (!Files.isRegularFile(passwordFile) || trusts(dataDir.resolve("pg_hba.conf")));
    String password = Files.isRegularFile(passwordFile) ? readPassword(passwordFile) : newPassword();

    EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
        .setDataDirectory(dataDir)
        .setCleanDataDirectory(false)
        .setServerConfig("listen_addresses", "localhost")
        .setConnectConfig("password", password);
    if (port > 0) {
      builder.setPort(port);
    }
    // After a kill the server replays its WAL and, with fsync on, syncs the whole directory first: that can
    // take longer than zonky's 10 s, and a start given up on keeps zonky's lock (no retry could start then).
    builder.setPGStartupWait(STARTUP_WAIT);
    if (durable) {
      builder.setServerConfig("fsync", "on").setServerConfig("synchronous_commit", "on")
          .setServerConfig("full_page_writes", "on");
    }
    Path initdbPasswordFile = null;
    try {
      if (!initialised) {
        // zonky passes these to initdb after its own "-A trust", so they win
        initdbPasswordFile = Files.createTempFile("fingerpost-initdb", ".pw"); // owner-only on POSIX
        Files.writeString(initdbPasswordFile, password + "\n", StandardCharsets.UTF_8);
        builder.setLocaleConfig("auth", "scram-sha-256").setLocaleConfig("pwfile", initdbPasswordFile.toString());
        builder.setDataDirectoryCustomizer(dir -> writeOwnerOnly(passwordFile, password));
      } else if (upgrade) {
        writeOwnerOnly(passwordFile, password); // first, so a crash mid-upgrade repeats it with the same one
        Files.writeString(dataDir.resolve("pg_hba.conf"), UPGRADE_HBA, StandardCharsets.UTF_8);
      } else {
        restrictToOwner(passwordFile);
      }
      EmbeddedPostgres server = builder.start();
      if (upgrade) {
        lockDown(server, dataDir, password);
      }
      return new Started(server, password);
    } finally {
      if (initdbPasswordFile != null) {
        Files.deleteIfExists(initdbPasswordFile);
      }
    }
  }

  /**
   * Lets go of a server whose postmaster died (killed, crashed) so that a new one can start in its directory.
   * zonky's {@code close()} would run {@code pg_ctl stop}, which fails on a dead server and logs a stack
   * trace; all that is needed is its lock on the directory (held by this JVM, so a new server could not
   * take it) and to mark it closed (its shutdown hook then does nothing). Falls back to {@code close()}.
   */
  static void abandon(EmbeddedPostgres dead) {
    try {
      java.lang.reflect.Field closed = EmbeddedPostgres.class.getDeclaredField("closed");
      java.lang.reflect.Field lock = EmbeddedPostgres.class.getDeclaredField("lock");
      java.lang.reflect.Field stream = EmbeddedPostgres.class.getDeclaredField("lockStream");
      closed.setAccessible(true);
      lock.setAccessible(true);
      stream.setAccessible(true);
      if (((java.util.concurrent.atomic.AtomicBoolean) closed.get(dead)).getAndSet(true)) {
        return;
      }
      if (lock.get(dead) instanceof java.nio.channels.FileLock l && l.isValid()) {
        l.release();
      }
      if (stream.get(dead) instanceof java.io.Closeable c) {
        c.close();
      }
    } catch (ReflectiveOperationException | RuntimeException | IOException e) {
      LOG.debug("cannot release the dead server's lock directly ({}); closing it", e.toString());
      try {
        dead.close();
      } catch (IOException ex) {
        LOG.debug("closing the dead server failed", ex);
      }
    }
  }

  /** Sets the password, then replaces the trusting pg_hba.conf and reloads it. */
  private static void lockDown(EmbeddedPostgres server, Path dataDir, String password) throws IOException {
    LOG.warn("Upgrading the embedded database in {}: password authentication (scram-sha-256) from now on", dataDir);
    try (Connection c = server.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      s.execute("SET password_encryption = 'scram-sha-256'");
      s.execute("ALTER ROLE " + SUPERUSER + " PASSWORD '" + password + "'"); // base64url: no quotes
      Files.writeString(dataDir.resolve("pg_hba.conf"), LOCKED_HBA, StandardCharsets.UTF_8);
      s.execute("SELECT pg_reload_conf()");
    } catch (SQLException e) {
      server.close();
      throw new IllegalStateException("cannot set the embedded database's password: " + e.getMessage(), e);
    }
  }

  /** True when a rule of the file (not a comment) uses the trust method. */
  static boolean trusts(Path hba) throws IOException {
    if (!Files.isRegularFile(hba)) {
      return false;
    }
    for (String line : Files.readAllLines(hba)) {
      String rule = line.replaceFirst("#.*", "").trim();
      if (!rule.isEmpty() && List.of(rule.split("\\s+")).contains("trust")) {
        return true;
      }
    }
    return false;
  }

  static String readPassword(Path file) throws IOException {
    String password = Files.readString(file, StandardCharsets.UTF_8).trim();
    if (password.isEmpty()) {
      throw new IllegalStateException(file + " is empty: delete it to have a new password generated");
    }
    return password;
  }

  private static String newPassword() {
    byte[] bytes = new byte[24];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static void writeOwnerOnly(Path file, String password) {
    try {
      Files.deleteIfExists(file);
      if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } else {
        Files.createFile(file);
      }
      restrictToOwner(file);
      Files.writeString(file, password + "\n", StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  private static void restrictToOwner(Path file) throws IOException {
    if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } else {
      var f = file.toFile(); // Windows: drop everyone's rights, give them back to the owner
      f.setReadable(false, false);
      f.setWritable(false, false);
      f.setReadable(true, true);
      f.setWritable(true, true);
    }
  }
}
