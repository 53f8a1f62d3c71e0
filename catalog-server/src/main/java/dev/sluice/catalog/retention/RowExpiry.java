package dev.sluice.catalog.retention;

import dev.sluice.policy.model.Retention;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.apache.iceberg.Schema;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.data.InternalRecordWrapper;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Evaluator;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * Which rows of a table a retention has expired at one instant: rows whose {@code expires-column}
 * lies before it, or whose {@code event-time-column} lies more than {@code max-age} before it. A
 * null value never expires a row. Timestamps without a zone are read as UTC.
 *
 * @param expired the predicate as an Iceberg expression (used to plan which files to read)
 * @param conditions what it means, for results and the audit trail
 */
public record RowExpiry(Expression expired, List<String> conditions) {

  public RowExpiry {
    Objects.requireNonNull(expired, "expired");
    conditions = List.copyOf(conditions);
  }

  /**
   * The expiry a retention sets on a table's schema at {@code now}; empty when the retention
   * expires no rows (time travel only).
   *
   * @throws IllegalArgumentException when a named column is missing or not a date or timestamp
   */
  public static Optional<RowExpiry> of(Retention retention, Schema schema, Instant now) {
    List<Expression> parts = new ArrayList<>();
    List<String> conditions = new ArrayList<>();
    if (retention.expiresColumn() != null) {
      parts.add(before(schema, retention.expiresColumn(), now));
      conditions.add(retention.expiresColumn() + " < " + now);
    }
    if (retention.maxAge() != null && retention.eventTimeColumn() != null) {
      Instant cutoff = now.minus(retention.maxAge());
      parts.add(before(schema, retention.eventTimeColumn(), cutoff));
      conditions.add(retention.eventTimeColumn() + " < " + cutoff);
    }
    if (parts.isEmpty()) {
      return Optional.empty();
    }
    Expression expired = parts.get(0);
    for (Expression part : parts.subList(1, parts.size())) {
      expired = Expressions.or(expired, part);
    }
    return Optional.of(new RowExpiry(expired, conditions));
  }

  /** A test of records read with {@code schema} (generic records, as Iceberg's readers give). */
  public RecordTest test(Schema schema) {
    return new RecordTest(schema, expired);
  }

  /** Not thread-safe: one per reader. */
  public static final class RecordTest {
    private final Evaluator evaluator;
    private final InternalRecordWrapper wrapper;

    RecordTest(Schema schema, Expression expired) {
      this.evaluator = new Evaluator(schema.asStruct(), expired, false);
      this.wrapper = new InternalRecordWrapper(schema.asStruct());
    }

    public boolean expired(Record record) {
      StructLike internal = wrapper.wrap(record);
      return evaluator.eval(internal);
    }
  }

  private static Expression before(Schema schema, String column, Instant instant) {
    Types.NestedField field = schema.caseInsensitiveFindField(column);
    if (field == null) {
      throw new IllegalArgumentException("the table has no column '" + column + "'");
    }
    Type type = field.type();
    String name = schema.findColumnName(field.fieldId());
    // Iceberg's row evaluator orders null first, so a null would count as before anything
    return Expressions.and(Expressions.notNull(name), lessThan(name, type, column, instant));
  }

  private static Expression lessThan(String name, Type type, String column, Instant instant) {
    return switch (type.typeId()) {
      case DATE -> Expressions.lessThan(name, (int) epochDay(instant));
      case TIMESTAMP ->
          Expressions.lessThan(name, ChronoUnit.MICROS.between(Instant.EPOCH, instant));
      case TIMESTAMP_NANO ->
          Expressions.lessThan(
              name,
              ((Types.TimestampNanoType) type).shouldAdjustToUTC()
                  ? instant.atOffset(ZoneOffset.UTC).toString()
                  : LocalDateTime.ofInstant(instant, ZoneOffset.UTC).toString());
      default ->
          throw new IllegalArgumentException(
              "column '" + column + "' is " + type + "; retention needs a date or timestamp");
    };
  }

  /** Days since the epoch of the UTC date holding {@code instant}: a date before it has passed. */
  private static long epochDay(Instant instant) {
    return LocalDate.ofInstant(instant, ZoneOffset.UTC).toEpochDay();
  }
}
