package dev.sluice.catalog.audit;

import static java.util.Objects.requireNonNull;

/**
 * One decision as it is recorded: who, what, on which resource, the outcome, the deciding rule and
 * the policy version that decided it (null when no policy took part).
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

  /** A decision no policy took part in (authentication, the admin role, configuration). */
  public AuditEntry(
      String principal, String action, String resource, boolean allowed, String rule) {
    this(principal, action, resource, allowed, rule, null);
  }
}
