package dev.sluice.policy.diff;

import dev.sluice.policy.model.Compatibility;
import dev.sluice.policy.model.Contract;
import dev.sluice.policy.model.ContractField;
import dev.sluice.policy.model.ContractSeverity;
import dev.sluice.policy.model.ContractValues;
import dev.sluice.policy.model.Durations;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Compares two effective contracts part by part. A part that promises consumers less (a removed
 * field, a wider range, a longer staleness, a weaker mode or severity) is a loosening and flagged
 * as {@link Risk#CONTRACT_LOOSENING}; a part that promises more is a tightening.
 */
final class ContractDiff {

  /** Receives each change; subject is always everyone, since a contract binds the producer. */
  interface Sink {
    void add(
        String dataset,
        String column,
        ChangeKind kind,
        String before,
        String after,
        Risk risk,
        String detail);
  }

  private final String dataset;
  private final Sink sink;

  private ContractDiff(String dataset, Sink sink) {
    this.dataset = dataset;
    this.sink = sink;
  }

  static void compare(String dataset, Contract was, Contract now, Sink sink) {
    new ContractDiff(dataset, sink).run(was, now);
  }

  private void run(Contract was, Contract now) {
    if (was == null && now == null) {
      return;
    }
    if (was == null) {
      sink.add(dataset, null, ChangeKind.CONTRACT_ADDED, null, now.describe(), null, null);
      return;
    }
    if (now == null) {
      sink.add(
          dataset,
          null,
          ChangeKind.CONTRACT_REMOVED,
          was.describe(),
          null,
          Risk.CONTRACT_LOOSENING,
          "consumers lose every guarantee it gave");
      return;
    }
    compatibility(was.effectiveCompatibility(), now.effectiveCompatibility());
    severity(was.effectiveSeverity(), now.effectiveSeverity());
    fields(was, now);
    members("partition field", was.partitionFields(), now.partitionFields());
    members("consumer", was.consumers(), now.consumers());
    completeness(was, now);
    staleness(was.maxStaleness(), now.maxStaleness());
    if (!Objects.equals(was.producer(), now.producer())) {
      sink.add(
          dataset,
          null,
          ChangeKind.CONTRACT_CHANGED,
          was.producer(),
          now.producer(),
          null,
          "producer");
    }
  }

  private void compatibility(Compatibility was, Compatibility now) {
    if (was == now) {
      return;
    }
    // backward <-> forward keeps the strictness but drops the direction consumers relied on.
    if (now.strictness() <= was.strictness()) {
      loosened(null, was.spelling(), now.spelling(), "compatibility");
    } else {
      tightened(null, was.spelling(), now.spelling(), "compatibility");
    }
  }

  private void severity(ContractSeverity was, ContractSeverity now) {
    if (was == now) {
      return;
    }
    if (now == ContractSeverity.WARNING) {
      loosened(null, was.spelling(), now.spelling(), "severity: violations no longer refuse");
    } else {
      tightened(null, was.spelling(), now.spelling(), "severity: violations now refuse");
    }
  }

  private void fields(Contract was, Contract now) {
    Set<String> names = new TreeSet<>(was.fields().keySet());
    names.addAll(now.fields().keySet());
    for (String name : names) {
      ContractField before = was.fields().get(name);
      ContractField after = now.fields().get(name);
      if (after == null) {
        loosened(name, describe(before), null, "field no longer promised");
      } else if (before == null) {
        tightened(name, null, describe(after), "field promised");
      } else {
        field(name, before, after);
      }
    }
  }

  private void field(String name, ContractField was, ContractField now) {
    if (!Objects.equals(was.type(), now.type())) {
      if (now.type() == null) {
        loosened(name, String.valueOf(was.type()), "any", "type");
      } else {
        loosened(name, String.valueOf(was.type()), String.valueOf(now.type()), "type changes");
      }
    }
    if (was.required() != now.required()) {
      if (was.required()) {
        loosened(name, "not null", "nullable", "nullability");
      } else {
        tightened(name, "nullable", "not null", "nullability");
      }
    }
    var family = now.type() != null ? now.type().family() : null;
    int min = bound(family, was.min(), now.min(), -1);
    int max = bound(family, was.max(), now.max(), 1);
    if (min != 0 || max != 0) {
      String before = range(was);
      String after = range(now);
      if (min < 0 || max < 0) {
        loosened(name, before, after, "valid-range widens");
      } else {
        tightened(name, before, after, "valid-range narrows");
      }
    }
    Set<String> valuesWas = new LinkedHashSet<>(was.validValues());
    Set<String> valuesNow = new LinkedHashSet<>(now.validValues());
    if (!valuesWas.equals(valuesNow)) {
      boolean looser =
          (valuesNow.isEmpty() && !valuesWas.isEmpty())
              || (!valuesWas.isEmpty() && !valuesWas.containsAll(valuesNow));
      String before = valuesWas.isEmpty() ? "any" : String.join(", ", valuesWas);
      String after = valuesNow.isEmpty() ? "any" : String.join(", ", valuesNow);
      if (looser) {
        loosened(name, before, after, "valid-values admits more");
      } else {
        tightened(name, before, after, "valid-values admits fewer");
      }
    }
  }

  /**
   * -1 when the bound on this side moved outwards (or went away), +1 inwards, 0 unchanged. {@code
   * side} is -1 for min, +1 for max.
   */
  private static int bound(
      dev.sluice.policy.model.ColumnType.Family family, String was, String now, int side) {
    if (Objects.equals(was, now)) {
      return 0;
    }
    if (now == null) {
      return -1;
    }
    if (was == null) {
      return 1;
    }
    var a = ContractValues.parse(family, was);
    var b = ContractValues.parse(family, now);
    if (a.isEmpty() || b.isEmpty()) {
      return -1;
    }
    int order = ContractValues.compare(b.get(), a.get());
    return order == 0 ? 0 : (order * side > 0 ? -1 : 1);
  }

  private void members(String what, List<String> was, List<String> now) {
    for (String removed : was) {
      if (!now.contains(removed)) {
        loosened(null, removed, null, what + " removed");
      }
    }
    for (String added : now) {
      if (!was.contains(added)) {
        tightened(null, null, added, what + " added");
      }
    }
  }

  private void completeness(Contract was, Contract now) {
    Set<String> names = new TreeSet<>(was.completeness().keySet());
    names.addAll(now.completeness().keySet());
    for (String name : names) {
      Double before = was.completeness().get(name);
      Double after = now.completeness().get(name);
      if (Objects.equals(before, after)) {
        continue;
      }
      String detail = "largest null fraction";
      if (after == null || (before != null && after > before)) {
        loosened(name, fraction(before), fraction(after), detail);
      } else {
        tightened(name, fraction(before), fraction(after), detail);
      }
    }
  }

  private void staleness(Duration was, Duration now) {
    if (Objects.equals(was, now)) {
      return;
    }
    String before = was == null ? "unlimited" : Durations.format(was);
    String after = now == null ? "unlimited" : Durations.format(now);
    if (now == null || (was != null && now.compareTo(was) > 0)) {
      loosened(null, before, after, "freshness max-staleness");
    } else {
      tightened(null, before, after, "freshness max-staleness");
    }
  }

  private void loosened(String column, String before, String after, String detail) {
    sink.add(
        dataset,
        column,
        ChangeKind.CONTRACT_LOOSENED,
        before,
        after,
        Risk.CONTRACT_LOOSENING,
        detail);
  }

  private void tightened(String column, String before, String after, String detail) {
    sink.add(dataset, column, ChangeKind.CONTRACT_TIGHTENED, before, after, null, detail);
  }

  private static String describe(ContractField field) {
    StringBuilder text = new StringBuilder(field.type() == null ? "any" : field.type().sql());
    if (field.required()) {
      text.append(" not null");
    }
    if (field.hasRange()) {
      text.append(" in ").append(range(field));
    }
    if (!field.validValues().isEmpty()) {
      text.append(" one of ").append(String.join(", ", field.validValues()));
    }
    return text.toString();
  }

  private static String range(ContractField field) {
    if (!field.hasRange()) {
      return "any";
    }
    return "["
        + (field.min() == null ? "~" : field.min())
        + ", "
        + (field.max() == null ? "~" : field.max())
        + "]";
  }

  private static String fraction(Double value) {
    return value == null ? "unlimited" : String.valueOf(value);
  }
}
