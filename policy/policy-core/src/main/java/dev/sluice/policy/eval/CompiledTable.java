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
import dev.sluice.policy.model.Zone;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything a decision on one table needs, resolved in advance: who may do what (zone defaults and
 * grants), each column's mask with its SQL for the declared type, consent and row filters.
 */
final class CompiledTable {

  final String name;
  final Zone zone;
  final Dataset dataset;
  final Map<Action, SubjectIndex<ExplainStep>> access = new EnumMap<>(Action.class);
  final Map<String, CompiledColumn> columns = new HashMap<>();
  final boolean holdsPii;

  /** One masked column. {@code forced} when the zone forbids its classification unmasked. */
  record CompiledColumn(
      String name,
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

  final List<CompiledFilter> filters;

  /** One target of one grant; {@code order} keeps the bundle's order in explanations. */
  record GrantTarget(int order, Grant grant, Action action, ResourcePattern pattern) {}

  /** {@code grants} are the grant targets matching this table, in bundle order. */
  CompiledTable(
      String name,
      Zone zone,
      Dataset dataset,
      List<GrantTarget> grants,
      PolicyBundle bundle,
      MaskCatalog masks) {
    this.name = name;
    this.zone = zone;
    this.dataset = dataset;
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
        Classification classification =
            column.classification() == null
                ? null
                : bundle.classifications().get(column.classification());
        pii |= Classification.isPii(column.classification());
        compileColumn(column, classification, masks);
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

  /** Admin implies write and read; write does not imply read. */
  private void grant(Action granted, Subject subject, String rule, Origin origin) {
    ExplainStep step = new ExplainStep(rule, origin);
    access.get(granted).putIfAbsent(subject, step);
    if (granted == Action.ADMIN) {
      access.get(Action.READ).putIfAbsent(subject, step);
      access.get(Action.WRITE).putIfAbsent(subject, step);
    }
  }

  private void compileColumn(
      ColumnPolicy column, Classification classification, MaskCatalog masks) {
    String mask = column.mask();
    String source = "column rule";
    if (mask == null && classification != null && classification.defaultMask() != null) {
      mask = classification.defaultMask();
      source = "default of " + classification.name();
    }
    boolean forced = zone != null && zone.forbids(column.classification());
    if (mask == null || ColumnPolicy.NO_MASK.equals(mask)) {
      if (!forced) {
        return;
      }
      // Validation rejects this; if a bundle slips through, the zone's rule still holds.
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
    String why =
        "column "
            + column.name()
            + (column.classification() == null ? "" : " (" + column.classification() + ")")
            + " masked with "
            + mask
            + " ("
            + source
            + (forced ? "; zone '" + zone.name() + "' forbids it unmasked" : "")
            + ")";
    columns.put(
        column.name(),
        new CompiledColumn(
            column.name(),
            column.type(),
            mask,
            masks.sql(mask, column.name(), column.type()),
            forced,
            unmasked,
            new ExplainStep(why, column.origin())));
  }

  private static SubjectIndex<Boolean> booleanIndex(List<Subject> subjects) {
    SubjectIndex<Boolean> index = new SubjectIndex<>();
    subjects.forEach(s -> index.putIfAbsent(s, Boolean.TRUE));
    return index;
  }
}
