package dev.sluice.contracts;

import dev.sluice.policy.model.ColumnType;
import dev.sluice.policy.model.ContractField;
import dev.sluice.policy.model.ContractValues;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.MetricsConfig;
import org.apache.iceberg.MetricsModes;
import org.apache.iceberg.MetricsModes.MetricsMode;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Types;

/**
 * A declared field's value rules ({@code nullable: false}, {@code valid-range}, {@code
 * valid-values}) against each added file's null count and bounds. Only what the metrics prove is a
 * violation; what they cannot decide goes to the unchecked log.
 */
final class FieldValues {

  static final String NULLABLE = "nullable";
  static final String VALID_RANGE = "valid-range";
  static final String VALID_VALUES = "valid-values";

  private final ContractField declared;
  private final Types.NestedField column;
  private final String name;
  private final MetricsMode mode;
  private final UncheckedLog unchecked;
  private boolean checkNulls;
  private Comparable<?> min;
  private Comparable<?> max;
  private List<Comparable<?>> validValues = List.of();

  private FieldValues(
      ContractField declared,
      Types.NestedField column,
      String name,
      MetricsMode mode,
      UncheckedLog unchecked) {
    this.declared = declared;
    this.column = column;
    this.name = name;
    this.mode = mode;
    this.unchecked = unchecked;
  }

  /** The checks the field's metrics can make, or null when there are none. */
  static FieldValues plan(
      ContractField declared, Schema schema, MetricsConfig config, UncheckedLog unchecked) {
    Types.NestedField column = SchemaFields.find(schema, declared.name());
    if (column == null) {
      return null; // the schema check reports a declared field that is not there
    }
    String name = schema.findColumnName(column.fieldId());
    FieldValues plan = new FieldValues(declared, column, name, config.columnMode(name), unchecked);
    boolean wantsBounds = declared.hasRange() || !declared.validValues().isEmpty();
    if (!column.type().isPrimitiveType()) {
      String reason =
          "Iceberg keeps no metrics for "
              + column.type().typeId().name().toLowerCase(Locale.ROOT)
              + " column "
              + name;
      plan.undecided(declared.required(), NULLABLE, reason);
      plan.undecided(declared.hasRange(), VALID_RANGE, reason);
      plan.undecided(!declared.validValues().isEmpty(), VALID_VALUES, reason);
      return null;
    }
    plan.checkNulls = declared.required();
    if (plan.mode instanceof MetricsModes.None) {
      plan.undecided(
          plan.checkNulls, NULLABLE, "metrics mode none keeps no null count for " + name);
      plan.checkNulls = false;
    }
    if (wantsBounds) {
      if (plan.mode instanceof MetricsModes.None || plan.mode instanceof MetricsModes.Counts) {
        String reason = "metrics mode " + plan.mode + " keeps no bounds for " + name;
        plan.undecided(declared.hasRange(), VALID_RANGE, reason);
        plan.undecided(!declared.validValues().isEmpty(), VALID_VALUES, reason);
      } else {
        plan.readValues(ColumnTypes.of(column.type()).map(ColumnType::family).orElse(null));
      }
    }
    return plan.checkNulls || plan.min != null || plan.max != null || !plan.validValues.isEmpty()
        ? plan
        : null;
  }

  /** Reads the contract's bounds and values as values of the column's own type. */
  private void readValues(ColumnType.Family family) {
    if (family == null || !ContractValues.rangeApplies(family)) {
      String reason = "bounds of a " + column.type() + " column are not compared";
      undecided(declared.hasRange(), VALID_RANGE, reason);
      undecided(!declared.validValues().isEmpty(), VALID_VALUES, reason);
      return;
    }
    min = value(family, declared.min(), VALID_RANGE, "min");
    max = value(family, declared.max(), VALID_RANGE, "max");
    List<Comparable<?>> values = new ArrayList<>();
    for (String text : declared.validValues()) {
      Comparable<?> value = value(family, text, VALID_VALUES, "value");
      if (value == null) {
        return; // an unreadable valid value would make every value look invalid
      }
      values.add(value);
    }
    validValues = List.copyOf(values);
  }

  private Comparable<?> value(ColumnType.Family family, String text, String rule, String what) {
    if (text == null) {
      return null;
    }
    Comparable<?> value = ContractValues.parse(family, text).orElse(null);
    if (value == null) {
      unchecked.field(
          name,
          rule,
          "the contract's " + what + " '" + text + "' is not a value of " + column.type());
    }
    return value;
  }

  private void undecided(boolean declaredRule, String rule, String reason) {
    if (declaredRule) {
      unchecked.field(name, rule, reason);
    }
  }

  void check(DataFile file, List<ContractViolation> violations) {
    if (checkNulls) {
      Long nulls = count(file.nullValueCounts());
      if (nulls == null) {
        unchecked.file(name, NULLABLE, file.location(), "no null count for " + name);
      } else if (nulls > 0) {
        violations.add(
            violation(
                NULLABLE,
                file,
                "File "
                    + file.location()
                    + " holds "
                    + nulls
                    + (nulls == 1 ? " null" : " nulls")
                    + " in field '"
                    + name
                    + "', which the contract declares not nullable."));
      }
    }
    if (min == null && max == null && validValues.isEmpty()) {
      return;
    }
    Bound lower = bound(file.lowerBounds());
    Bound upper = bound(file.upperBounds());
    if (lower == null && upper == null) {
      if (!onlyNulls(file)) {
        undecided(file, min != null || max != null, VALID_RANGE, "no bounds for " + name);
        undecided(file, !validValues.isEmpty(), VALID_VALUES, "no bounds for " + name);
      }
      return;
    }
    if (min != null || max != null) {
      checkRange(file, lower, upper, violations);
    }
    if (!validValues.isEmpty()) {
      checkValues(file, lower, upper, violations);
    }
  }

  /**
   * An exact bound outside the range proves a value outside it. A truncated one still bounds every
   * value, so a lower bound above max (or an upper bound below min) proves them all outside.
   */
  private void checkRange(
      DataFile file, Bound lower, Bound upper, List<ContractViolation> violations) {
    List<String> proofs = new ArrayList<>();
    boolean decided = true;
    if (min != null) {
      if (lower != null && lower.exact() && lower.compareTo(min) < 0) {
        proofs.add("value " + lower.spell() + ", below the contract's min " + Bound.spell(min));
      } else if (upper != null && upper.compareTo(min) < 0) {
        proofs.add(
            "only values up to "
                + upper.spell()
                + ", below the contract's min "
                + Bound.spell(min));
      } else {
        decided = lower != null && lower.exact();
      }
    }
    if (max != null) {
      if (upper != null && upper.exact() && upper.compareTo(max) > 0) {
        proofs.add("value " + upper.spell() + ", above the contract's max " + Bound.spell(max));
      } else if (lower != null && lower.compareTo(max) > 0) {
        proofs.add(
            "only values from "
                + lower.spell()
                + " up, above the contract's max "
                + Bound.spell(max));
      } else {
        decided &= upper != null && upper.exact();
      }
    }
    if (!proofs.isEmpty()) {
      violations.add(
          violation(
              VALID_RANGE,
              file,
              "Field '"
                  + name
                  + "' in file "
                  + file.location()
                  + " holds "
                  + String.join(", and ", proofs)
                  + "."));
    } else if (!decided) {
      undecided(file, true, VALID_RANGE, inexact(lower, upper, "range"));
    }
  }

  /**
   * An exact bound not among the valid values proves an invalid value; bounds (exact or not) with
   * no valid value between them prove every value invalid.
   */
  private void checkValues(
      DataFile file, Bound lower, Bound upper, List<ContractViolation> violations) {
    List<String> invalid = new ArrayList<>();
    for (Bound bound : new Bound[] {lower, upper}) {
      if (bound != null && bound.exact() && !valid(bound) && !invalid.contains(bound.spell())) {
        invalid.add(bound.spell());
      }
    }
    String holds = null;
    if (!invalid.isEmpty()) {
      holds =
          String.join(" and ", invalid)
              + (invalid.size() == 1 ? ", which is not" : ", which are not");
    } else if (lower != null
        && upper != null
        && validValues.stream()
            .noneMatch(v -> lower.compareTo(v) <= 0 && upper.compareTo(v) >= 0)) {
      holds =
          "only values between " + lower.spell() + " and " + upper.spell() + ", none of which is";
    }
    if (holds != null) {
      violations.add(
          violation(
              VALID_VALUES,
              file,
              "Field '"
                  + name
                  + "' in file "
                  + file.location()
                  + " holds "
                  + holds
                  + " among the contract's valid values "
                  + spellValues()
                  + "."));
    } else if (lower == null || upper == null || !lower.exact() || !upper.exact()) {
      undecided(file, true, VALID_VALUES, inexact(lower, upper, "valid values"));
    }
  }

  private boolean valid(Bound bound) {
    return validValues.stream().anyMatch(v -> bound.compareTo(v) == 0);
  }

  private String inexact(Bound lower, Bound upper, String rule) {
    if (lower == null || upper == null) {
      return "only one bound for " + name;
    }
    return "bounds for "
        + name
        + " truncated to "
        + ((MetricsModes.Truncate) mode).length()
        + " characters, which prove only values wholly outside the contract's "
        + rule;
  }

  private String spellValues() {
    String shown =
        validValues.stream().limit(10).map(Bound::spell).collect(Collectors.joining(", "));
    return validValues.size() > 10 ? shown + ", …" : shown;
  }

  /** A file whose every value of the column is null (or NaN) has no bounds and nothing to check. */
  private boolean onlyNulls(DataFile file) {
    Long nulls = count(file.nullValueCounts());
    Long nans = count(file.nanValueCounts());
    Long values = count(file.valueCounts());
    return nulls != null && values != null && nulls + (nans == null ? 0 : nans) >= values;
  }

  private Bound bound(Map<Integer, ByteBuffer> bounds) {
    ByteBuffer buffer = bounds == null ? null : bounds.get(column.fieldId());
    return buffer == null ? null : Bound.read(column.type(), buffer, mode);
  }

  private Long count(Map<Integer, Long> counts) {
    return counts == null ? null : counts.get(column.fieldId());
  }

  private void undecided(DataFile file, boolean declaredRule, String rule, String gap) {
    if (declaredRule) {
      unchecked.file(name, rule, file.location(), gap);
    }
  }

  private ContractViolation violation(String rule, DataFile file, String message) {
    return new ContractViolation(rule, name, file.location(), message, declared.origin());
  }
}
