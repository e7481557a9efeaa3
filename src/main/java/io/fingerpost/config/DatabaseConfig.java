package io.fingerpost.config;

/**
 * The {@code database} section. Without a {@code url} (and without {@code FINGERPOST_DATABASE_URL})
 * the service starts an embedded PostgreSQL whose data lives in {@code dataDir}
 * ({@code FINGERPOST_DATA_DIR}, default {@code ~/.fingerpost/pgdata}).
 *
 * @param url {@code postgresql://host:port/db} or {@code jdbc:postgresql://host:port/db}; user and
 *     password may be given in it or separately
 * @param poolSize connections in the pool (default 8)
 */
public record DatabaseConfig(String url, String user, String password, String dataDir, Integer poolSize) {

  public static DatabaseConfig defaults() {
    return new DatabaseConfig(null, null, null, null, null);
  }

  public int poolSizeOrDefault() {
    return poolSize == null ? 8 : poolSize;
  }
}
