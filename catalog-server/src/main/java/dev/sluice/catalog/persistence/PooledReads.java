package dev.sluice.catalog.persistence;

import io.agroal.api.AgroalDataSource;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Plain JDBC reads on a pooled connection, in auto-commit mode or enlisted in the caller's
 * transaction if it has one: no entity to hydrate, no transaction to open for one statement.
 */
final class PooledReads {
  private PooledReads() {}

  @FunctionalInterface
  interface Reads<T> {
    T read(Connection connection) throws SQLException;
  }

  /** Runs {@code work}; a database failure is thrown as "{@code what} could not be read". */
  static <T> T read(AgroalDataSource dataSource, String what, Reads<T> work) {
    try (Connection connection = dataSource.getConnection()) {
      return work.read(connection);
    } catch (SQLException e) {
      throw new IllegalStateException(what + " could not be read: " + e.getMessage(), e);
    }
  }
}
