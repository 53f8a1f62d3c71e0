package dev.sluice.it.governance;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Query results of both engines in one shape, each row as its values joined by {@code |} ({@code
 * null} for SQL NULL), so that Spark and Trino answers compare with the same expected rows.
 */
final class EngineRows {
  private EngineRows() {}

  static List<String> trino(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery(sql)) {
      int columns = result.getMetaData().getColumnCount();
      List<String> rows = new ArrayList<>();
      while (result.next()) {
        List<String> values = new ArrayList<>(columns);
        for (int i = 1; i <= columns; i++) {
          values.add(result.getString(i));
        }
        rows.add(String.join("|", values));
      }
      return rows;
    }
  }

  /** Runs a Trino statement that returns no rows (DDL, INSERT). */
  static void trinoUpdate(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  static List<String> spark(SparkSession spark, String sql) {
    return spark(spark.sql(sql));
  }

  static List<String> spark(Dataset<Row> rows) {
    return rows.collectAsList().stream().map(EngineRows::text).toList();
  }

  private static String text(Row row) {
    return IntStream.range(0, row.length())
        .mapToObj(i -> String.valueOf(row.get(i)))
        .collect(Collectors.joining("|"));
  }

  /**
   * Every cause of a failure, outermost first, as {@code toString()} gives it. Trino's JDBC driver
   * rebuilds the server's causes from their type names and messages, so a text is all that can be
   * compared across both engines.
   */
  static String causes(Throwable failure) {
    List<String> chain = new ArrayList<>();
    for (Throwable t = failure; t != null && chain.size() < 20; t = t.getCause()) {
      chain.add(t.toString());
    }
    return String.join("\n  caused by ", chain);
  }

  /** The first failure in the cause chain that is a {@code type}, or null. */
  static <T extends Throwable> T find(Throwable failure, Class<T> type) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
      if (t.getCause() == t) {
        return null;
      }
    }
    return null;
  }
}
