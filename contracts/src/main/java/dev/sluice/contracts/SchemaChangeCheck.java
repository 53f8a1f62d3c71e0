package dev.sluice.contracts;

import dev.sluice.policy.model.Compatibility;
import dev.sluice.policy.model.Contract;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;

/**
 * Whether a schema or partition change breaks a dataset's contract. Fields are matched by Iceberg
 * field id, nested ones included, so a rename is seen as one; names in violations are dotted full
 * names. Under the contract's compatibility mode:
 *
 * <ul>
 *   <li>{@code drop-field}: refused under forward and full; under backward when the contract
 *       declares the field (or one nested in it) or lineage saw a job read it;
 *   <li>{@code rename-field} and {@code narrow-type} (a change Iceberg does not allow as a
 *       promotion): refused under backward, forward and full;
 *   <li>{@code widen-type} (int to long, float to double, a wider decimal): forward and full;
 *   <li>{@code required-field} (optional made required, or a new required field without an initial
 *       default): backward and full; {@code optional-field} (required made optional): forward and
 *       full;
 *   <li>{@code partition-field}: the partition fields sourced from each of the contract's {@code
 *       partition-fields} stay as they were, and a new table partitions by each; every mode but
 *       none.
 * </ul>
 *
 * In every mode, {@code none} included, each declared field must exist by name after the change
 * ({@code declared-field}) and have its declared type ({@code declared-type}), so a declared field
 * cannot be dropped or renamed in any mode. Mode {@code none} checks nothing else.
 */
public final class SchemaChangeCheck {

  private SchemaChangeCheck() {}

  /**
   * The violations of a table's change from {@code before}/{@code specBefore} (both null when the
   * table is created) to {@code after}/{@code specAfter}. {@code lineageReaders} maps a column's
   * dotted name to the jobs that read it recently; it may be empty.
   */
  public static List<ContractViolation> check(
      Contract contract,
      Schema before,
      PartitionSpec specBefore,
      Schema after,
      PartitionSpec specAfter,
      Map<String, List<String>> lineageReaders) {
    Objects.requireNonNull(contract, "contract");
    Objects.requireNonNull(after, "after");
    List<ContractViolation> violations = new ArrayList<>();
    if (contract.effectiveCompatibility() != Compatibility.NONE) {
      if (before != null) {
        new FieldChanges(
                contract,
                SchemaFields.of(before),
                SchemaFields.of(after),
                lineageReaders == null ? Map.of() : lineageReaders,
                violations)
            .check();
      }
      PartitionChanges.check(contract, before, specBefore, after, specAfter, violations);
    }
    DeclaredFields.check(contract, after, violations);
    return List.copyOf(violations);
  }
}
