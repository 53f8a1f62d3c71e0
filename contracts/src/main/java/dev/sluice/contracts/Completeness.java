package dev.sluice.contracts;

import dev.sluice.policy.model.Contract;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Types;

/**
 * A field's {@code completeness} over a commit: the null count summed over the added files, divided
 * by their rows, must not exceed the contract's largest null fraction. A file without a null count
 * only leaves the fraction a lower bound: that bound above the limit is still a violation. NaN is a
 * value, not a null (Iceberg counts it apart).
 */
final class Completeness {

  static final String RULE = "completeness";
  private static final int FILES_NAMED = 5;

  private final Contract contract;
  private final Types.NestedField column;
  private final String name;
  private final double limit;
  private long nulls;
  private long rows;
  private int files;
  private final List<String> filesWithNulls = new ArrayList<>();
  private int moreFilesWithNulls;
  private int filesWithoutCount;
  private String firstWithoutCount;

  private Completeness(Contract contract, Types.NestedField column, String name, double limit) {
    this.contract = contract;
    this.column = column;
    this.name = name;
    this.limit = limit;
  }

  /** The check of one completeness entry, or null when the schema has no such column. */
  static Completeness plan(Contract contract, String field, double limit, Schema schema) {
    Types.NestedField column = SchemaFields.find(schema, field);
    return column == null
        ? null
        : new Completeness(contract, column, schema.findColumnName(column.fieldId()), limit);
  }

  void add(DataFile file) {
    files++;
    rows += file.recordCount();
    Long count =
        file.nullValueCounts() == null ? null : file.nullValueCounts().get(column.fieldId());
    if (count == null) {
      if (filesWithoutCount++ == 0) {
        firstWithoutCount = file.location();
      }
    } else if (count > 0) {
      nulls += count;
      if (filesWithNulls.size() < FILES_NAMED) {
        filesWithNulls.add(file.location());
      } else {
        moreFilesWithNulls++;
      }
    }
  }

  void finish(List<ContractViolation> violations, UncheckedLog unchecked) {
    if (rows == 0) {
      return;
    }
    double fraction = (double) nulls / rows;
    if (fraction > limit) {
      violations.add(
          new ContractViolation(
              RULE,
              name,
              null,
              "Field '"
                  + name
                  + "' is "
                  + (filesWithoutCount > 0 ? "at least " : "")
                  + percent(fraction, limit)
                  + " null in the "
                  + files
                  + " added file"
                  + (files == 1 ? "" : "s")
                  + " ("
                  + nulls
                  + " of "
                  + rows
                  + " rows), above the contract's completeness limit of "
                  + percent(limit, -1)
                  + "; the nulls are in "
                  + String.join(", ", filesWithNulls)
                  + (moreFilesWithNulls > 0 ? " and " + moreFilesWithNulls + " more files" : "")
                  + ".",
              contract.origin()));
    } else if (filesWithoutCount > 0) {
      unchecked.field(
          name,
          RULE,
          "file "
              + firstWithoutCount
              + " carries no null count for "
              + name
              + (filesWithoutCount > 1
                  ? " (as do " + (filesWithoutCount - 1) + " other added files)"
                  : "")
              + ", so its null fraction is unknown");
    }
  }

  /**
   * A fraction as a percentage with two decimals, or more when two decimals would show it equal to
   * {@code other} (so 1.004% is not shown as the limit of 1%).
   */
  static String percent(double fraction, double other) {
    BigDecimal value = BigDecimal.valueOf(fraction).movePointRight(2);
    BigDecimal compared = BigDecimal.valueOf(other).movePointRight(2);
    for (int scale = 2; ; scale++) {
      BigDecimal shown = value.setScale(scale, RoundingMode.HALF_UP);
      if (scale >= 8 || shown.compareTo(compared.setScale(scale, RoundingMode.HALF_UP)) != 0) {
        return shown.stripTrailingZeros().toPlainString() + "%";
      }
    }
  }
}
