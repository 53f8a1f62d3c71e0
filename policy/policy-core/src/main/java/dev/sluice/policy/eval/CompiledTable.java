package dev.sluice.policy.eval;

import dev.sluice.policy.mask.MaskCatalog;
import dev.sluice.policy.model.Action;
import dev.sluice.policy.model.Classification;
import dev.sluice.policy.model.ColumnPolicy;
import dev.sluice.policy.model.ColumnType;
import dev.sluice.policy.model.Consent;
import dev.sluice.policy.model.Dataset;
import dev.sluice.policy.model.Grant;
import dev.sluice.policy.model.Origin;
import dev.sluice.policy.model.PolicyBundle;
import dev.sluice.policy.model.ResourcePattern;
import dev.sluice.policy.model.RowFilter;
import dev.sluice.policy.model.Subject;
import dev.sluice.policy.model.TableName;
import dev.sluice.policy.model.Zone;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Everything a decision on one table needs, resolved in advance: who may do what (zone defaults and
 * grants), each column's mask with its SQL for the declared type, consent and row filters. Columns
 * the bundle does not declare are classified by the classifications' name rules when first asked
 * about, so an undeclared column named like personal data is masked like a declared one.
 */
final class CompiledTable {
  private static final int MAX_NAMED_COLUMNS = 10_000;

  final TableName name;
  final Zone zone;
  final Dataset dataset;
  final Map<Action, SubjectIndex<ExplainStep>> access = new EnumMap<>(Action.class);
  final Map<String, CompiledColumn> columns = new HashMap<>();
  final boolean holdsPii;
  final List<CompiledFilter> filters;
  private final NameRules nameRules;
  private final MaskCatalog masks;
  private final Map<String, Optional<CompiledColumn>> namedColumns = new ConcurrentHashMap<>();

  /** One masked column. {@code forced} when the zone forbids its classification unmasked. */
  record CompiledColumn(
      String name,
      String classification,
      ColumnType type,
      String mask,
      String sql,
      boolean forced,
      SubjectIndex<ExplainStep> unmaskedFor,
      ExplainStep maskStep) {}

  /** A declared row filter with its audience resolved. */
  record CompiledFilter(
      RowFilter filter, SubjectIndex<Boolean> appliesTo, SubjectIndex<Boolean> exempt) {

    boolean appliesTo(Principal principal) {
      return (filter.appliesTo().isEmpty() || appliesTo.matches(principal))
          && !exempt.matches(principal);
    }
  }

  /** One target of one grant; {@code order} keeps the bundle's order in explanations. */
  record GrantTarget(int order, Grant grant, Action action, ResourcePattern pattern) {}

  /** {@code grants} are the grant targets matching this table, in bundle order. */
  CompiledTable(
      TableName name,
      Zone zone,
      Dataset dataset,
      List<GrantTarget> grants,
      PolicyBundle bundle,
      MaskCatalog masks,
      NameRules nameRules) {
    this.name = name;
    this.zone = zone;
    this.dataset = dataset;
    this.nameRules = nameRules;
    this.masks = masks;
    for (Action action : Action.values()) {
      access.put(action, new SubjectIndex<>());
    }
    if (zone != null) {
      for (Action granted : Action.values()) {
        for (Subject subject : zone.grantees(granted)) {
          grant(
              granted,
              subject,
              "zone '" + zone.name() + "' grants " + granted.key() + " to " + subject,
              zone.origin());
        }
      }
    }
    for (GrantTarget target : grants) {
      Grant grant = target.grant();
      grant(
          target.action(),
          grant.subject(),
          "grant gives "
              + grant.subject()
              + " "
              + target.action().key()
              + " on "
              + target.pattern(),
          grant.origin());
    }
    boolean pii = false;
    if (dataset != null) {
      for (ColumnPolicy column : dataset.columns().values()) {
        Classification classification;
        String because = null;
        if (column.classification() != null) {
          classification = bundle.classifications().get(column.classification());
        } else {
          // a declared column without a classification still gets the one its name implies
          NameRules.Match match = nameRules.classify(column.name()).orElse(null);
          classification = match == null ? null : match.classification();
          because = match == null ? null : match.describe();
        }
        pii |= classification != null && Classification.isPii(classification.name());
        CompiledColumn compiled = compile(column, classification, because);
        if (compiled != null) {
          columns.put(column.name(), compiled);
        }
      }
      this.filters =
          dataset.rowFilters().stream()
              .map(
                  f -> new CompiledFilter(f, booleanIndex(f.appliesTo()), booleanIndex(f.exempt())))
              .toList();
    } else {
      this.filters = List.of();
    }
    this.holdsPii = pii;
  }

  Consent consent() {
    return dataset == null ? null : dataset.consent();
  }

  /**
   * The rules of a column: its declaration, or what its name implies through a classification's
   * name rule when the dataset does not declare it (or no dataset declares the table). Empty when
   * the column is seen as stored.
   */
  Optional<CompiledColumn> column(String column) {
    CompiledColumn declared = columns.get(column);
    if (declared != null) {
      return Optional.of(declared);
    }
    if ((dataset != null && dataset.columns().containsKey(column)) || nameRules.isEmpty()) {
      return Optional.empty();
    }
    Optional<CompiledColumn> cached = namedColumns.get(column);
    if (cached != null) {
      return cached;
    }
    Optional<CompiledColumn> compiled =
        nameRules
            .classify(column)
            .map(
                match ->
                    compile(
                        new ColumnPolicy(
                            column, null, null, null, List.of(), match.classification().origin()),
                        match.classification(),
                        match.describe()));
    if (namedColumns.size() >= MAX_NAMED_COLUMNS) {
      namedColumns.clear();
    }
    namedColumns.put(column, compiled);
    return compiled;
  }

  /** Whether any column of the table is masked or filtered for some reader. */
  boolean governsContent(Collection<String> present) {
    if (!columns.isEmpty() || !filters.isEmpty() || consent() != null) {
      return true;
    }
    for (String column : present) {
      if (column(column).isPresent()) {
        return true;
      }
    }
    return false;
  }

  /** Whether the table holds personal data: a declared column, or one of {@code present}. */
  boolean holdsPii(Collection<String> present) {
    if (holdsPii) {
      return true;
    }
    for (String column : present) {
      if (dataset != null && dataset.columns().containsKey(column)) {
        continue; // judged by its declaration
      }
      Optional<NameRules.Match> match = nameRules.classify(column);
      if (match.isPresent() && Classification.isPii(match.get().classification().name())) {
        return true;
      }
    }
    return false;
  }

  /** Admin implies write and read; write does not imply read. */
  private void grant(Action granted, Subject subject, String rule, Origin origin) {
    ExplainStep step = new ExplainStep(rule, origin);
    access.get(granted).putIfAbsent(subject, step);
    if (granted == Action.ADMIN) {
      access.get(Action.READ).putIfAbsent(subject, step);
      access.get(Action.WRITE).putIfAbsent(subject, step);
    }
  }

  /** The compiled mask of a column, or null when it is seen as stored. */
  private CompiledColumn compile(
      ColumnPolicy column, Classification classification, String because) {
    String classificationName = classification == null ? null : classification.name();
    String mask = column.mask();
    String source = "column rule";
    if (mask == null && classification != null && classification.defaultMask() != null) {
      mask = classification.defaultMask();
      source = "default of " + classification.name();
    }
    boolean forced = zone != null && zone.forbids(classificationName);
    if (mask == null || ColumnPolicy.NO_MASK.equals(mask)) {
      if (!forced) {
        return null;
      }
      // Validation rejects this for declared columns; the zone's rule holds regardless.
      mask = "nullify";
      source = "zone '" + zone.name() + "' forbids it unmasked";
    }
    if (!masks.fits(mask, column.type())) {
      mask = "nullify";
      source = "mask does not fit " + column.type();
    }
    SubjectIndex<ExplainStep> unmasked = new SubjectIndex<>();
    if (!forced) {
      for (Subject subject : column.unmaskedFor()) {
        unmasked.putIfAbsent(
            subject,
            new ExplainStep(
                "column " + column.name() + " unmasked for " + subject, column.origin()));
      }
      if (classification != null) {
        for (Subject subject : classification.unmaskedFor()) {
          unmasked.putIfAbsent(
              subject,
              new ExplainStep(
                  "column "
                      + column.name()
                      + " unmasked for "
                      + subject
                      + " by classification "
                      + classification.name(),
                  classification.origin()));
        }
      }
    }
    StringBuilder why = new StringBuilder("column ").append(column.name());
    if (classificationName != null) {
      why.append(" (").append(classificationName).append(')');
    }
    if (because != null) {
      why.append(' ').append(because).append(',');
    }
    why.append(" masked with ").append(mask).append(" (").append(source);
    if (forced) {
      why.append("; zone '").append(zone.name()).append("' forbids it unmasked");
    }
    why.append(')');
    return new CompiledColumn(
        column.name(),
        classificationName,
        column.type(),
        mask,
        masks.sql(mask, column.name(), column.type()),
        forced,
        unmasked,
        new ExplainStep(why.toString(), column.origin()));
  }

  private static SubjectIndex<Boolean> booleanIndex(List<Subject> subjects) {
    SubjectIndex<Boolean> index = new SubjectIndex<>();
    subjects.forEach(s -> index.putIfAbsent(s, Boolean.TRUE));
    return index;
  }
}
