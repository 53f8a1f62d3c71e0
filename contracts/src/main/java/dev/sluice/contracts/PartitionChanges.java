package dev.sluice.contracts;

import dev.sluice.policy.model.Contract;
import java.util.List;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Types;

/**
 * The contract's {@code partition-fields}: consumers prune on them, so the partition fields sourced
 * from each named column (transform and source) must stay as they were; a table created under the
 * contract must partition by each. A column not partitioned before may start to be.
 */
final class PartitionChanges {

  static final String PARTITION_FIELD = "partition-field";

  private PartitionChanges() {}

  static void check(
      Contract contract,
      Schema before,
      PartitionSpec specBefore,
      Schema after,
      PartitionSpec specAfter,
      List<ContractViolation> violations) {
    boolean creating = before == null || specBefore == null;
    for (String column : contract.partitionFields()) {
      List<String> now = transforms(after, specAfter, column);
      if (creating) {
        if (now.isEmpty()) {
          violations.add(
              violation(
                  contract,
                  column,
                  "The table is created without partitioning by '"
                      + column
                      + "', which the contract's partition-fields require."));
        }
        continue;
      }
      List<String> was = transforms(before, specBefore, column);
      if (!was.isEmpty() && !was.equals(now)) {
        violations.add(
            violation(
                contract,
                column,
                "Partitioning by '"
                    + column
                    + "' changes from "
                    + spell(was)
                    + " to "
                    + spell(now)
                    + ", which the contract's partition-fields refuse."));
      }
    }
  }

  /** The transforms of the spec's partition fields sourced from the column, void ones left out. */
  private static List<String> transforms(Schema schema, PartitionSpec spec, String column) {
    Types.NestedField source = SchemaFields.find(schema, column);
    if (source == null || spec == null) {
      return List.of();
    }
    return spec.fields().stream()
        .filter(field -> field.sourceId() == source.fieldId() && !field.transform().isVoid())
        .map(field -> field.transform().toString())
        .sorted()
        .toList();
  }

  private static String spell(List<String> transforms) {
    return transforms.isEmpty() ? "none" : String.join(", ", transforms);
  }

  private static ContractViolation violation(Contract contract, String column, String message) {
    return new ContractViolation(PARTITION_FIELD, column, null, message, contract.origin());
  }
}
