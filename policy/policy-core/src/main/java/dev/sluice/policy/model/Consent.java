package dev.sluice.policy.model;

import java.util.Objects;

/**
 * Where a dataset keeps consent: the data subject's id column, an {@code allowed_purposes}-style
 * column listing the purposes consented to, and/or a {@code consent_status}-style column that must
 * equal {@code grantedValue}.
 */
public record Consent(
    String subjectColumn,
    String purposesColumn,
    String statusColumn,
    String grantedValue,
    Origin origin) {

  public Consent {
    Objects.requireNonNull(grantedValue, "grantedValue");
    Objects.requireNonNull(origin, "origin");
  }

  /** Compares the rule itself, ignoring where it was written. */
  public boolean sameRule(Consent other) {
    return other != null
        && Objects.equals(subjectColumn, other.subjectColumn)
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
    if (subjectColumn != null) {
      text.append(" (subject ").append(subjectColumn).append(")");
    }
    return text.toString();
  }
}
