package dev.sluice.policy.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Where a dataset keeps consent: the data subject's id column (and {@code subjectColumns}, further
 * columns that also hold subject ids, e.g. a buyer and a seller), an {@code allowed_purposes}-style
 * column listing the purposes consented to, and/or a {@code consent_status}-style column that must
 * equal {@code grantedValue}.
 */
public record Consent(
    String subjectColumn,
    String purposesColumn,
    String statusColumn,
    String grantedValue,
    Origin origin,
    List<String> subjectColumns) {

  public Consent {
    Objects.requireNonNull(grantedValue, "grantedValue");
    Objects.requireNonNull(origin, "origin");
    subjectColumns = subjectColumns == null ? List.of() : List.copyOf(subjectColumns);
  }

  public Consent(
      String subjectColumn,
      String purposesColumn,
      String statusColumn,
      String grantedValue,
      Origin origin) {
    this(subjectColumn, purposesColumn, statusColumn, grantedValue, origin, List.of());
  }

  /** Every column that holds a data subject's id: {@code subjectColumn}, then the others. */
  public List<String> allSubjectColumns() {
    List<String> all = new ArrayList<>();
    if (subjectColumn != null) {
      all.add(subjectColumn);
    }
    subjectColumns.stream().filter(c -> !all.contains(c)).forEach(all::add);
    return List.copyOf(all);
  }

  /** Compares the rule itself, ignoring where it was written. */
  public boolean sameRule(Consent other) {
    return other != null
        && Objects.equals(subjectColumn, other.subjectColumn)
        && Objects.equals(subjectColumns, other.subjectColumns)
        && Objects.equals(purposesColumn, other.purposesColumn)
        && Objects.equals(statusColumn, other.statusColumn)
        && Objects.equals(grantedValue, other.grantedValue);
  }

  public String describe() {
    StringBuilder text = new StringBuilder();
    if (purposesColumn != null) {
      text.append("purposes in ").append(purposesColumn);
    }
    if (statusColumn != null) {
      if (text.length() > 0) {
        text.append(", ");
      }
      text.append(statusColumn).append(" = '").append(grantedValue).append("'");
    }
    if (!allSubjectColumns().isEmpty()) {
      text.append(" (subject ").append(String.join(", ", allSubjectColumns())).append(")");
    }
    return text.toString();
  }
}
