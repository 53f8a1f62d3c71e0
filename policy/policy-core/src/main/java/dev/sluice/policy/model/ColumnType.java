package dev.sluice.policy.model;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A column type as Trino names it ({@code varchar}, {@code decimal(9,6)}, {@code timestamp(6) with
 * time zone}); Iceberg's names ({@code string}, {@code long}, {@code timestamptz}) are accepted and
 * translated, because tables come from Iceberg.
 */
public record ColumnType(String sql, Family family) {

  /** What masks care about. */
  public enum Family {
    STRING,
    INTEGER,
    FLOATING,
    DECIMAL,
    BOOLEAN,
    DATE,
    TIMESTAMP,
    TIME,
    BINARY,
    UUID,
    ARRAY,
    MAP,
    ROW
  }

  private static final Pattern PRECISION = Pattern.compile("\\(\\s*\\d+\\s*\\)");
  private static final Pattern DECIMAL = Pattern.compile("decimal\\(\\s*\\d+\\s*,\\s*\\d+\\s*\\)");

  public ColumnType {
    Objects.requireNonNull(sql, "sql");
    Objects.requireNonNull(family, "family");
  }

  public static Optional<ColumnType> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    String t = text.trim().toLowerCase(Locale.ROOT).replaceAll("\\s+", " ");
    String iceberg =
        switch (t) {
          case "string" -> "varchar";
          case "long" -> "bigint";
          case "int" -> "integer";
          case "float" -> "real";
          case "binary", "fixed" -> "varbinary";
          case "timestamptz" -> "timestamp(6) with time zone";
          case "timestamp_ns" -> "timestamp(9)";
          case "timestamptz_ns" -> "timestamp(9) with time zone";
          default -> t;
        };
    return familyOf(iceberg).map(family -> new ColumnType(iceberg, family));
  }

  public static ColumnType of(String text) {
    return parse(text).orElseThrow(() -> new IllegalArgumentException("unknown type: " + text));
  }

  private static Optional<Family> familyOf(String t) {
    String base = PRECISION.matcher(t).replaceAll("");
    if (t.startsWith("array(") && t.endsWith(")")) {
      return Optional.of(Family.ARRAY);
    }
    if (t.startsWith("map(") && t.endsWith(")")) {
      return Optional.of(Family.MAP);
    }
    if (t.startsWith("row(") && t.endsWith(")")) {
      return Optional.of(Family.ROW);
    }
    if (t.equals("decimal") || DECIMAL.matcher(t).matches()) {
      return Optional.of(Family.DECIMAL);
    }
    return Optional.ofNullable(
        switch (base) {
          case "varchar", "char", "json" -> Family.STRING;
          case "tinyint", "smallint", "integer", "bigint" -> Family.INTEGER;
          case "double", "real" -> Family.FLOATING;
          case "boolean" -> Family.BOOLEAN;
          case "date" -> Family.DATE;
          case "timestamp", "timestamp with time zone" -> Family.TIMESTAMP;
          case "time", "time with time zone" -> Family.TIME;
          case "varbinary" -> Family.BINARY;
          case "uuid" -> Family.UUID;
          default -> null;
        });
  }

  @Override
  public String toString() {
    return sql;
  }
}
