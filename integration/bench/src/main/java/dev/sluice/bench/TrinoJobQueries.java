package dev.sluice.bench;

import dev.sluice.it.TrinoServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The statements Sluice's jobs ran on Trino (user {@value ErasureTrino#JOBS_USER}), from Trino's
 * own query list {@code system.runtime.queries}: what a job's rewrite through Trino consisted of.
 */
final class TrinoJobQueries {
  private static final int LISTED = 10;

  private TrinoJobQueries() {}

  /** One statement; {@code end} is null while it runs. */
  record Query(String state, Instant created, Instant end, String text) {
    Query {
      Objects.requireNonNull(state, "state");
      Objects.requireNonNull(text, "text");
    }

    /** {@code DELETE}, {@code ALTER TABLE … EXECUTE optimize}: what the statement does. */
    String verb() {
      String[] words = text.strip().split("\\s+");
      if (words.length >= 5 && words[0].equalsIgnoreCase("ALTER")) {
        return "ALTER TABLE … " + words[3] + " " + words[4].replaceAll("\\(.*", "");
      }
      return words[0].toUpperCase(Locale.ROOT);
    }

    /** State, start and end as offsets from {@code from}, and the statement. */
    String describe(Instant from) {
      return String.format(
          Locale.ROOT,
          "%s +%.1f to +%.1f s: %s",
          state,
          Timestamps.seconds(from, created),
          Timestamps.seconds(from, end),
          RestCatalogClient.abbreviate(text.replaceAll("\\s+", " "), 200));
    }
  }

  /** The statements since {@code from}, oldest first; none without a Trino. */
  static List<Query> since(TrinoServer trino, Instant from) throws SQLException {
    List<Query> queries = new ArrayList<>();
    if (trino == null) {
      return queries;
    }
    try (Connection c = ErasureTrino.connect(trino);
        PreparedStatement statement =
            c.prepareStatement(
                "SELECT state, to_iso8601(created), to_iso8601(\"end\"), query"
                    + " FROM system.runtime.queries WHERE \"user\" = ?"
                    + " AND created >= from_iso8601_timestamp(?) ORDER BY created")) {
      statement.setString(1, ErasureTrino.JOBS_USER);
      statement.setString(2, from.toString());
      try (ResultSet rs = statement.executeQuery()) {
        while (rs.next()) {
          queries.add(
              new Query(
                  rs.getString(1),
                  Timestamps.parse(rs.getString(2)),
                  Timestamps.parse(rs.getString(3)),
                  rs.getString(4)));
        }
      }
    }
    return queries;
  }

  /** The first ten described, and how many more. */
  static List<String> listed(List<Query> queries, Instant from) {
    List<String> shown = new ArrayList<>();
    queries.stream().limit(LISTED).forEach(q -> shown.add(q.describe(from)));
    if (queries.size() > LISTED) {
      shown.add("… " + (queries.size() - LISTED) + " more");
    }
    return shown;
  }
}
