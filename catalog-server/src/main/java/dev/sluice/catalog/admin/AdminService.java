package dev.sluice.catalog.admin;

import dev.sluice.catalog.catalog.TableColumns;
import dev.sluice.catalog.persistence.CatalogEntity.Kind;
import dev.sluice.catalog.persistence.CatalogStore;
import dev.sluice.catalog.security.AccessDecisions;
import dev.sluice.catalog.security.ApiTokenService;
import dev.sluice.catalog.security.Names;
import dev.sluice.policy.eval.Decision;
import dev.sluice.policy.eval.PolicyEngine;
import dev.sluice.policy.eval.Principal;
import dev.sluice.policy.eval.RowFilterExpression;
import dev.sluice.policy.model.Action;
import dev.sluice.policy.model.Grant;
import dev.sluice.policy.model.PolicyBundle;
import dev.sluice.policy.model.Subject;
import dev.sluice.policy.model.TableName;
import dev.sluice.policy.model.Zone;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.NotFoundException;

/** Answers administrators' questions: who can do what, and what each zone holds. */
@ApplicationScoped
public class AdminService {
  private final AccessDecisions decisions;
  private final CatalogStore store;
  private final ApiTokenService tokens;
  private final TableColumns columns;

  @Inject
  public AdminService(
      AccessDecisions decisions, CatalogStore store, ApiTokenService tokens, TableColumns columns) {
    this.decisions = decisions;
    this.store = store;
    this.tokens = tokens;
    this.columns = columns;
  }

  /** A subject's access to one table: actions allowed, and what it sees masked or filtered. */
  public record TableAccess(
      String table,
      String zone,
      List<String> actions,
      List<String> maskedColumns,
      List<String> rowFilters) {}

  public record EffectiveGrants(
      String subject, List<String> adminNamespaces, List<TableAccess> tables) {}

  public record ZoneView(
      String name,
      List<String> namespaces,
      String storage,
      List<String> read,
      List<String> write,
      List<String> admin,
      List<String> forbid,
      List<String> tables) {}

  /** Every subject the active policy or an API token names. */
  public List<String> principals() {
    Set<String> subjects = new TreeSet<>();
    bundle().ifPresent(bundle -> collectSubjects(bundle, subjects));
    tokens.list().forEach(token -> subjects.add(token.principal()));
    return List.copyOf(subjects);
  }

  /**
   * What a subject may do, as a member standing for it alone would be judged: {@code group:x}
   * answers "what can group X do". Covers every declared dataset and every table in the catalog; a
   * catalog table's masked columns include those its name rules classify, judged on the table's
   * real columns.
   */
  public EffectiveGrants effectiveGrants(String subjectText) {
    Subject subject =
        Subject.parse(subjectText)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "Invalid subject: "
                            + subjectText
                            + " (expected user:, client:, group: or role: and a name)"));
    PolicyEngine engine =
        decisions.engine().orElseThrow(() -> new NotFoundException("No policy is active"));
    Principal principal = Principal.standingFor(subject);
    PolicyBundle bundle = engine.bundle();
    Set<List<String>> namespaces = new TreeSet<>(java.util.Comparator.comparing(TableName::text));
    bundle.zones().values().forEach(zone -> namespaces.addAll(zone.namespaceLevels()));
    List<String> adminNamespaces = new ArrayList<>();
    for (List<String> namespace : namespaces) {
      if (engine.decideNamespace(principal, Action.ADMIN, namespace).allowed()) {
        adminNamespaces.add(TableName.text(namespace));
      }
    }
    // declared datasets, and every table in the catalog with the columns it really has
    Map<TableName, TableIdentifier> tables = new TreeMap<>();
    bundle.datasets().values().forEach(dataset -> tables.put(dataset.table(), null));
    store.listAll(Kind.TABLE).forEach(id -> tables.put(Names.table(id), id));
    List<TableAccess> access = new ArrayList<>();
    for (Map.Entry<TableName, TableIdentifier> entry : tables.entrySet()) {
      TableName table = entry.getKey();
      List<String> actions = new ArrayList<>();
      for (Action action : Action.values()) {
        if (engine.decide(principal, action, table, List.of(), null).allowed()) {
          actions.add(action.key());
        }
      }
      if (actions.isEmpty()) {
        continue;
      }
      Set<String> known = new TreeSet<>();
      bundle.dataset(table).ifPresent(dataset -> known.addAll(dataset.columns().keySet()));
      if (entry.getValue() != null) {
        columns.of(entry.getValue()).ifPresent(known::addAll);
      }
      Decision read = engine.decide(principal, Action.READ, table, List.copyOf(known), null, known);
      access.add(
          new TableAccess(
              table.toString(),
              bundle.zoneOfTable(table).map(Zone::name).orElse(null),
              actions,
              read.masks().stream().map(m -> m.column() + " (" + m.mask() + ")").toList(),
              read.rowFilters().stream().map(RowFilterExpression::expression).toList()));
    }
    return new EffectiveGrants(subject.toString(), adminNamespaces, access);
  }

  public List<ZoneView> zones() {
    PolicyEngine engine =
        decisions.engine().orElseThrow(() -> new NotFoundException("No policy is active"));
    Map<String, List<String>> tablesByZone = new TreeMap<>();
    for (TableIdentifier table : store.listAll(Kind.TABLE)) {
      engine
          .bundle()
          .zoneOfNamespace(Names.levels(table.namespace()))
          .ifPresent(
              zone ->
                  tablesByZone
                      .computeIfAbsent(zone.name(), z -> new ArrayList<>())
                      .add(Names.text(table)));
    }
    return engine.bundle().zones().values().stream()
        .map(
            zone ->
                new ZoneView(
                    zone.name(),
                    zone.namespaces(),
                    zone.storage(),
                    names(zone.read()),
                    names(zone.write()),
                    names(zone.admin()),
                    List.copyOf(zone.forbid()),
                    tablesByZone.getOrDefault(zone.name(), List.of())))
        .toList();
  }

  private java.util.Optional<PolicyBundle> bundle() {
    return decisions.engine().map(PolicyEngine::bundle);
  }

  private static void collectSubjects(PolicyBundle bundle, Set<String> out) {
    for (Zone zone : bundle.zones().values()) {
      for (Action action : Action.values()) {
        zone.grantees(action).forEach(s -> out.add(s.toString()));
      }
    }
    for (Grant grant : bundle.grants()) {
      out.add(grant.subject().toString());
    }
    bundle.bindings().forEach(binding -> out.add(binding.subject().toString()));
    bundle
        .classifications()
        .values()
        .forEach(c -> c.unmaskedFor().forEach(s -> out.add(s.toString())));
  }

  private static List<String> names(List<Subject> subjects) {
    return subjects.stream().map(Subject::toString).toList();
  }
}
