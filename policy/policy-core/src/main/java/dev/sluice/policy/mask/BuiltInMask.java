package dev.sluice.policy.mask;

import dev.sluice.policy.model.ColumnType;
import dev.sluice.policy.model.ColumnType.Family;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * The masks every bundle can name. Each renders a Trino SQL expression whose type equals the
 * column's, because Trino rejects a column mask of another type.
 */
public enum BuiltInMask {
  REDACT("redact", EnumSet.of(Family.STRING), "string columns"),
  NULLIFY("nullify", EnumSet.allOf(Family.class), "every column type"),
  HASH("hash", EnumSet.of(Family.STRING), "string columns"),
  LAST4("last4", EnumSet.of(Family.STRING), "string columns"),
  FIRST_LETTER("first-letter", EnumSet.of(Family.STRING), "string columns"),
  YEAR_ONLY("year-only", EnumSet.of(Family.DATE, Family.TIMESTAMP), "date and timestamp columns"),
  ROUND_COORDINATES(
      "round-coordinates",
      EnumSet.of(Family.FLOATING, Family.DECIMAL),
      "double, real and decimal columns");

  private final String key;
  private final Set<Family> families;
  private final String fitsDescription;

  BuiltInMask(String key, Set<Family> families, String fitsDescription) {
    this.key = key;
    this.families = families;
    this.fitsDescription = fitsDescription;
  }

  public String key() {
    return key;
  }

  public String fitsDescription() {
    return fitsDescription;
  }

  public static Optional<BuiltInMask> byName(String name) {
    for (BuiltInMask mask : values()) {
      if (mask.key.equals(name)) {
        return Optional.of(mask);
      }
    }
    return Optional.empty();
  }

  /** An undeclared type fits: the engine reports the real type at decision time. */
  public boolean fits(ColumnType type) {
    return type == null || families.contains(type.family());
  }

  /**
   * The expression replacing {@code column} (already quoted). With no known type, string masks
   * assume {@code varchar} and nullify yields an untyped NULL, which Trino coerces.
   */
  public String sql(String column, ColumnType type) {
    return switch (this) {
      case REDACT -> type == null ? "'REDACTED'" : "CAST('REDACTED' AS " + type.sql() + ")";
      case NULLIFY -> type == null ? "NULL" : "CAST(NULL AS " + type.sql() + ")";
      case HASH -> asString("to_hex(sha256(to_utf8(" + column + ")))", type);
      case LAST4 -> asString("concat('****', substr(" + column + ", -4))", type);
      case FIRST_LETTER -> asString("concat(substr(" + column + ", 1, 1), '***')", type);
      case YEAR_ONLY -> "date_trunc('year', " + column + ")";
      case ROUND_COORDINATES -> "round(" + column + ", 2)";
    };
  }

  /** String functions return unbounded varchar; bounded and char columns need it cast back. */
  private static String asString(String expression, ColumnType type) {
    return type == null || type.sql().equals("varchar")
        ? expression
        : "CAST(" + expression + " AS " + type.sql() + ")";
  }
}
