package dev.sluice.policy.load;

import dev.sluice.policy.model.Classification;
import dev.sluice.policy.model.ColumnPolicy;
import dev.sluice.policy.model.Consent;
import dev.sluice.policy.model.Contract;
import dev.sluice.policy.model.Dataset;
import dev.sluice.policy.model.Durations;
import dev.sluice.policy.model.Retention;
import dev.sluice.policy.model.RowFilter;
import dev.sluice.policy.model.Subject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Merges a domain file's declaration of a dataset into the global one. A domain may add what is
 * missing (a classification, a mask, consent, a row filter) or shorten retention; anything that
 * would widen access or weaken a global rule is an error at the domain file's position.
 */
final class DomainOverlay {

  private static final String TIGHTEN_ONLY =
      " (a domain file may tighten, never loosen, global rules)";

  private final YamlFile yaml;
  private final Map<String, Classification> classifications;

  DomainOverlay(YamlFile yaml, Map<String, Classification> classifications) {
    this.yaml = yaml;
    this.classifications = classifications;
  }

  Dataset apply(Dataset global, Dataset domain) {
    String what = "dataset '" + global.name() + "'";
    if (domain.owner() != null
        && global.owner() != null
        && !domain.owner().equals(global.owner())) {
      yaml.error(
          domain.origin(),
          what + " owner '" + global.owner() + "' is set by the global file at " + global.origin());
    }
    Map<String, ColumnPolicy> columns = new LinkedHashMap<>(global.columns());
    for (ColumnPolicy column : domain.columns().values()) {
      ColumnPolicy base = columns.get(column.name());
      columns.put(column.name(), base == null ? column : mergeColumn(global, base, column));
    }
    List<RowFilter> rowFilters = new ArrayList<>(global.rowFilters());
    rowFilters.addAll(domain.rowFilters());
    Map<String, String> tags = new TreeMap<>(global.tags());
    tags.putAll(domain.tags());
    return new Dataset(
        global.name(),
        global.owner() != null ? global.owner() : domain.owner(),
        global.domain(),
        columns,
        mergeConsent(what, global.consent(), domain.consent()),
        mergeRetention(what, global.retention(), domain.retention()),
        rowFilters,
        tags,
        mergeContract(what, global.contract(), domain.contract()),
        global.origin());
  }

  /** A domain may give a dataset its contract; replacing a global one could loosen it. */
  private Contract mergeContract(String what, Contract global, Contract domain) {
    if (global == null || domain == null) {
      return global != null ? global : domain;
    }
    yaml.error(
        domain.origin(),
        what + " would replace the contract set at " + global.origin() + TIGHTEN_ONLY);
    return global;
  }

  private ColumnPolicy mergeColumn(Dataset dataset, ColumnPolicy base, ColumnPolicy overlay) {
    String what = "column '" + dataset.name() + "." + base.name() + "'";
    if (overlay.type() != null && base.type() != null && !overlay.type().equals(base.type())) {
      yaml.error(
          overlay.origin(),
          what + " is declared as " + base.type() + " at " + base.origin() + TIGHTEN_ONLY);
    }
    String classification = base.classification();
    if (overlay.classification() != null) {
      if (classification != null && !classification.equals(overlay.classification())) {
        yaml.error(
            overlay.origin(),
            what
                + " would change classification '"
                + classification
                + "' to '"
                + overlay.classification()
                + "'"
                + TIGHTEN_ONLY);
      } else {
        classification = overlay.classification();
      }
    }
    String baseMask = BundleParser.effectiveMask(base, classifications.get(base.classification()));
    String mask = base.mask();
    if (overlay.mask() != null) {
      if (baseMask == null) {
        mask = overlay.mask();
      } else if (!overlay.mask().equals(baseMask)) {
        yaml.error(
            overlay.origin(),
            what
                + " would replace global mask '"
                + baseMask
                + "' with '"
                + overlay.mask()
                + "'"
                + TIGHTEN_ONLY);
      }
    }
    List<Subject> widened =
        overlay.unmaskedFor().stream().filter(s -> !base.unmaskedFor().contains(s)).toList();
    if (!widened.isEmpty()) {
      yaml.error(overlay.origin(), what + " would unmask it for " + widened + TIGHTEN_ONLY);
    }
    return new ColumnPolicy(
        base.name(),
        base.type() != null ? base.type() : overlay.type(),
        classification,
        mask,
        base.unmaskedFor(),
        base.origin());
  }

  private Consent mergeConsent(String what, Consent global, Consent domain) {
    if (global == null || domain == null) {
      return global != null ? global : domain;
    }
    if (!global.sameRule(domain)) {
      yaml.error(
          domain.origin(),
          what + " would replace the consent rule set at " + global.origin() + TIGHTEN_ONLY);
    }
    return global;
  }

  private Retention mergeRetention(String what, Retention global, Retention domain) {
    if (global == null || domain == null) {
      return global != null ? global : domain;
    }
    Duration maxAge = shorter(what, "max-age", global.maxAge(), domain.maxAge(), domain);
    Duration timeTravel =
        shorter(what, "time-travel", global.timeTravel(), domain.timeTravel(), domain);
    if (domain.expiresColumn() != null
        && global.expiresColumn() != null
        && !Objects.equals(domain.expiresColumn(), global.expiresColumn())) {
      yaml.error(
          domain.origin(),
          what + " would replace expires-column '" + global.expiresColumn() + "'" + TIGHTEN_ONLY);
    }
    return new Retention(
        global.expiresColumn() != null ? global.expiresColumn() : domain.expiresColumn(),
        global.eventTimeColumn() != null ? global.eventTimeColumn() : domain.eventTimeColumn(),
        maxAge,
        timeTravel,
        global.origin());
  }

  private Duration shorter(
      String what, String key, Duration global, Duration domain, Retention where) {
    if (global == null || domain == null) {
      return global != null ? global : domain;
    }
    if (domain.compareTo(global) > 0) {
      yaml.error(
          where.origin(),
          what
              + " would lengthen retention "
              + key
              + " from "
              + Durations.format(global)
              + " to "
              + Durations.format(domain)
              + TIGHTEN_ONLY);
      return global;
    }
    return domain;
  }
}
