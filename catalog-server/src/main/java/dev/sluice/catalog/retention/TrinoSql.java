package dev.sluice.catalog.retention;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.apache.iceberg.Schema;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.expressions.Binder;
import org.apache.iceberg.expressions.BoundPredicate;
import org.apache.iceberg.expressions.BoundReference;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.ExpressionVisitors;
import org.apache.iceberg.expressions.Literal;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * Trino SQL for a removal: quoted identifiers and a {@code WHERE} condition rendered from the
 * Iceberg expression of a {@link RowExpiry}. Every name is a quoted identifier and every value a
 * typed literal (strings with their quotes doubled), so no part of a table name or a subject can
 * become SQL.
 */
final class TrinoSql {
  private static final DateTimeFormatter MICROS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");
  private static final DateTimeFormatter NANOS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSSSSS");

  private TrinoSql() {}

  /** {@code "catalog"."schema"."table"}; a nested namespace is one schema name, dotted. */
  static String table(String catalog, TableIdentifier identifier) {
    return identifier(catalog)
        + "."
        + identifier(String.join(".", identifier.namespace().levels()))
        + "."
        + identifier(identifier.name());
  }

  static String identifier(String name) {
    if (name.isEmpty() || name.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("not a Trino identifier: '" + name + "'");
    }
    return '"' + name.replace("\"", "\"\"") + '"';
  }

  /**
   * The condition, over top-level columns of {@code schema}.
   *
   * @throws IllegalArgumentException for a nested column, or an operation or type Trino's rendering
   *     here does not cover
   */
  static String condition(Schema schema, Expression expression) {
    Expression bound = Binder.bind(schema.asStruct(), expression, false);
    return ExpressionVisitors.visit(bound, new Renderer(schema));
  }

  private static final class Renderer extends ExpressionVisitors.ExpressionVisitor<String> {
    private final Schema schema;

    Renderer(Schema schema) {
      this.schema = schema;
    }

    @Override
    public String alwaysTrue() {
      return "true";
    }

    @Override
    public String alwaysFalse() {
      return "false";
    }

    @Override
    public String not(String result) {
      return "NOT (" + result + ")";
    }

    @Override
    public String and(String left, String right) {
      return "(" + left + ") AND (" + right + ")";
    }

    @Override
    public String or(String left, String right) {
      return "(" + left + ") OR (" + right + ")";
    }

    @Override
    public <T> String predicate(BoundPredicate<T> predicate) {
      if (!(predicate.term() instanceof BoundReference<?> reference)) {
        throw new IllegalArgumentException("not a column: " + predicate.term());
      }
      Types.NestedField field = schema.asStruct().field(reference.fieldId());
      if (field == null) {
        throw new IllegalArgumentException(
            "column '" + schema.findColumnName(reference.fieldId()) + "' is nested");
      }
      String column = identifier(field.name());
      Type type = field.type();
      return switch (predicate.op()) {
        case IS_NULL -> column + " IS NULL";
        case NOT_NULL -> column + " IS NOT NULL";
        case LT -> column + " < " + literal(type, predicate.asLiteralPredicate().literal());
        case LT_EQ -> column + " <= " + literal(type, predicate.asLiteralPredicate().literal());
        case GT -> column + " > " + literal(type, predicate.asLiteralPredicate().literal());
        case GT_EQ -> column + " >= " + literal(type, predicate.asLiteralPredicate().literal());
        case EQ -> column + " = " + literal(type, predicate.asLiteralPredicate().literal());
        case NOT_EQ -> column + " <> " + literal(type, predicate.asLiteralPredicate().literal());
        default -> throw new IllegalArgumentException("no Trino rendering for " + predicate.op());
      };
    }
  }

  static String literal(Type type, Literal<?> literal) {
    Object value = literal.value();
    return switch (type.typeId()) {
      case STRING -> "'" + value.toString().replace("'", "''") + "'";
      case INTEGER, LONG -> value.toString();
      case UUID -> "UUID '" + value + "'";
      case DATE -> "DATE '" + LocalDate.ofEpochDay(((Integer) value).longValue()) + "'";
      case TIMESTAMP -> {
        Instant instant = Instant.EPOCH.plus((Long) value, java.time.temporal.ChronoUnit.MICROS);
        String text = MICROS.format(LocalDateTime.ofInstant(instant, ZoneOffset.UTC));
        yield ((Types.TimestampType) type).shouldAdjustToUTC()
            ? "TIMESTAMP '" + text + " UTC'"
            : "TIMESTAMP '" + text + "'";
      }
      case TIMESTAMP_NANO -> {
        Instant instant = Instant.EPOCH.plusNanos((Long) value);
        String text = NANOS.format(LocalDateTime.ofInstant(instant, ZoneOffset.UTC));
        yield ((Types.TimestampNanoType) type).shouldAdjustToUTC()
            ? "TIMESTAMP '" + text + " UTC'"
            : "TIMESTAMP '" + text + "'";
      }
      default -> throw new IllegalArgumentException("no Trino literal for " + type);
    };
  }
}
