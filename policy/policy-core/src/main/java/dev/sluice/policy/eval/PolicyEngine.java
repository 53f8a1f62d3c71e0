package dev.sluice.policy.eval;

import dev.sluice.policy.eval.CompiledTable.CompiledColumn;
import dev.sluice.policy.eval.CompiledTable.CompiledFilter;
import dev.sluice.policy.eval.CompiledTable.GrantTarget;
import dev.sluice.policy.mask.MaskCatalog;
import dev.sluice.policy.model.Action;
import dev.sluice.policy.model.ColumnPolicy;
import dev.sluice.policy.model.ColumnType;
import dev.sluice.policy.model.Consent;
import dev.sluice.policy.model.Dataset;
import dev.sluice.policy.model.Grant;
import dev.sluice.policy.model.Origin;
import dev.sluice.policy.model.PolicyBundle;
import dev.sluice.policy.model.Purpose;
import dev.sluice.policy.model.PurposeBinding;
import dev.sluice.policy.model.ResourcePattern;
import dev.sluice.policy.model.Subject;
import dev.sluice.policy.model.TableName;
import dev.sluice.policy.model.Zone;
import dev.sluice.zones.NamespaceLevels;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Decides requests against a bundle compiled once into per-table indexes, so a table decision is a
 * handful of hash lookups. Immutable after construction and safe to share between threads. Anything
 * no rule allows is denied.
 */
public final class PolicyEngine {

  private static final int MAX_UNDECLARED_CACHED = 100_000;
  private static final ExplainStep DEFAULT_DENY =
      new ExplainStep("nothing else applies: default deny", Origin.BUILT_IN);

  private final PolicyBundle bundle;
  private final MaskCatalog masks;
  private final Map<TableName, CompiledTable> tables;
  private final Map<TableName, Optional<CompiledTable>> undeclaredTables =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final NameRules nameRules;
  private final SubjectIndex<PurposeBinding> bindings = new SubjectIndex<>();
  private final boolean hasNamespaceGrants;
  private final Map<TableName, List<GrantTarget>> tableGrants = new HashMap<>();
  private final List<GrantTarget> patternGrants = new ArrayList<>();

  private PolicyEngine(PolicyBundle bundle) {
    this.bundle = bundle;
    this.masks = new MaskCatalog(bundle.masks());
    this.nameRules = new NameRules(bundle.classifications().values());
    // Index grant targets so compiling 10,000 tables does not scan every grant for each one.
    int order = 0;
    for (Grant grant : bundle.grants()) {
      for (Action action : Action.values()) {
        for (ResourcePattern pattern : grant.targets(action)) {
          GrantTarget target = new GrantTarget(order++, grant, action, pattern);
          if (pattern.kind() == ResourcePattern.Kind.TABLE) {
            tableGrants.computeIfAbsent(pattern.table(), t -> new ArrayList<>()).add(target);
          } else {
            patternGrants.add(target);
          }
        }
      }
    }
    Map<TableName, CompiledTable> compiled = new HashMap<>();
    for (Dataset dataset : bundle.datasets().values()) {
      TableName table = dataset.table();
      Zone zone = bundle.zoneOfTable(table).orElse(null);
      compiled.put(
          table,
          new CompiledTable(table, zone, dataset, grantsFor(table), bundle, masks, nameRules));
    }
    this.tables = Map.copyOf(compiled);
    bundle.bindings().forEach(b -> bindings.putIfAbsent(b.subject(), b));
    this.hasNamespaceGrants =
        !bundle.zones().isEmpty()
            || bundle.grants().stream()
                .flatMap(g -> g.targets().values().stream())
                .flatMap(List::stream)
                .anyMatch(p -> p.kind() != ResourcePattern.Kind.TABLE);
  }

  public static PolicyEngine compile(PolicyBundle bundle) {
    return new PolicyEngine(Objects.requireNonNull(bundle, "bundle"));
  }

  public PolicyBundle bundle() {
    return bundle;
  }

  /**
   * Decides a request. {@code columns} are the columns to be read; with none, the decision is about
   * the table alone (may the principal load it?) and carries no masks. Column types come from the
   * bundle. {@code purpose} may be null.
   */
  public Decision decide(
      Principal principal, Action action, TableName table, List<String> columns, String purpose) {
    return decide(principal, action, table, columns, purpose, columns);
  }

  /**
   * As {@link #decide(Principal, Action, TableName, List, String)}, knowing every column the table
   * has ({@code tableColumns}, possibly more than are read): a table that holds personal data by
   * any column's name is refused to a purpose that requires consent when it declares none.
   */
  public Decision decide(
      Principal principal,
      Action action,
      TableName table,
      List<String> columns,
      String purpose,
      Collection<String> tableColumns) {
    Map<String, String> untyped = new LinkedHashMap<>();
    for (String column : columns) {
      untyped.put(column, null);
    }
    return decideTyped(principal, action, table, untyped, purpose, tableColumns);
  }

  /**
   * Like {@link #decide} with the engine's view of column types (as Trino reports them); a null
   * type falls back to the bundle's declaration. Masks are rendered for the given type.
   */
  public Decision decideTyped(
      Principal principal,
      Action action,
      TableName table,
      Map<String, String> columnTypes,
      String purpose) {
    return decideTyped(principal, action, table, columnTypes, purpose, columnTypes.keySet());
  }

  /** As {@link #decideTyped}, knowing every column the table has (see {@link #decide}). */
  public Decision decideTyped(
      Principal principal,
      Action action,
      TableName table,
      Map<String, String> columnTypes,
      String purpose,
      Collection<String> tableColumns) {
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(columnTypes, "columnTypes");
    Objects.requireNonNull(tableColumns, "tableColumns");
    String name = table.toString();
    List<ExplainStep> chain = new ArrayList<>();

    if (purpose != null && !bundle.purposes().containsKey(purpose)) {
      chain.add(new ExplainStep("unknown purpose '" + purpose + "'", Origin.BUILT_IN));
      return deny(action, name, purpose, chain);
    }
    String actingPurpose = purpose;
    List<PurposeBinding> bound = new ArrayList<>(1);
    if (!bindings.isEmpty() && bindings.collect(principal, bound)) {
      TreeSet<String> allowed = new TreeSet<>();
      bound.forEach(b -> allowed.addAll(b.purposes()));
      PurposeBinding first = bound.get(0);
      if (purpose == null && allowed.size() == 1) {
        actingPurpose = allowed.first();
        chain.add(
            new ExplainStep(
                first.subject() + " acts only for purpose " + actingPurpose, first.origin()));
      } else if (purpose == null || !allowed.contains(purpose)) {
        chain.add(
            new ExplainStep(
                first.subject() + " may act only for purposes " + allowed, first.origin()));
        return deny(action, name, purpose, chain);
      } else {
        chain.add(
            new ExplainStep(first.subject() + " acts for purpose " + purpose, first.origin()));
      }
    }

    CompiledTable compiled = tables.get(table);
    if (compiled == null) {
      compiled = undeclared(table);
      if (compiled == null) {
        chain.add(new ExplainStep("no zone holds " + name, Origin.BUILT_IN));
        return deny(action, name, actingPurpose, chain);
      }
      chain.add(
          new ExplainStep(
              name
                  + " is not declared as a dataset: zone and grant rules, and the"
                  + " classifications' name rules for its columns",
              compiled.zone.origin()));
    }

    if (!compiled.access.get(action).collect(principal, chain)) {
      chain.add(
          new ExplainStep(
              "no zone or grant gives " + principal + " " + action.key() + " on " + name,
              Origin.BUILT_IN));
      chain.add(DEFAULT_DENY);
      return deny(action, name, actingPurpose, chain);
    }
    if (action != Action.READ) {
      return new Decision(true, action, name, actingPurpose, List.of(), List.of(), chain);
    }

    List<RowFilterExpression> filters = new ArrayList<>(2);
    Purpose acting = actingPurpose == null ? null : bundle.purposes().get(actingPurpose);
    if (acting != null && acting.requiresConsent() != null) {
      Consent consent = compiled.consent();
      if (consent != null) {
        String reason =
            "purpose "
                + acting.name()
                + " requires consent '"
                + acting.requiresConsent()
                + "': "
                + consent.describe();
        filters.add(
            new RowFilterExpression(
                ConsentFilter.sql(consent, acting.requiresConsent(), compiled.dataset),
                RowFilterExpression.Kind.CONSENT,
                reason));
        chain.add(new ExplainStep(reason, consent.origin()));
      } else if (compiled.holdsPii(tableColumns) || compiled.holdsPii(columnTypes.keySet())) {
        chain.add(
            new ExplainStep(
                "purpose "
                    + acting.name()
                    + " requires consent, but "
                    + name
                    + " holds personal data and declares no consent columns",
                acting.origin()));
        return deny(action, name, actingPurpose, chain);
      }
    }
    for (CompiledFilter filter : compiled.filters) {
      if (filter.appliesTo(principal)) {
        String reason =
            "row filter " + (filter.filter().name() == null ? "" : filter.filter().name() + " ");
        filters.add(
            new RowFilterExpression(
                filter.filter().expression(),
                RowFilterExpression.Kind.DECLARED,
                reason + "applies: " + filter.filter().expression()));
        chain.add(
            new ExplainStep(
                reason + "applies: " + filter.filter().expression(), filter.filter().origin()));
      }
    }

    List<ColumnMask> columnMasks = new ArrayList<>();
    for (Map.Entry<String, String> column : columnTypes.entrySet()) {
      CompiledColumn rules = compiled.column(column.getKey()).orElse(null);
      mask(principal, rules, column.getValue(), columnMasks, chain);
    }
    return new Decision(true, action, name, actingPurpose, columnMasks, filters, chain);
  }

  private void mask(
      Principal principal,
      CompiledColumn column,
      String engineType,
      List<ColumnMask> out,
      List<ExplainStep> chain) {
    if (column == null) {
      return;
    }
    if (!column.forced() && column.unmaskedFor().collect(principal, chain)) {
      return;
    }
    String sql = column.sql();
    String mask = column.mask();
    if (engineType != null) {
      ColumnType type = ColumnType.parse(engineType).orElse(null);
      if (type != null && !type.equals(column.type())) {
        if (!masks.fits(mask, type)) {
          // The engine's real type does not take this mask: fail closed with a typed NULL.
          chain.add(
              new ExplainStep(
                  "mask "
                      + mask
                      + " does not fit "
                      + type
                      + "; column "
                      + column.name()
                      + " nullified",
                  column.maskStep().origin()));
          mask = "nullify";
        }
        sql = masks.sql(mask, column.name(), type);
      } else if (type == null && column.type() == null && !mask.equals("nullify")) {
        // an engine type we cannot read, and no declared one: nothing proves the mask fits
        chain.add(
            new ExplainStep(
                "type " + engineType + " unknown; column " + column.name() + " nullified",
                column.maskStep().origin()));
        mask = "nullify";
        sql = "CAST(NULL AS " + engineType + ")";
      }
    }
    out.add(new ColumnMask(column.name(), mask, sql));
    chain.add(column.maskStep());
  }

  /**
   * Decides an action on a namespace itself (create, alter or drop it): the grantees of its zone
   * and grants on the whole namespace ({@code ns.*}, {@code ns.**}) count; table grants do not.
   */
  public Decision decideNamespace(Principal principal, Action action, List<String> namespace) {
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(namespace, "namespace");
    String name = TableName.text(namespace);
    List<ExplainStep> chain = new ArrayList<>();
    Zone zone = bundle.zoneOfNamespace(namespace).orElse(null);
    if (zone != null) {
      for (Action granted : List.of(action, Action.ADMIN)) {
        for (Subject subject : zone.grantees(granted)) {
          if (holds(principal, subject)) {
            chain.add(
                new ExplainStep(
                    "zone '" + zone.name() + "' grants " + granted.key() + " to " + subject,
                    zone.origin()));
            return new Decision(true, action, name, null, List.of(), List.of(), chain);
          }
        }
      }
    }
    for (Grant grant : bundle.grants()) {
      if (!holds(principal, grant.subject())) {
        continue;
      }
      for (Action granted : List.of(action, Action.ADMIN)) {
        for (ResourcePattern pattern : grant.targets(granted)) {
          if (pattern.coversNamespace(namespace)) {
            chain.add(
                new ExplainStep(
                    "grant gives " + grant.subject() + " " + granted.key() + " on " + pattern,
                    grant.origin()));
            return new Decision(true, action, name, null, List.of(), List.of(), chain);
          }
        }
      }
    }
    chain.add(
        new ExplainStep(
            zone == null
                ? "no zone holds namespace " + name
                : "no zone or grant gives "
                    + principal
                    + " "
                    + action.key()
                    + " on namespace "
                    + name,
            Origin.BUILT_IN));
    chain.add(DEFAULT_DENY);
    return deny(action, name, null, chain);
  }

  /**
   * Whether the bundle restricts what anyone reads of the table: masked columns (declared, or
   * classified by name among {@code tableColumns}), declared row filters or consent. A view that
   * reads such a table with its owner's rights would hand the owner's view of it to every reader,
   * so engines must not run one.
   */
  public boolean governsContent(TableName table, Collection<String> tableColumns) {
    CompiledTable compiled = tables.get(table);
    if (compiled == null) {
      compiled = undeclared(table);
    }
    if (compiled == null) {
      // in no zone: nobody may read it, but if someone could, nothing would mask it
      return tableColumns.stream().anyMatch(c -> nameRules.classify(c).isPresent());
    }
    return compiled.governsContent(tableColumns);
  }

  /**
   * The columns the principal reads masked in a table it may also write, if any: Trino refuses
   * {@code INSERT} into a table where the writing user has column masks ("Insert into table with
   * column masks is not supported"), so such a principal's writes through Trino fail.
   */
  public List<String> maskedForWriter(Principal principal, TableName table, List<String> columns) {
    if (!decide(principal, Action.WRITE, table, List.of(), null).allowed()) {
      return List.of();
    }
    Decision read = decide(principal, Action.READ, table, columns, null);
    return read.allowed() ? read.masks().stream().map(ColumnMask::column).toList() : List.of();
  }

  /** What {@link #maskedForWriter} means, for lint and explain. */
  public static String writerConflict(String writer, String tablesAndColumns) {
    return writer
        + " may write "
        + tablesAndColumns
        + " but reads those columns masked; Trino refuses INSERT into a table where the writer has"
        + " column masks, so its writes would fail: make it write-only (no read) or list it in"
        + " unmasked-for of those columns";
  }

  /** A column's classification and how it got it; empty when it has none. */
  public Optional<String> classificationOf(TableName table, String column) {
    Dataset dataset = bundle.dataset(table).orElse(null);
    if (dataset != null) {
      ColumnPolicy declared = dataset.columns().get(column);
      if (declared != null && declared.classification() != null) {
        return Optional.of(declared.classification());
      }
    }
    return nameRules.classify(column).map(match -> match.classification().name());
  }

  /**
   * Why a column may not be added to a table, if it may not: its zone forbids the classification
   * the column gets from {@code tagged} (a classification the writer attached) or from a
   * classification's name rule. Columns the dataset declares are judged when the bundle loads.
   */
  public Optional<String> refuseNewColumn(TableName table, String column, String tagged) {
    Zone zone = bundle.zoneOfTable(table).orElse(null);
    if (zone == null || zone.forbid().isEmpty()) {
      return Optional.empty();
    }
    Dataset dataset = bundle.dataset(table).orElse(null);
    if (dataset != null && dataset.columns().containsKey(column)) {
      return Optional.empty();
    }
    String classification = null;
    String because = null;
    if (tagged != null) {
      classification = tagged;
      because = "tagged " + tagged;
    } else {
      NameRules.Match match = nameRules.classify(column).orElse(null);
      if (match != null) {
        classification = match.classification().name();
        because = match.describe();
      }
    }
    if (classification == null || !zone.forbids(classification)) {
      return Optional.empty();
    }
    return Optional.of(
        "column "
            + column
            + " is "
            + because
            + ", and zone '"
            + zone.name()
            + "' forbids "
            + zone.forbid()
            + " ("
            + zone.origin()
            + ")");
  }

  /**
   * Whether listings show the namespace to the principal: it has some access in the namespace, in a
   * namespace below it (so the path down stays navigable) or through a grant that covers it.
   */
  public boolean canSeeNamespace(Principal principal, List<String> namespace) {
    for (Zone zone : bundle.zones().values()) {
      if (!holdsAny(principal, zone)) {
        continue;
      }
      for (List<String> held : zone.namespaceLevels()) {
        if (NamespaceLevels.isSameOrBelow(held, namespace)
            || NamespaceLevels.isSameOrBelow(namespace, held)) {
          return true;
        }
      }
    }
    for (Grant grant : bundle.grants()) {
      if (!holds(principal, grant.subject())) {
        continue;
      }
      for (List<ResourcePattern> patterns : grant.targets().values()) {
        for (ResourcePattern pattern : patterns) {
          if (NamespaceLevels.isSameOrBelow(pattern.levels(), namespace)
              || (pattern.kind() == ResourcePattern.Kind.SUBTREE
                  && NamespaceLevels.isSameOrBelow(namespace, pattern.levels()))) {
            return true;
          }
        }
      }
    }
    return false;
  }

  private static boolean holdsAny(Principal principal, Zone zone) {
    for (Action action : Action.values()) {
      for (Subject subject : zone.grantees(action)) {
        if (holds(principal, subject)) {
          return true;
        }
      }
    }
    return false;
  }

  /** Whether the principal is the subject, or holds its group or role. */
  public static boolean holds(Principal principal, Subject subject) {
    return switch (subject.kind()) {
      case USER ->
          principal.kind() == Principal.Kind.USER && principal.name().equals(subject.name());
      case CLIENT ->
          principal.kind() == Principal.Kind.CLIENT && principal.name().equals(subject.name());
      case GROUP -> principal.groups().contains(subject.name());
      case ROLE -> principal.roles().contains(subject.name());
    };
  }

  /**
   * Tables the bundle does not declare get only their zone's and the grants' access rules, and
   * their columns the name rules; compiled once per table while this policy is active.
   */
  private CompiledTable undeclared(TableName table) {
    if (!hasNamespaceGrants) {
      return null;
    }
    Optional<CompiledTable> cached = undeclaredTables.get(table);
    if (cached != null) {
      return cached.orElse(null);
    }
    Zone zone = bundle.zoneOfTable(table).orElse(null);
    Optional<CompiledTable> compiled =
        zone == null
            ? Optional.empty()
            : Optional.of(
                new CompiledTable(table, zone, null, grantsFor(table), bundle, masks, nameRules));
    if (undeclaredTables.size() >= MAX_UNDECLARED_CACHED) {
      undeclaredTables.clear();
    }
    undeclaredTables.put(table, compiled);
    return compiled.orElse(null);
  }

  private List<GrantTarget> grantsFor(TableName table) {
    List<GrantTarget> targets = new ArrayList<>(tableGrants.getOrDefault(table, List.of()));
    for (GrantTarget target : patternGrants) {
      if (target.pattern().matches(table)) {
        targets.add(target);
      }
    }
    targets.sort(Comparator.comparingInt(GrantTarget::order));
    return targets;
  }

  private static Decision deny(
      Action action, String table, String purpose, List<ExplainStep> chain) {
    return new Decision(false, action, table, purpose, List.of(), List.of(), chain);
  }
}
