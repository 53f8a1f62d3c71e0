package dev.sluice.catalog.contracts;

import static java.util.Objects.requireNonNull;

import java.time.OffsetDateTime;

/**
 * One thing a contract check found at a commit: a violation that refused it, one it was accepted
 * with (severity {@code warning}), or a checked field its new files carried no metrics for.
 */
public record ContractFinding(
    long id,
    String dataset,
    Outcome outcome,
    String rule,
    String field,
    String file,
    String message,
    String ruleOrigin,
    int policyVersion,
    String principal,
    String requestId,
    OffsetDateTime createdAt) {

  /** What the finding did to its commit. */
  public enum Outcome {
    REFUSED,
    WARNED,
    UNCHECKED
  }

  public ContractFinding {
    requireNonNull(dataset, "dataset is null");
    requireNonNull(outcome, "outcome is null");
    requireNonNull(rule, "rule is null");
    requireNonNull(message, "message is null");
    requireNonNull(ruleOrigin, "ruleOrigin is null");
    requireNonNull(principal, "principal is null");
  }
}
