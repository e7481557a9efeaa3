package io.fingerpost.store;

import io.vertx.pgclient.PgException;
import java.sql.SQLException;
import java.util.function.Predicate;

/** What a failure says through its chain of causes: the walk the store's checks of a failure share. */
final class Failures {

  private Failures() {}

  /** Whether the failure or one of its causes passes {@code test} (a cause that is its own cause ends the walk). */
  static boolean anyCause(Throwable failure, Predicate<Throwable> test) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (test.test(t)) {
        return true;
      }
    }
    return false;
  }

  /** Whether the failure or one of its causes carries a SQLSTATE that passes {@code state}. */
  static boolean anySqlState(Throwable failure, Predicate<String> state) {
    return anyCause(failure, t -> {
      String s = sqlState(t);
      return s != null && state.test(s);
    });
  }

  /** The SQLSTATE {@code t} itself carries (vertx-pg-client's or the JDBC driver's), or null. */
  private static String sqlState(Throwable t) {
    if (t instanceof PgException pg) {
      return pg.getSqlState();
    }
    return t instanceof SQLException sql ? sql.getSQLState() : null;
  }
}
