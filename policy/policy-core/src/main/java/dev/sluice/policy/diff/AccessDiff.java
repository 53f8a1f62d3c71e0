package dev.sluice.policy.diff;

import dev.sluice.policy.eval.ColumnMask;
import dev.sluice.policy.eval.Decision;
import dev.sluice.policy.eval.PolicyEngine;
import dev.sluice.policy.eval.Principal;
import dev.sluice.policy.eval.RowFilterExpression;
import dev.sluice.policy.model.Action;
import dev.sluice.policy.model.Classification;
import dev.sluice.policy.model.Consent;
import dev.sluice.policy.model.Dataset;
import dev.sluice.policy.model.Durations;
import dev.sluice.policy.model.Grant;
import dev.sluice.policy.model.PolicyBundle;
import dev.sluice.policy.model.PurposeBinding;
import dev.sluice.policy.model.Retention;
import dev.sluice.policy.model.RowFilter;
import dev.sluice.policy.model.Subject;
import dev.sluice.policy.model.TableName;
import dev.sluice.policy.model.Zone;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The effective-access difference between two bundles: every subject either bundle names is
 * evaluated on every dataset either declares, under each purpose it is bound to, and the decisions
 * are compared. This reports what a reader can actually do, not which lines changed.
 */
public final class AccessDiff {

  private static final String UNMASKED = "unmasked";

  /** The dataset column of changes that apply to every table. */
  static final String ALL_TABLES = "*";

  private final PolicyBundle base;
  private final PolicyBundle head;
  private final PolicyEngine baseEngine;
  private final PolicyEngine headEngine;
  private final List<AccessChange> changes = new ArrayList<>();

  private AccessDiff(PolicyBundle base, PolicyBundle head) {
    this.base = base;
    this.head = head;
    this.baseEngine = PolicyEngine.compile(base);
    this.headEngine = PolicyEngine.compile(head);
  }

  public static DiffReport compare(PolicyBundle base, PolicyBundle head) {
    AccessDiff diff = new AccessDiff(Objects.requireNonNull(base), Objects.requireNonNull(head));
    diff.run();
    return new DiffReport(diff.changes);
  }

  private void run() {
    Set<String> datasets = new TreeSet<>(base.datasets().keySet());
    datasets.addAll(head.datasets().keySet());
    Set<Subject> subjects = new TreeSet<>(subjectsOf(base));
    subjects.addAll(subjectsOf(head));
    nameRules();
    zoneContracts();
    for (String dataset : datasets) {
      datasetRules(dataset, base.datasets().get(dataset), head.datasets().get(dataset));
      TableName table = TableName.of(dataset);
      ContractDiff.compare(
          dataset,
          base.contract(table).orElse(null),
          head.contract(table).orElse(null),
          this::addForEveryone);
      for (Subject subject : subjects) {
        for (String purpose : purposesOf(subject)) {
          compare(dataset, subject, purpose);
        }
      }
    }
  }

  private void compare(String dataset, Subject subject, String purpose) {
    TableName table = TableName.of(dataset);
    Principal principal = Principal.standingFor(subject);
    String who = subject.toString();
    String context = purpose == null ? null : "for purpose " + purpose;
    for (Action action : List.of(Action.WRITE, Action.ADMIN)) {
      boolean before = baseEngine.decide(principal, action, table, List.of(), purpose).allowed();
      boolean after = headEngine.decide(principal, action, table, List.of(), purpose).allowed();
      if (before != after) {
        ChangeKind kind =
            action == Action.WRITE
                ? (after ? ChangeKind.GAINS_WRITE : ChangeKind.LOSES_WRITE)
                : (after ? ChangeKind.GAINS_ADMIN : ChangeKind.LOSES_ADMIN);
        add(dataset, who, null, kind, yesNo(before), yesNo(after), null, context);
      }
    }
    List<String> columns = columnsOf(dataset);
    Decision before = baseEngine.decide(principal, Action.READ, table, columns, purpose);
    Decision after = headEngine.decide(principal, Action.READ, table, columns, purpose);
    if (!before.allowed() && after.allowed()) {
      List<String> exposed =
          columns.stream()
              .filter(c -> isPii(dataset, c) && !after.isMasked(c))
              .collect(Collectors.toList());
      String detail =
          join(
              context,
              exposed.isEmpty()
                  ? null
                  : "sees personal data unmasked: " + String.join(", ", exposed));
      add(
          dataset,
          who,
          null,
          ChangeKind.GAINS_READ,
          "no",
          "yes",
          exposed.isEmpty() ? null : Risk.PII_WIDENING,
          detail);
      return;
    }
    if (before.allowed() && !after.allowed()) {
      add(dataset, who, null, ChangeKind.LOSES_READ, "yes", "no", null, context);
      return;
    }
    if (!after.allowed()) {
      return;
    }
    for (String column : columns) {
      String was = before.mask(column).map(ColumnMask::mask).orElse(UNMASKED);
      String now = after.mask(column).map(ColumnMask::mask).orElse(UNMASKED);
      if (was.equals(now)) {
        continue;
      }
      ChangeKind kind =
          now.equals(UNMASKED)
              ? ChangeKind.COLUMN_UNMASKED
              : was.equals(UNMASKED) ? ChangeKind.COLUMN_MASKED : ChangeKind.MASK_CHANGED;
      Risk risk =
          kind == ChangeKind.COLUMN_UNMASKED && isPii(dataset, column) ? Risk.PII_WIDENING : null;
      add(dataset, who, column, kind, was, now, risk, context);
    }
    Map<String, RowFilterExpression> filtersBefore = byExpression(before.rowFilters());
    Map<String, RowFilterExpression> filtersAfter = byExpression(after.rowFilters());
    for (var removed : filtersBefore.entrySet()) {
      if (!filtersAfter.containsKey(removed.getKey())) {
        boolean consent = removed.getValue().kind() == RowFilterExpression.Kind.CONSENT;
        add(
            dataset,
            who,
            null,
            ChangeKind.ROW_FILTER_REMOVED,
            removed.getKey(),
            null,
            consent ? Risk.CONSENT_REMOVAL : null,
            join(context, consent ? "consent filter" : null));
      }
    }
    for (var added : filtersAfter.entrySet()) {
      if (!filtersBefore.containsKey(added.getKey())) {
        add(dataset, who, null, ChangeKind.ROW_FILTER_ADDED, null, added.getKey(), null, context);
      }
    }
  }

  /** Consent and retention apply to every reader, so they are reported once per dataset. */
  private void datasetRules(String name, Dataset before, Dataset after) {
    String all = AccessChange.EVERYONE;
    if (before == null || after == null) {
      add(
          name,
          all,
          null,
          before == null ? ChangeKind.DATASET_ADDED : ChangeKind.DATASET_REMOVED,
          null,
          null,
          null,
          null);
      return;
    }
    Consent was = before.consent();
    Consent now = after.consent();
    if (was == null && now != null) {
      add(name, all, null, ChangeKind.CONSENT_ADDED, null, now.describe(), null, null);
    } else if (was != null && now == null) {
      add(
          name,
          all,
          null,
          ChangeKind.CONSENT_REMOVED,
          was.describe(),
          null,
          Risk.CONSENT_REMOVAL,
          "rows are no longer filtered by consent");
    } else if (was != null && !was.sameRule(now)) {
      add(name, all, null, ChangeKind.CONSENT_CHANGED, was.describe(), now.describe(), null, null);
    }
    retention(name, before.retention(), after.retention());
  }

  private void retention(String name, Retention was, Retention now) {
    String all = AccessChange.EVERYONE;
    compareDuration(name, "max age", get(was, Retention::maxAge), get(now, Retention::maxAge));
    compareDuration(
        name, "time travel", get(was, Retention::timeTravel), get(now, Retention::timeTravel));
    String expiresWas = get(was, Retention::expiresColumn);
    String expiresNow = get(now, Retention::expiresColumn);
    if (!Objects.equals(expiresWas, expiresNow)) {
      add(
          name,
          all,
          null,
          expiresNow == null ? ChangeKind.RETENTION_LENGTHENED : ChangeKind.RETENTION_CHANGED,
          expiresWas,
          expiresNow,
          null,
          "row expiry column");
    }
  }

  private void compareDuration(String name, String what, Duration was, Duration now) {
    if (Objects.equals(was, now)) {
      return;
    }
    // No limit counts as forever.
    boolean shorter = now != null && (was == null || now.compareTo(was) < 0);
    add(
        name,
        AccessChange.EVERYONE,
        null,
        shorter ? ChangeKind.RETENTION_SHORTENED : ChangeKind.RETENTION_LENGTHENED,
        was == null ? "unlimited" : Durations.format(was),
        now == null ? "unlimited" : Durations.format(now),
        null,
        what);
  }

  /** Personal data in either bundle: declared so, or named so by a classification's rule. */
  private boolean isPii(String dataset, String column) {
    TableName table = TableName.of(dataset);
    return Classification.isPii(headEngine.classificationOf(table, column).orElse(null))
        || Classification.isPii(baseEngine.classificationOf(table, column).orElse(null));
  }

  /**
   * Name rules classify columns of every table, declared or not, so adding or removing one changes
   * what readers see everywhere: reported once per rule, for every table.
   */
  private void nameRules() {
    Set<String> classifications = new TreeSet<>(base.classifications().keySet());
    classifications.addAll(head.classifications().keySet());
    for (String name : classifications) {
      Set<String> was = rulesOf(base, name);
      Set<String> now = rulesOf(head, name);
      for (String rule : now) {
        if (!was.contains(rule)) {
          add(
              ALL_TABLES,
              AccessChange.EVERYONE,
              rule,
              ChangeKind.NAME_RULE_ADDED,
              null,
              name,
              null,
              "columns named '" + rule + "' in every table are " + effect(head, name));
        }
      }
      for (String rule : was) {
        if (!now.contains(rule)) {
          add(
              ALL_TABLES,
              AccessChange.EVERYONE,
              rule,
              ChangeKind.NAME_RULE_REMOVED,
              name,
              null,
              Classification.isPii(name) ? Risk.PII_WIDENING : null,
              "columns named '"
                  + rule
                  + "' that no dataset classifies are no longer "
                  + name
                  + " (they were "
                  + effect(base, name)
                  + ")");
        }
      }
    }
  }

  private static Set<String> rulesOf(PolicyBundle bundle, String classification) {
    Classification c = bundle.classifications().get(classification);
    return c == null ? Set.of() : new TreeSet<>(c.columnNames());
  }

  /** What a name rule does in a bundle: the mask, who sees raw values, the zones refusing it. */
  private static String effect(PolicyBundle bundle, String name) {
    Classification c = bundle.classifications().get(name);
    List<String> forbidding =
        bundle.zones().values().stream().filter(z -> z.forbids(name)).map(Zone::name).toList();
    StringBuilder text = new StringBuilder();
    text.append(
        c.defaultMask() == null
            ? "classified " + name + " without a default mask"
            : "masked with " + c.defaultMask());
    if (!c.unmaskedFor().isEmpty()) {
      text.append(" except for ").append(c.unmaskedFor());
    }
    if (!forbidding.isEmpty()) {
      text.append("; zones ").append(forbidding).append(" refuse new such columns");
    }
    return text.toString();
  }

  private List<String> columnsOf(String dataset) {
    Set<String> columns = new LinkedHashSet<>();
    for (PolicyBundle bundle : List.of(base, head)) {
      Dataset d = bundle.datasets().get(dataset);
      if (d != null) {
        columns.addAll(d.columns().keySet());
      }
    }
    return List.copyOf(columns);
  }

  /** Bound subjects are judged under each purpose they may act for; others under none. */
  private List<String> purposesOf(Subject subject) {
    Set<String> purposes = new TreeSet<>();
    for (PolicyBundle bundle : List.of(base, head)) {
      for (PurposeBinding binding : bundle.bindings()) {
        if (binding.subject().equals(subject)) {
          purposes.addAll(binding.purposes());
        }
      }
    }
    List<String> result = new ArrayList<>(purposes);
    if (result.isEmpty()) {
      result.add(null);
    }
    return result;
  }

  private static Set<Subject> subjectsOf(PolicyBundle bundle) {
    Set<Subject> subjects = new TreeSet<>();
    for (Zone zone : bundle.zones().values()) {
      subjects.addAll(zone.read());
      subjects.addAll(zone.write());
      subjects.addAll(zone.admin());
    }
    for (Grant grant : bundle.grants()) {
      subjects.add(grant.subject());
    }
    for (Classification classification : bundle.classifications().values()) {
      subjects.addAll(classification.unmaskedFor());
    }
    for (PurposeBinding binding : bundle.bindings()) {
      subjects.add(binding.subject());
    }
    for (Dataset dataset : bundle.datasets().values()) {
      dataset.columns().values().forEach(c -> subjects.addAll(c.unmaskedFor()));
      for (RowFilter filter : dataset.rowFilters()) {
        subjects.addAll(filter.appliesTo());
        subjects.addAll(filter.exempt());
      }
    }
    return subjects;
  }

  /** A zone's default contract binds every table in it, declared or not. */
  private void zoneContracts() {
    Set<String> zones = new TreeSet<>(base.zones().keySet());
    zones.addAll(head.zones().keySet());
    for (String zone : zones) {
      ContractDiff.compare(
          "zone " + zone,
          contractOf(base.zones().get(zone)),
          contractOf(head.zones().get(zone)),
          this::addForEveryone);
    }
  }

  private static dev.sluice.policy.model.Contract contractOf(Zone zone) {
    return zone == null ? null : zone.contract();
  }

  private void addForEveryone(
      String dataset,
      String column,
      ChangeKind kind,
      String before,
      String after,
      Risk risk,
      String detail) {
    add(dataset, AccessChange.EVERYONE, column, kind, before, after, risk, detail);
  }

  private void add(
      String dataset,
      String subject,
      String column,
      ChangeKind kind,
      String before,
      String after,
      Risk risk,
      String detail) {
    changes.add(new AccessChange(dataset, subject, column, kind, before, after, risk, detail));
  }

  private static Map<String, RowFilterExpression> byExpression(
      Collection<RowFilterExpression> filters) {
    Map<String, RowFilterExpression> map = new TreeMap<>();
    filters.forEach(f -> map.putIfAbsent(f.expression(), f));
    return map;
  }

  private static <T> T get(Retention retention, Function<Retention, T> part) {
    return retention == null ? null : part.apply(retention);
  }

  private static String yesNo(boolean value) {
    return value ? "yes" : "no";
  }

  private static String join(String first, String second) {
    if (first == null) {
      return second;
    }
    return second == null ? first : first + "; " + second;
  }
}
