package dev.sluice.policy.model;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Reads a contract's written values ({@code valid-range} bounds, {@code valid-values}) as values
 * comparable with a column's: numbers as {@link BigDecimal}, dates as {@link LocalDate}, timestamps
 * as {@link Instant} (a timestamp without zone is read as UTC), text as itself.
 */
public final class ContractValues {

  private ContractValues() {}

  /** True when {@code valid-range} means something for columns of this family. */
  public static boolean rangeApplies(ColumnType.Family family) {
    return switch (family) {
      case STRING, INTEGER, FLOATING, DECIMAL, DATE, TIMESTAMP -> true;
      default -> false;
    };
  }

  /**
   * The value for a column of the family, or empty when the text is not one. A null family (type
   * not declared) reads numbers as numbers and anything else as text.
   */
  public static Optional<Comparable<?>> parse(ColumnType.Family family, String text) {
    if (text == null) {
      return Optional.empty();
    }
    if (family == null) {
      Optional<Comparable<?>> number = number(text);
      return number.isPresent() ? number : Optional.of(text);
    }
    return switch (family) {
      case INTEGER, FLOATING, DECIMAL -> number(text);
      case DATE -> date(text);
      case TIMESTAMP -> timestamp(text);
      case STRING -> Optional.of(text);
      default -> Optional.empty();
    };
  }

  private static Optional<Comparable<?>> number(String text) {
    try {
      return Optional.of(new BigDecimal(text.trim()));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static Optional<Comparable<?>> date(String text) {
    try {
      return Optional.of(LocalDate.parse(text.trim()));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  private static Optional<Comparable<?>> timestamp(String text) {
    String t = text.trim().replace(' ', 'T');
    try {
      return Optional.of(OffsetDateTime.parse(t).toInstant());
    } catch (DateTimeParseException e) {
      // no zone: read as UTC
    }
    try {
      return Optional.of(LocalDateTime.parse(t).toInstant(ZoneOffset.UTC));
    } catch (DateTimeParseException e) {
      // a date alone: its first instant
    }
    try {
      return Optional.of(LocalDate.parse(t).atStartOfDay().toInstant(ZoneOffset.UTC));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /** Compares two values read by {@link #parse} for the same family. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public static int compare(Comparable<?> left, Comparable<?> right) {
    if (left instanceof BigDecimal a && right instanceof BigDecimal b) {
      return a.compareTo(b);
    }
    if (left.getClass() != right.getClass()) {
      return left.toString().compareTo(right.toString());
    }
    return ((Comparable) left).compareTo(right);
  }
}
