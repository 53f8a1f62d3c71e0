package dev.sluice.contracts;

import dev.sluice.policy.model.ColumnType;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.iceberg.types.Type;

/** Iceberg's column types as the policy model names them, and whether a declared type matches. */
final class ColumnTypes {

  private static final Pattern DEFAULT_PRECISION = Pattern.compile("^(timestamp|time)(?=$|with)");

  private ColumnTypes() {}

  /** The column type of an Iceberg primitive, or empty for nested types and unknown primitives. */
  static Optional<ColumnType> of(Type type) {
    if (!type.isPrimitiveType()) {
      return Optional.empty();
    }
    // fixed[16] has no length in the policy model's spelling
    return ColumnType.parse(type.typeId() == Type.TypeID.FIXED ? "fixed" : type.toString());
  }

  /** The family of any Iceberg type: lists, maps and structs are arrays, maps and rows. */
  static Optional<ColumnType.Family> family(Type type) {
    return switch (type.typeId()) {
      case LIST -> Optional.of(ColumnType.Family.ARRAY);
      case MAP -> Optional.of(ColumnType.Family.MAP);
      case STRUCT -> Optional.of(ColumnType.Family.ROW);
      default -> of(type).map(ColumnType::family);
    };
  }

  /**
   * True when the declared type is the column's: nested types by family; strings, binaries,
   * booleans, dates and uuids by family (Iceberg has one of each); integers and floating points by
   * width; decimals by precision and scale unless declared without them; timestamps and times by
   * precision (6 when not written) and zone.
   */
  static boolean matches(ColumnType declared, Type actual) {
    if (!actual.isPrimitiveType()) {
      return family(actual).map(f -> f == declared.family()).orElse(false);
    }
    ColumnType column = of(actual).orElse(null);
    if (column == null || column.family() != declared.family()) {
      return false;
    }
    return switch (declared.family()) {
      case INTEGER, FLOATING -> canonical(declared).equals(canonical(column));
      case DECIMAL ->
          declared.sql().equals("decimal") || canonical(declared).equals(canonical(column));
      case TIMESTAMP, TIME ->
          withPrecision(canonical(declared)).equals(withPrecision(canonical(column)));
      default -> true;
    };
  }

  private static String canonical(ColumnType type) {
    return type.sql().toLowerCase(Locale.ROOT).replaceAll("\\s+", "");
  }

  /** {@code timestamp} is {@code timestamp(6)}, as Iceberg keeps microseconds. */
  private static String withPrecision(String canonical) {
    return DEFAULT_PRECISION.matcher(canonical).replaceFirst("$1(6)");
  }
}
