package dev.sluice.catalog.audit;

import static java.util.Objects.requireNonNull;

/**
 * One decision as it is recorded: who, what, on which resource, the outcome, the deciding rule and
 * the version of the policy that decided (null when no policy version decided it).
 */
public record AuditEntry(
    String principal,
    String action,
    String resource,
    boolean allowed,
    String rule,
    Integer policyVersion) {
  public AuditEntry {
    requireNonNull(principal, "principal");
    requireNonNull(action, "action");
    requireNonNull(resource, "resource");
    requireNonNull(rule, "rule");
  }

  /** A decision no policy version is named for. */
  public AuditEntry(
      String principal, String action, String resource, boolean allowed, String rule) {
    this(principal, action, resource, allowed, rule, null);
  }
}
