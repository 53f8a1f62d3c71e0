package dev.sluice.catalog.persistence;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.ServiceUnavailableException;
import org.hibernate.exception.ConstraintViolationException;
import org.hibernate.exception.JDBCConnectionException;

/**
 * Tells database failures apart by what they mean for the caller. Statements that fail inside a
 * transaction leave nothing committed, so their failure is definite: a lost or refused connection
 * is a 503 the client may retry, a deadlock or serialization failure is a conflict. Only a failure
 * of COMMIT itself leaves the outcome unknown, and that never passes through {@link #definite}.
 */
public final class DatabaseFailures {
  /** The constraint that keeps tables and views inside an existing namespace. */
  static final String ENTITY_NAMESPACE = "fk_catalog_entity_namespace";

  /** The constraint that keeps a namespace inside an existing parent. */
  static final String NAMESPACE_PARENT = "fk_catalog_namespace_parent";

  private DatabaseFailures() {}

  /**
   * Runs statements of the current transaction, before it commits. A database failure among them is
   * reported as definite: {@link ServiceUnavailableException} or {@link CommitFailedException}.
   */
  static void definite(Runnable statements) {
    try {
      statements.run();
    } catch (RuntimeException e) {
      if (isConflict(e)) {
        throw new CommitFailedException(
            e, "Conflicting concurrent change; nothing was committed, retry");
      }
      if (isUnavailable(e)) {
        throw new ServiceUnavailableException(
            e, "The catalog database is unavailable; nothing was committed, retry later");
      }
      throw e;
    }
  }

  /**
   * Whether the failure, or one of its causes, is a lost, refused or exhausted connection, raised
   * by a statement. A failure of COMMIT itself (the transaction manager's exceptions) is not: its
   * outcome is unknown, and a 503 would tell the client that nothing happened.
   */
  public static boolean isUnavailable(Throwable failure) {
    List<Throwable> causes = causes(failure);
    return causes.stream().noneMatch(DatabaseFailures::fromTransactionManager)
        && causes.stream().anyMatch(DatabaseFailures::isLostConnection);
  }

  /**
   * Whether a failure came from the database or the transaction manager at all, connection or not:
   * raised before a change's own transaction, it means nothing was committed.
   */
  public static boolean isDatabaseFailure(Throwable failure) {
    return causes(failure).stream()
        .anyMatch(
            cause ->
                cause instanceof SQLException
                    || cause instanceof org.hibernate.JDBCException
                    || fromTransactionManager(cause));
  }

  /** A deadlock or serialization failure: the database rolled the transaction back. */
  static boolean isConflict(Throwable failure) {
    return causes(failure).stream()
        .anyMatch(
            cause ->
                cause instanceof SQLException sql
                    && ("40001".equals(sql.getSQLState()) || "40P01".equals(sql.getSQLState())));
  }

  /** The failure and its causes, outermost first; a cause naming itself ends the chain. */
  public static List<Throwable> causes(Throwable failure) {
    List<Throwable> causes = new ArrayList<>();
    for (Throwable cause = failure;
        cause != null && !causes.contains(cause);
        cause = cause.getCause()) {
      causes.add(cause);
    }
    return causes;
  }

  private static boolean fromTransactionManager(Throwable cause) {
    return cause.getClass().getName().startsWith("jakarta.transaction.");
  }

  private static boolean isLostConnection(Throwable cause) {
    if (cause instanceof JDBCConnectionException
        || cause instanceof SQLTransientConnectionException) {
      return true;
    }
    if (!(cause instanceof SQLException sql)) {
      return false;
    }
    String state = sql.getSQLState();
    if (state != null
        && (state.startsWith("08")
            || state.equals("57P01")
            || state.equals("57P02")
            || state.equals("57P03"))) {
      return true;
    }
    return String.valueOf(sql.getMessage())
        .toLowerCase(Locale.ROOT)
        .contains("acquisition timeout");
  }

  /**
   * Whether a constraint violation is of the named constraint (names differ in case by database).
   */
  static boolean violates(ConstraintViolationException e, String constraint) {
    String name = e.getConstraintName();
    String text = name != null ? name : String.valueOf(e.getMessage());
    return text.toLowerCase(Locale.ROOT).contains(constraint);
  }
}
