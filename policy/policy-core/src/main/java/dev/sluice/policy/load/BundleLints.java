package dev.sluice.policy.load;

import dev.sluice.policy.eval.ExplainStep;
import dev.sluice.policy.eval.PolicyEngine;
import dev.sluice.policy.eval.Principal;
import dev.sluice.policy.model.Action;
import dev.sluice.policy.model.Dataset;
import dev.sluice.policy.model.Grant;
import dev.sluice.policy.model.Origin;
import dev.sluice.policy.model.PolicyBundle;
import dev.sluice.policy.model.ResourcePattern;
import dev.sluice.policy.model.Subject;
import dev.sluice.policy.model.TableName;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Warnings about a valid bundle: rules that load but will not work the way their author expects.
 * Today one: a subject that may write a dataset and also reads some of its columns masked, whose
 * writes Trino refuses.
 */
final class BundleLints {
  private BundleLints() {}

  static List<PolicyError> warnings(PolicyBundle bundle) {
    PolicyEngine engine = PolicyEngine.compile(bundle);
    // one warning per subject and rule granting it write, listing every table it concerns
    Map<Origin, Map<Subject, List<String>>> conflicts = new TreeMap<>();
    for (Dataset dataset : bundle.datasets().values()) {
      TableName table = dataset.table();
      List<String> columns = List.copyOf(dataset.columns().keySet());
      for (Subject writer : writers(bundle, table)) {
        Principal principal = Principal.standingFor(writer);
        List<String> masked = engine.maskedForWriter(principal, table, columns);
        if (!masked.isEmpty()) {
          conflicts
              .computeIfAbsent(
                  whereWriteIsGranted(engine, principal, table, dataset), o -> new TreeMap<>())
              .computeIfAbsent(writer, w -> new ArrayList<>())
              .add(table + " " + masked);
        }
      }
    }
    List<PolicyError> warnings = new ArrayList<>();
    conflicts.forEach(
        (origin, bySubject) ->
            bySubject.forEach(
                (subject, tables) ->
                    warnings.add(
                        new PolicyError(
                            origin,
                            PolicyEngine.writerConflict(
                                subject.toString(), String.join(", ", tables))))));
    return warnings;
  }

  /** Every subject a zone or grant gives write or admin on the table. */
  private static Set<Subject> writers(PolicyBundle bundle, TableName table) {
    Set<Subject> writers = new TreeSet<>();
    bundle
        .zoneOfTable(table)
        .ifPresent(
            zone -> {
              writers.addAll(zone.write());
              writers.addAll(zone.admin());
            });
    for (Grant grant : bundle.grants()) {
      for (Action action : List.of(Action.WRITE, Action.ADMIN)) {
        for (ResourcePattern pattern : grant.targets(action)) {
          if (pattern.matches(table)) {
            writers.add(grant.subject());
          }
        }
      }
    }
    return writers;
  }

  private static Origin whereWriteIsGranted(
      PolicyEngine engine, Principal principal, TableName table, Dataset dataset) {
    return engine.decide(principal, Action.WRITE, table, List.of(), null).explain().stream()
        .map(ExplainStep::origin)
        .filter(origin -> origin != Origin.BUILT_IN)
        .findFirst()
        .orElse(dataset.origin());
  }
}
