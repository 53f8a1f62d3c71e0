package dev.sluice.contracts;

import dev.sluice.policy.model.Contract;
import dev.sluice.policy.model.ContractField;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.MetricsConfig;
import org.apache.iceberg.Schema;
import org.apache.iceberg.SortOrder;

/**
 * Whether the data files a commit adds break the contract's value rules, judged from the manifest
 * metrics alone (no data file is read):
 *
 * <ul>
 *   <li>{@code nullable}: a file with nulls in a field declared {@code nullable: false};
 *   <li>{@code valid-range}: an exact bound outside the range, or truncated string bounds wholly
 *       outside it;
 *   <li>{@code valid-values}: an exact bound that is not a valid value, or bounds with no valid
 *       value between them;
 *   <li>{@code completeness}: the commit's null fraction of a field above the contract's limit.
 * </ul>
 *
 * A violation is reported only when the metrics prove it. Where they cannot decide (no null count,
 * no bounds, metrics mode {@code counts} or {@code none}, string bounds truncated by {@code
 * truncate(n)}) the rule is listed as unchecked with the reason. Contract fields the schema lacks
 * are skipped: {@link SchemaChangeCheck} reports them.
 */
public final class FileMetricsCheck {

  private FileMetricsCheck() {}

  /**
   * Checks {@code addedFiles}, read once, against {@code contract}. {@code tableProperties} say
   * which metrics the writers kept ({@code write.metadata.metrics.*}).
   */
  public static MetricsCheckResult check(
      Contract contract,
      Schema schema,
      Map<String, String> tableProperties,
      Iterable<DataFile> addedFiles) {
    Objects.requireNonNull(contract, "contract");
    Objects.requireNonNull(schema, "schema");
    Objects.requireNonNull(addedFiles, "addedFiles");
    // Modes from the properties and the schema, not the sort order: sorting only keeps bounds a
    // column would otherwise lack, and bounds not relied upon leave a rule unchecked, never wrong.
    MetricsConfig config =
        MetricsConfig.from(
            tableProperties == null ? Map.of() : tableProperties, schema, SortOrder.unsorted());
    UncheckedLog unchecked = new UncheckedLog();
    List<FieldValues> fields = new ArrayList<>();
    for (ContractField declared : contract.fields().values()) {
      FieldValues plan = FieldValues.plan(declared, schema, config, unchecked);
      if (plan != null) {
        fields.add(plan);
      }
    }
    List<Completeness> completeness = new ArrayList<>();
    contract
        .completeness()
        .forEach(
            (field, limit) -> {
              Completeness plan = Completeness.plan(contract, field, limit, schema);
              if (plan != null) {
                completeness.add(plan);
              }
            });
    List<ContractViolation> violations = new ArrayList<>();
    int files = 0;
    for (DataFile file : addedFiles) {
      files++;
      for (FieldValues field : fields) {
        field.check(file, violations);
      }
      for (Completeness field : completeness) {
        field.add(file);
      }
    }
    for (Completeness field : completeness) {
      field.finish(violations, unchecked);
    }
    return new MetricsCheckResult(violations, unchecked.entries(), files);
  }
}
