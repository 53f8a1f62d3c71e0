package dev.sluice.catalog.security;

import dev.sluice.catalog.policy.ActivePolicy;
import dev.sluice.catalog.policy.PolicyService;
import dev.sluice.policy.eval.Decision;
import dev.sluice.policy.eval.PolicyEngine;
import dev.sluice.policy.eval.Principal;
import dev.sluice.policy.model.Action;
import dev.sluice.policy.model.TableName;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one place access is decided, for the Iceberg REST API, the Trino decision API and storage
 * signing alike: the active policy, or a denial while none is active. Each answer names the policy
 * version that gave it, so its audit row can say which rules decided.
 */
@ApplicationScoped
public class AccessDecisions {
  static final String NO_POLICY = "no policy is active";

  private final PolicyService policies;

  @Inject
  public AccessDecisions(PolicyService policies) {
    this.policies = policies;
  }

  /** An answer: allowed or not, the rule, the deciding version and the policy's decision. */
  public record Verdict(boolean allowed, String rule, Integer policyVersion, Decision decision) {
    static Verdict of(ActivePolicy policy, Decision decision) {
      return new Verdict(decision.allowed(), decision.rules(), policy.version(), decision);
    }

    static Verdict noPolicy() {
      return new Verdict(false, NO_POLICY, null, null);
    }

    /** An answer no policy rule gave (a fixed rule of the server). */
    public static Verdict allow(String rule) {
      return new Verdict(true, rule, null, null);
    }

    public static Verdict deny(String rule) {
      return new Verdict(false, rule, null, null);
    }
  }

  public Optional<ActivePolicy> active() {
    return policies.active();
  }

  public Optional<PolicyEngine> engine() {
    return policies.active().map(ActivePolicy::engine);
  }

  /** An action on the table as a whole (no columns read). */
  public Verdict table(Principal principal, Action action, TableName table) {
    ActivePolicy policy = policies.active().orElse(null);
    if (policy == null) {
      return Verdict.noPolicy();
    }
    return Verdict.of(policy, policy.engine().decide(principal, action, table, List.of(), null));
  }

  /**
   * The first of the actions the principal may take on the table; when none, the refusal of the
   * first (reading, for a load), which explains it best.
   */
  public Verdict firstAllowed(Principal principal, TableName table, List<Action> actions) {
    ActivePolicy policy = policies.active().orElse(null);
    if (policy == null) {
      return Verdict.noPolicy();
    }
    Verdict first = null;
    for (Action action : actions) {
      Verdict verdict =
          Verdict.of(policy, policy.engine().decide(principal, action, table, List.of(), null));
      if (verdict.allowed()) {
        return verdict;
      }
      first = first == null ? verdict : first;
    }
    return first;
  }

  /**
   * Reading columns (with the engine's types; null types take the policy's): the masks and row
   * filters that apply. {@code tableColumns} are all the table's columns, which decide whether it
   * holds personal data.
   */
  public Verdict read(
      Principal principal,
      TableName table,
      Map<String, String> columnTypes,
      String purpose,
      Collection<String> tableColumns) {
    ActivePolicy policy = policies.active().orElse(null);
    if (policy == null) {
      return Verdict.noPolicy();
    }
    return Verdict.of(
        policy,
        policy
            .engine()
            .decideTyped(principal, Action.READ, table, columnTypes, purpose, tableColumns));
  }

  /** An action on a namespace itself (create, alter, drop). */
  public Verdict namespace(Principal principal, Action action, List<String> namespace) {
    ActivePolicy policy = policies.active().orElse(null);
    if (policy == null) {
      return Verdict.noPolicy();
    }
    return Verdict.of(policy, policy.engine().decideNamespace(principal, action, namespace));
  }

  /** Whether listings show the namespace: some access in it, below it, or a grant covering it. */
  public boolean canSeeNamespace(Principal principal, List<String> namespace) {
    return engine().map(e -> e.canSeeNamespace(principal, namespace)).orElse(false);
  }

  /** Whether listings show the table: the principal may read or write it. */
  public boolean canSeeTable(Principal principal, TableName table) {
    return firstAllowed(principal, table, List.of(Action.READ, Action.WRITE)).allowed();
  }

  /** Whether anyone reads the table through masks, row filters or consent. */
  public boolean governsContent(TableName table, Collection<String> tableColumns) {
    return engine().map(e -> e.governsContent(table, tableColumns)).orElse(false);
  }

  /** Why a new column may not be added to the table, if it may not. */
  public Optional<String> refuseNewColumn(TableName table, String column, String tagged) {
    return engine().flatMap(e -> e.refuseNewColumn(table, column, tagged));
  }
}
