package dev.sluice.catalog.audit;

import static java.util.Objects.requireNonNull;

/**
 * One decision as it is recorded: who, what, on which resource, the outcome and the deciding rule.
 */
public record AuditEntry(
    String principal, String action, String resource, boolean allowed, String rule) {
  public AuditEntry {
    requireNonNull(principal, "principal");
    requireNonNull(action, "action");
    requireNonNull(resource, "resource");
    requireNonNull(rule, "rule");
  }
}
