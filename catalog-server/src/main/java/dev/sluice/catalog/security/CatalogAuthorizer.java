package dev.sluice.catalog.security;

import dev.sluice.catalog.audit.AuditEntry;
import dev.sluice.catalog.audit.AuditTrail;
import dev.sluice.catalog.config.AuthConfig;
import dev.sluice.catalog.security.AccessDecisions.Verdict;
import dev.sluice.policy.eval.Decision;
import dev.sluice.policy.eval.Principal;
import dev.sluice.policy.model.Action;
import dev.sluice.policy.model.Subject;
import dev.sluice.policy.model.TableName;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.ForbiddenException;

/**
 * Decides every catalog request of the Iceberg REST and admin APIs and records the decision.
 * Decisions depend only on names and the policy, never on whether the object exists, so a refusal
 * is always 403 and tells nothing about existence; a permitted request for a missing object is 404.
 * The policy's answers come from {@link AccessDecisions}; this adds the admin role and the audit
 * trail.
 */
@ApplicationScoped
public class CatalogAuthorizer {
  private final CurrentPrincipal caller;
  private final AccessDecisions decisions;
  private final AuditTrail audit;
  private final String adminRole;
  private final Set<Subject> maskEnforcingEngines;

  @Inject
  public CatalogAuthorizer(
      CurrentPrincipal caller, AccessDecisions decisions, AuditTrail audit, AuthConfig config) {
    this.caller = caller;
    this.decisions = decisions;
    this.audit = audit;
    this.adminRole = config.adminRole();
    this.maskEnforcingEngines =
        config.maskEnforcingEngines().stream()
            .map(
                text ->
                    Subject.parse(text)
                        .orElseThrow(
                            () ->
                                new IllegalArgumentException(
                                    "sluice.auth.mask-enforcing-engines: not a subject: " + text)))
            .collect(Collectors.toUnmodifiableSet());
  }

  public Principal principal() {
    return caller.get();
  }

  public boolean isAdmin(Principal principal) {
    return principal.roles().contains(adminRole);
  }

  public AccessDecisions decisions() {
    return decisions;
  }

  /** A request every authenticated caller may make (configuration, its own lineage events). */
  public void allowAuthenticated(String operation, String resource) {
    Principal principal = caller.get();
    audit.record(
        new AuditEntry(
            principal.self().toString(),
            operation,
            resource,
            true,
            "any authenticated principal may " + operation));
  }

  /** Requires the admin role; records the decision either way. */
  public void requireAdmin(String operation, String resource) {
    Principal principal = caller.get();
    boolean allowed = isAdmin(principal);
    String rule =
        allowed
            ? "role " + adminRole + " administers the catalog"
            : "only role " + adminRole + " may " + operation;
    record(principal, operation, resource, allowed, rule, null);
  }

  /** Requires the admin role or another role; records the decision either way. */
  public void requireRole(String operation, String resource, String role) {
    Principal principal = caller.get();
    boolean admin = isAdmin(principal);
    boolean allowed = admin || principal.roles().contains(role);
    String rule =
        admin
            ? "role " + adminRole + " administers the catalog"
            : allowed
                ? "role " + role + " may " + operation
                : "only role " + role + " or " + adminRole + " may " + operation;
    record(principal, operation, resource, allowed, rule, null);
  }

  // ---- namespaces ----

  /** Acting on a namespace itself (create, alter, drop) needs {@code action} on its zone. */
  public void requireNamespace(String operation, Namespace namespace, Action action) {
    Principal principal = caller.get();
    String name = Names.text(namespace);
    if (isAdmin(principal)) {
      recordAdmin(principal, operation, name);
      return;
    }
    Verdict verdict = decisions.namespace(principal, action, Names.levels(namespace));
    record(principal, operation, name, verdict);
  }

  /** Reading a namespace or listing inside it needs some access in or below it. */
  public void requireVisibleNamespace(String operation, Namespace namespace) {
    Principal principal = caller.get();
    String name = Names.text(namespace);
    if (isAdmin(principal)) {
      recordAdmin(principal, operation, name);
      return;
    }
    boolean visible = canSee(principal, namespace);
    record(
        principal,
        operation,
        name,
        visible,
        visible
            ? principal + " has access in namespace " + name
            : "no zone or grant gives " + principal + " access in namespace " + name,
        decisions.active().map(a -> a.version()).orElse(null));
  }

  public boolean canSee(Principal principal, Namespace namespace) {
    return isAdmin(principal) || decisions.canSeeNamespace(principal, Names.levels(namespace));
  }

  // ---- tables and views ----

  /** Requires {@code action} on the table (or view); admin implies write and read. */
  public Decision requireTable(String operation, TableIdentifier table, Action action) {
    return requireAny(operation, table, List.of(action));
  }

  /** Requires one of the actions, trying them in order (loading serves readers and writers). */
  public Decision requireAny(String operation, TableIdentifier table, List<Action> actions) {
    Principal principal = caller.get();
    String name = Names.text(table);
    if (isAdmin(principal)) {
      recordAdmin(principal, operation, name);
      return null;
    }
    Verdict verdict = decisions.firstAllowed(principal, Names.table(table), actions);
    record(principal, operation, name, verdict);
    return verdict.decision();
  }

  public boolean canSee(Principal principal, TableIdentifier table) {
    return isAdmin(principal) || decisions.canSeeTable(principal, Names.table(table));
  }

  /**
   * A caller that reads through the catalog gets the raw files, so a table with masks or row
   * filters for it may only be served to an engine that applies them itself. {@code access} is what
   * {@link #requireAny} allowed the load with (null for an administrator); {@code columns} gives
   * the columns of the table's current schema, {@code tableColumns} those of every schema it had,
   * both computed only when the check needs them.
   */
  public void requireUnrestrictedRead(
      String operation,
      TableIdentifier table,
      Decision access,
      Supplier<List<String>> columns,
      Supplier<Collection<String>> tableColumns) {
    Principal principal = caller.get();
    Verdict restriction = readRestriction(principal, table, access, columns, tableColumns);
    if (restriction != null) {
      record(principal, operation, Names.text(table), restriction);
    }
  }

  /**
   * Why the principal may not get the table's raw files although {@code access} allows reading it
   * (masks or row filters apply to it, or its read is denied): a refusing verdict, or null when the
   * files may be served. Records nothing.
   */
  public Verdict readRestriction(
      Principal principal,
      TableIdentifier table,
      Decision access,
      Supplier<List<String>> columns,
      Supplier<Collection<String>> tableColumns) {
    if (access == null || isAdmin(principal) || maskEnforcingEngines.contains(principal.self())) {
      return null;
    }
    if (access.action() != Action.READ) {
      return null; // a write-only caller gets metadata to commit against; no masks apply to it
    }
    String name = Names.text(table);
    TableName policyName = Names.table(table);
    Map<String, String> untyped = new LinkedHashMap<>();
    columns.get().forEach(c -> untyped.put(c, null));
    Verdict read = decisions.read(principal, policyName, untyped, null, tableColumns.get());
    Decision decision = read.decision();
    if (decision == null || !decision.allowed()) {
      return read;
    }
    if (decision.masks().isEmpty() && decision.rowFilters().isEmpty()) {
      return null;
    }
    String restrictions =
        (decision.masks().isEmpty()
                ? ""
                : "masked columns "
                    + decision.masks().stream().map(m -> m.column()).toList()
                    + (decision.rowFilters().isEmpty() ? "" : " and "))
            + (decision.rowFilters().isEmpty() ? "" : "row filters");
    String rule =
        name
            + " has "
            + restrictions
            + " for "
            + principal
            + "; only a mask-enforcing engine "
            + maskEnforcingEngines.stream().map(Subject::toString).sorted().toList()
            + " may read its files";
    return new Verdict(false, rule, read.policyVersion(), decision);
  }

  /** Refuses an otherwise permitted request for a reason the policy gives about the data. */
  public void refuse(String operation, String resource, String rule) {
    record(
        caller.get(),
        operation,
        resource,
        false,
        rule,
        decisions.active().map(a -> a.version()).orElse(null));
  }

  private void recordAdmin(Principal principal, String operation, String resource) {
    record(
        principal,
        operation,
        resource,
        true,
        "role " + adminRole + " administers the catalog",
        null);
  }

  private void record(Principal principal, String operation, String resource, Verdict verdict) {
    record(
        principal, operation, resource, verdict.allowed(), verdict.rule(), verdict.policyVersion());
  }

  /** Records the decision; a denial is thrown as 403 with the deciding rule. */
  private void record(
      Principal principal,
      String operation,
      String resource,
      boolean allowed,
      String rule,
      Integer policyVersion) {
    audit.record(
        new AuditEntry(
            principal.self().toString(), operation, resource, allowed, rule, policyVersion));
    if (!allowed) {
      throw new ForbiddenException(
          "%s may not %s %s: %s", principal.self(), operation, resource, rule);
    }
  }
}
