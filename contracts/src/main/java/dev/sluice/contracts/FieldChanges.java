package dev.sluice.contracts;

import dev.sluice.policy.model.Compatibility;
import dev.sluice.policy.model.Contract;
import dev.sluice.policy.model.ContractField;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.TypeUtil;
import org.apache.iceberg.types.Types;

/**
 * A schema change field by field, matched by id, against the contract's compatibility mode (any but
 * {@code none}): dropped, renamed, retyped, made required or optional, and new required fields.
 */
final class FieldChanges {

  static final String DROP_FIELD = "drop-field";
  static final String RENAME_FIELD = "rename-field";
  static final String NARROW_TYPE = "narrow-type";
  static final String WIDEN_TYPE = "widen-type";
  static final String REQUIRED_FIELD = "required-field";
  static final String OPTIONAL_FIELD = "optional-field";

  private final Contract contract;
  private final Compatibility mode;
  private final SchemaFields before;
  private final SchemaFields after;
  private final Map<String, List<String>> lineageReaders;
  private final List<ContractViolation> violations;

  FieldChanges(
      Contract contract,
      SchemaFields before,
      SchemaFields after,
      Map<String, List<String>> lineageReaders,
      List<ContractViolation> violations) {
    this.contract = contract;
    this.mode = contract.effectiveCompatibility();
    this.before = before;
    this.after = after;
    this.lineageReaders = lineageReaders;
    this.violations = violations;
  }

  void check() {
    for (int id : before.ids()) {
      Types.NestedField was = before.field(id);
      Types.NestedField is = after.field(id);
      if (is == null) {
        Integer parent = before.parent(id);
        // a field dropped with its enclosing field is reported once, as the enclosing one
        if (parent == null || after.has(parent)) {
          dropped(before.name(id));
        }
        continue;
      }
      if (!was.name().equals(is.name())) {
        renamed(before.name(id), after.name(id));
      }
      retyped(after.name(id), was.type(), is.type());
      if (was.isOptional() && is.isRequired() && mode.checksBackward()) {
        add(
            REQUIRED_FIELD,
            after.name(id),
            "changes from optional to required, which "
                + refuses()
                + ": files already written may hold nulls in it.");
      } else if (was.isRequired() && is.isOptional() && mode.checksForward()) {
        add(
            OPTIONAL_FIELD,
            after.name(id),
            "changes from required to optional, which "
                + refuses()
                + ": readers of the old schema expect a value in it.");
      }
    }
    for (int id : after.ids()) {
      if (!before.has(id)) {
        added(id);
      }
    }
  }

  /** Refused under forward and full; under backward when declared or read by a job. */
  private void dropped(String name) {
    List<ContractField> declared = DeclaredFields.within(contract, name);
    List<String> readers = readersOf(name);
    List<String> reasons = new ArrayList<>();
    if (!declared.isEmpty()) {
      reasons.add(
          declared.size() == 1 && declared.get(0).name().equalsIgnoreCase(name)
              ? "the contract declares it"
              : "the contract declares "
                  + String.join(", ", declared.stream().map(f -> "'" + f.name() + "'").toList()));
    }
    if (!readers.isEmpty()) {
      reasons.add(
          (readers.size() == 1 ? "job " : "jobs ")
              + String.join(", ", readers)
              + (readers.size() == 1 ? " reads it" : " read it"));
    }
    if (reasons.isEmpty() && !mode.checksForward()) {
      return;
    }
    String message;
    if (reasons.isEmpty()) {
      message = "is dropped, which " + refuses() + ": readers of the old schema expect it.";
    } else {
      if (mode.checksForward()) {
        reasons.add("compatibility " + mode.spelling() + " refuses drops");
      }
      message = "is dropped although " + String.join(" and ", reasons) + ".";
    }
    add(DROP_FIELD, name, message);
  }

  /** The jobs lineage saw reading the field or a field nested in it. */
  private List<String> readersOf(String name) {
    TreeSet<String> jobs = new TreeSet<>();
    lineageReaders.forEach(
        (column, readers) -> {
          if (SchemaFields.within(column, name) && readers != null) {
            jobs.addAll(readers);
          }
        });
    return List.copyOf(jobs);
  }

  private void renamed(String from, String to) {
    violations.add(
        new ContractViolation(
            RENAME_FIELD,
            from,
            null,
            "Field '"
                + from
                + "' is renamed to '"
                + to
                + "', which "
                + refuses()
                + ": readers that select it by name lose it.",
            DeclaredFields.origin(contract, from, to)));
  }

  /** Promotions Iceberg allows widen; any other change of a primitive or of a nesting narrows. */
  private void retyped(String name, Type was, Type is) {
    if (was.isPrimitiveType() && is.isPrimitiveType()) {
      if (was.equals(is)) {
        return;
      }
      if (TypeUtil.isPromotionAllowed(was, is.asPrimitiveType())) {
        if (mode.checksForward()) {
          add(
              WIDEN_TYPE,
              name,
              "is widened from "
                  + was
                  + " to "
                  + is
                  + ", which "
                  + refuses()
                  + ": readers of the old schema cannot read the new values.");
        }
        return;
      }
    } else if (was.typeId() == is.typeId()) {
      return; // a struct, list or map stays one; its fields are compared by id
    }
    add(
        NARROW_TYPE,
        name,
        "changes type from "
            + was
            + " to "
            + is
            + ", which is not a promotion Iceberg allows and "
            + refuses()
            + ".");
  }

  /**
   * A new required field without an initial default leaves files already written without a value.
   * One nested in a field that is new too is judged with that field: absent files read it as null.
   */
  private void added(int id) {
    Types.NestedField field = after.field(id);
    if (!mode.checksBackward() || field.isOptional() || field.initialDefault() != null) {
      return;
    }
    for (Integer parent = after.parent(id); parent != null; parent = after.parent(parent)) {
      if (!before.has(parent)) {
        return;
      }
    }
    String name = after.name(id);
    violations.add(
        new ContractViolation(
            REQUIRED_FIELD,
            name,
            null,
            "New field '"
                + name
                + "' is required without an initial default, which "
                + refuses()
                + ": files already written hold no value for it.",
            DeclaredFields.origin(contract, name)));
  }

  private String refuses() {
    return "compatibility " + mode.spelling() + " refuses";
  }

  private void add(String rule, String name, String predicate) {
    violations.add(
        new ContractViolation(
            rule,
            name,
            null,
            "Field '" + name + "' " + predicate,
            DeclaredFields.origin(contract, name)));
  }
}
