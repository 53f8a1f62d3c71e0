package dev.sluice.contracts;

import java.util.List;
import java.util.Objects;

/**
 * What the added files' metrics proved: the violations, the rules the metrics could not decide for
 * a field (with why), and how many files were looked at.
 */
public record MetricsCheckResult(
    List<ContractViolation> violations, List<Unchecked> unchecked, int filesChecked) {

  public MetricsCheckResult {
    violations = List.copyOf(violations);
    unchecked = List.copyOf(unchecked);
    if (filesChecked < 0) {
      throw new IllegalArgumentException("filesChecked must not be negative: " + filesChecked);
    }
  }

  /**
   * A rule the metrics could not decide for a field: neither a violation nor proof of none, e.g.
   * "file s3://…/x.parquet carries no null count for customer_id".
   */
  public record Unchecked(String field, String rule, String reason) {

    public Unchecked {
      Objects.requireNonNull(field, "field");
      Objects.requireNonNull(rule, "rule");
      Objects.requireNonNull(reason, "reason");
    }
  }
}
