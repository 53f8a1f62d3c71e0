package dev.sluice.contracts;

import dev.sluice.policy.model.Contract;
import dev.sluice.policy.model.ContractField;
import dev.sluice.policy.model.Origin;
import java.util.List;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Types;

/**
 * The contract's declared fields against a schema: each must exist by name ({@code declared-field})
 * and, when a type is declared, have it ({@code declared-type}). Checked in every mode, {@code
 * none} included, since declared fields are the contract's explicit promise. Nullability is not
 * checked here: engines create nullable columns, so it is checked on the values written.
 */
final class DeclaredFields {

  static final String DECLARED_FIELD = "declared-field";
  static final String DECLARED_TYPE = "declared-type";

  private DeclaredFields() {}

  /**
   * Adds the violations of {@code schema} to {@code violations}. A declared field already reported
   * as dropped or renamed there (itself or an enclosing field) is not reported again as missing.
   */
  static void check(Contract contract, Schema schema, List<ContractViolation> violations) {
    List<ContractViolation> changes = List.copyOf(violations);
    for (ContractField declared : contract.fields().values()) {
      Types.NestedField column = SchemaFields.find(schema, declared.name());
      if (column == null) {
        if (!reportedGone(changes, declared.name())) {
          violations.add(
              new ContractViolation(
                  DECLARED_FIELD,
                  declared.name(),
                  null,
                  "Declared field '" + declared.name() + "' is not in the table's schema.",
                  declared.origin()));
        }
      } else if (declared.type() != null && !ColumnTypes.matches(declared.type(), column.type())) {
        violations.add(
            new ContractViolation(
                DECLARED_TYPE,
                declared.name(),
                null,
                "Declared field '"
                    + declared.name()
                    + "' is "
                    + declared.type()
                    + " in the contract but "
                    + column.type()
                    + " in the table's schema.",
                declared.origin()));
      }
    }
  }

  private static boolean reportedGone(List<ContractViolation> changes, String name) {
    return changes.stream()
        .anyMatch(
            v ->
                (v.rule().equals(FieldChanges.DROP_FIELD)
                        || v.rule().equals(FieldChanges.RENAME_FIELD))
                    && SchemaFields.within(name, v.field()));
  }

  /** The declared fields that are {@code name} or nested in it. */
  static List<ContractField> within(Contract contract, String name) {
    return contract.fields().values().stream()
        .filter(declared -> SchemaFields.within(declared.name(), name))
        .toList();
  }

  /**
   * Where the promise a change breaks was written: the first declared field that is one of the
   * names or nested in one, else the contract.
   */
  static Origin origin(Contract contract, String... names) {
    for (String name : names) {
      List<ContractField> declared = within(contract, name);
      if (!declared.isEmpty()) {
        return declared.get(0).origin();
      }
    }
    return contract.origin();
  }
}
