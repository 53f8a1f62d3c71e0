package dev.sluice.contracts;

import dev.sluice.policy.model.ContractValues;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import org.apache.iceberg.MetricsModes;
import org.apache.iceberg.MetricsModes.MetricsMode;
import org.apache.iceberg.types.Comparators;
import org.apache.iceberg.types.Conversions;
import org.apache.iceberg.types.Type;

/**
 * A file's lower or upper bound for a column, read as a value comparable with the contract's
 * (numbers as {@link BigDecimal}, dates as {@link LocalDate}, timestamps as {@link Instant}, text
 * as itself). {@code exact} when it is the file's actual smallest or largest value: numbers, dates
 * and timestamps always are; a string is under metrics mode {@code full}, and under {@code
 * truncate(n)} when shorter than n code points. A truncated lower bound is a prefix of the smallest
 * value and a truncated upper bound lies above the largest, so either still bounds every value.
 */
record Bound(Comparable<?> value, boolean exact) {

  /** The bound, or null when the column's type has no comparable values or the bound is NaN. */
  static Bound read(Type type, ByteBuffer buffer, MetricsMode mode) {
    Object raw;
    try {
      raw = Conversions.fromByteBuffer(type, buffer.duplicate());
    } catch (RuntimeException e) {
      return null; // a malformed bound proves nothing
    }
    Comparable<?> value =
        switch (type.typeId()) {
          case INTEGER, LONG -> BigDecimal.valueOf(((Number) raw).longValue());
          case FLOAT -> number(((Float) raw).doubleValue(), Float.toString((Float) raw));
          case DOUBLE -> number((Double) raw, Double.toString((Double) raw));
          case DECIMAL -> (BigDecimal) raw;
          case DATE -> LocalDate.ofEpochDay((Integer) raw);
          case TIMESTAMP -> Instant.EPOCH.plus((Long) raw, ChronoUnit.MICROS);
          case TIMESTAMP_NANO -> Instant.EPOCH.plus((Long) raw, ChronoUnit.NANOS);
          case STRING -> raw.toString();
          default -> null;
        };
    if (value == null) {
      return null;
    }
    return new Bound(value, exact(type, value, mode));
  }

  /** A float's decimal as written (0.1, not 0.100000001…); infinities stay doubles. */
  private static Comparable<?> number(double value, String decimal) {
    if (Double.isNaN(value)) {
      return null;
    }
    return Double.isInfinite(value) ? Double.valueOf(value) : new BigDecimal(decimal);
  }

  private static boolean exact(Type type, Comparable<?> value, MetricsMode mode) {
    if (mode instanceof MetricsModes.Full) {
      return true;
    }
    if (mode instanceof MetricsModes.Truncate truncate) {
      // only strings (and binaries) are truncated; one shorter than the length was not
      return type.typeId() != Type.TypeID.STRING
          || ((String) value).codePointCount(0, ((String) value).length()) < truncate.length();
    }
    return false;
  }

  /** Compares this bound with a contract value read for the column's family. */
  int compareTo(Comparable<?> contractValue) {
    if (value instanceof Double infinity) {
      return infinity > 0 ? 1 : -1;
    }
    if (value instanceof String text && contractValue instanceof String other) {
      // Iceberg orders strings by code point, which String.compareTo does not
      return Comparators.charSequences().compare(text, other);
    }
    return ContractValues.compare(value, contractValue);
  }

  String spell() {
    return Bound.spell(value);
  }

  /** A value as a message shows it: text quoted and cut at 40 characters, numbers plain. */
  static String spell(Comparable<?> value) {
    if (value instanceof BigDecimal number) {
      return number.toPlainString();
    }
    if (value instanceof String text) {
      return "'" + (text.length() > 40 ? text.substring(0, 40) + "…" : text) + "'";
    }
    return String.valueOf(value);
  }
}
