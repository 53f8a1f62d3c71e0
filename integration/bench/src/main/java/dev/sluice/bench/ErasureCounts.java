package dev.sluice.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Counts read through Trino, apart from Sluice: the subject's rows and expired rows before an
 * erasure or sweep, to check what it reports, and after, to check that they are gone.
 */
final class ErasureCounts {
  private ErasureCounts() {}

  /** Rows of one subject and the data files holding them. */
  record SubjectRows(long rows, long files) {
    SubjectRows {
      if (rows < 0 || files < 0 || files > rows) {
        throw new IllegalArgumentException(rows + " rows in " + files + " files");
      }
    }
  }

  /**
   * Of customers c-1000 to c-1099, the one with the most orders (then the most data files): one
   * busy customer, whose orders span many months and so many files.
   */
  static String busiestSubject(Connection c, String table) throws SQLException {
    List<String> candidates = new ArrayList<>();
    for (int i = 1000; i < 1100; i++) {
      candidates.add("'c-" + i + "'");
    }
    String subject =
        firstRow(
            c,
            "SELECT customer_id, count(*), count(DISTINCT \"$path\") FROM "
                + ErasureTables.qualified(table)
                + " WHERE customer_id IN ("
                + String.join(", ", candidates)
                + ") GROUP BY customer_id ORDER BY 2 DESC, 3 DESC, 1 LIMIT 1",
            rs -> rs.getString(1));
    if (subject == null) {
      throw new IllegalStateException("no customer c-1000 to c-1099 in " + table);
    }
    return subject;
  }

  static SubjectRows subjectRows(Connection c, String table, String subject) throws SQLException {
    try (PreparedStatement statement =
        c.prepareStatement(
            "SELECT count(*), count(DISTINCT \"$path\") FROM "
                + ErasureTables.qualified(table)
                + " WHERE customer_id = ?")) {
      statement.setString(1, subject);
      try (ResultSet rs = statement.executeQuery()) {
        rs.next();
        return new SubjectRows(rs.getLong(1), rs.getLong(2));
      }
    }
  }

  /** Rows whose {@code retention_until} is not {@link ErasureTables#NEVER}. */
  static long expiredRows(Connection c, String table) throws SQLException {
    return firstRow(
        c,
        "SELECT count(*) FROM "
            + ErasureTables.qualified(table)
            + " WHERE retention_until < "
            + ErasureTables.NEVER,
        rs -> rs.getLong(1));
  }

  /** Reads one row of an answer. */
  @FunctionalInterface
  interface Row<T> {
    T read(ResultSet rs) throws SQLException;
  }

  /** The answer's first row, read by {@code row}; null where the answer has none. */
  static <T> T firstRow(Connection c, String sql, Row<T> row) throws SQLException {
    try (Statement statement = c.createStatement();
        ResultSet rs = statement.executeQuery(sql)) {
      return rs.next() ? row.read(rs) : null;
    }
  }
}
