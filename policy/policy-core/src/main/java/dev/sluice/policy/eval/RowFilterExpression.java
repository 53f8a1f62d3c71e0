package dev.sluice.policy.eval;

import java.util.Objects;

/** A Trino SQL predicate the reader's rows must satisfy; every filter of a decision applies. */
public record RowFilterExpression(String expression, Kind kind, String reason) {

  /** Consent filters come from the purpose; declared ones from the dataset's row-filters. */
  public enum Kind {
    CONSENT,
    DECLARED
  }

  public RowFilterExpression {
    Objects.requireNonNull(expression, "expression");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(reason, "reason");
  }
}
