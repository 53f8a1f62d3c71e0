package dev.sluice.catalog.security;

import dev.sluice.catalog.audit.AuditEntry;
import dev.sluice.catalog.audit.AuditTrail;
import dev.sluice.catalog.config.AuthConfig;
import dev.sluice.catalog.policy.ActivePolicy;
import dev.sluice.catalog.policy.PolicyService;
import dev.sluice.policy.eval.Decision;
import dev.sluice.policy.eval.PolicyEngine;
import dev.sluice.policy.eval.Principal;
import dev.sluice.policy.model.Action;
import dev.sluice.policy.model.Subject;
import dev.sluice.policy.model.Zone;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.ForbiddenException;

/**
 * Decides every catalog request with the active policy and records the decision. Decisions depend
 * only on names and the policy, never on whether the object exists, so a refusal is always 403 and
 * tells nothing about existence; a permitted request for a missing object is 404.
 */
@ApplicationScoped
public class CatalogAuthorizer {
  private final CurrentPrincipal caller;
  private final PolicyService policies;
  private final AuditTrail audit;
  private final String adminRole;
  private final Set<Subject> maskEnforcingEngines;

  @Inject
  public CatalogAuthorizer(
      CurrentPrincipal caller, PolicyService policies, AuditTrail audit, AuthConfig config) {
    this.caller = caller;
    this.policies = policies;
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
    record(principal, operation, resource, allowed, rule);
  }

  // ---- namespaces ----

  /** Acting on a namespace itself (create, alter, drop) needs {@code action} on its zone. */
  public void requireNamespace(String operation, Namespace namespace, Action action) {
    Principal principal = caller.get();
    String name = name(namespace);
    if (isAdmin(principal)) {
      recordAdmin(principal, operation, name);
      return;
    }
    Optional<PolicyEngine> engine = engine();
    if (engine.isEmpty()) {
      record(principal, operation, name, false, "no policy is active");
      return;
    }
    Decision decision = engine.get().decideNamespace(principal, action, name);
    record(principal, operation, name, decision.allowed(), decision.rules());
  }

  /** Reading a namespace or listing inside it needs some access in or below it. */
  public void requireVisibleNamespace(String operation, Namespace namespace) {
    Principal principal = caller.get();
    String name = name(namespace);
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
            : "no zone or grant gives " + principal + " access in namespace " + name);
  }

  public boolean canSee(Principal principal, Namespace namespace) {
    return isAdmin(principal)
        || engine().map(e -> e.canSeeNamespace(principal, name(namespace))).orElse(false);
  }

  // ---- tables and views ----

  /** Requires {@code action} on the table (or view); admin implies write and read. */
  public Decision requireTable(String operation, TableIdentifier table, Action action) {
    return requireAny(operation, table, List.of(action));
  }

  /** Requires one of the actions, trying them in order (loading serves readers and writers). */
  public Decision requireAny(String operation, TableIdentifier table, List<Action> actions) {
    Principal principal = caller.get();
    String name = name(table);
    if (isAdmin(principal)) {
      recordAdmin(principal, operation, name);
      return null;
    }
    Optional<PolicyEngine> engine = engine();
    if (engine.isEmpty()) {
      record(principal, operation, name, false, "no policy is active");
      return null;
    }
    Decision first = null;
    for (Action action : actions) {
      Decision decision = engine.get().decide(principal, action, name, List.of(), null);
      if (decision.allowed()) {
        record(principal, operation, name, true, decision.rules());
        return decision;
      }
      first = first == null ? decision : first;
    }
    // the refusal of the first action (reading, for a load) explains it best
    record(principal, operation, name, false, first.rules());
    return first;
  }

  public boolean canSee(Principal principal, TableIdentifier table) {
    if (isAdmin(principal)) {
      return true;
    }
    Optional<PolicyEngine> engine = engine();
    if (engine.isEmpty()) {
      return false;
    }
    String name = name(table);
    for (Action action : List.of(Action.READ, Action.WRITE)) {
      if (engine.get().decide(principal, action, name, List.of(), null).allowed()) {
        return true;
      }
    }
    return false;
  }

  /**
   * A caller that reads through the catalog gets the raw files, so a table with masks or row
   * filters for it may only be served to an engine that applies them itself.
   */
  public void requireUnrestrictedRead(
      String operation, TableIdentifier table, List<String> columns) {
    Principal principal = caller.get();
    if (isAdmin(principal) || maskEnforcingEngines.contains(principal.self())) {
      return;
    }
    Optional<PolicyEngine> engine = engine();
    if (engine.isEmpty()) {
      return;
    }
    String name = name(table);
    Decision read = engine.get().decide(principal, Action.READ, name, columns, null);
    if (!read.allowed() || (read.masks().isEmpty() && read.rowFilters().isEmpty())) {
      return; // a write-only caller gets metadata to commit against; no masks apply to it
    }
    String restrictions =
        (read.masks().isEmpty()
                ? ""
                : "masked columns "
                    + read.masks().stream().map(m -> m.column()).toList()
                    + (read.rowFilters().isEmpty() ? "" : " and "))
            + (read.rowFilters().isEmpty() ? "" : "row filters");
    String rule =
        name
            + " has "
            + restrictions
            + " for "
            + principal
            + "; only a mask-enforcing engine "
            + maskEnforcingEngines.stream().map(Subject::toString).sorted().toList()
            + " may load it";
    record(principal, operation, name, false, rule);
  }

  /** Refuses an otherwise permitted request for a reason the policy gives about the data. */
  public void refuse(String operation, String resource, String rule) {
    record(caller.get(), operation, resource, false, rule);
  }

  // ---- zones ----

  public Optional<Zone> zoneOf(Namespace namespace) {
    return engine().flatMap(e -> e.bundle().zoneOfNamespace(name(namespace)));
  }

  public Optional<PolicyEngine> engine() {
    return policies.active().map(ActivePolicy::engine);
  }

  public static String name(Namespace namespace) {
    return String.join(".", namespace.levels());
  }

  public static String name(TableIdentifier table) {
    return table.namespace().isEmpty()
        ? table.name()
        : name(table.namespace()) + "." + table.name();
  }

  private void recordAdmin(Principal principal, String operation, String resource) {
    record(principal, operation, resource, true, "role " + adminRole + " administers the catalog");
  }

  /** Records the decision; a denial is thrown as 403 with the deciding rule. */
  private void record(
      Principal principal, String operation, String resource, boolean allowed, String rule) {
    audit.record(new AuditEntry(principal.self().toString(), operation, resource, allowed, rule));
    if (!allowed) {
      throw new ForbiddenException(
          "%s may not %s %s: %s", principal.self(), operation, resource, rule);
    }
  }
}
