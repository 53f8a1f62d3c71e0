package dev.sluice.policy.model;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What a dataset's producer promises its consumers: schema compatibility, fields with their types,
 * nullability and valid values, the partition fields consumers rely on, completeness (the largest
 * null fraction per field) and freshness (the longest time between commits). Unset parts are null
 * or empty. {@code origin} is where the contract (or the zone default it came from) was written.
 */
public record Contract(
    String producer,
    List<String> consumers,
    Compatibility compatibility,
    ContractSeverity severity,
    Map<String, ContractField> fields,
    List<String> partitionFields,
    Map<String, Double> completeness,
    Duration maxStaleness,
    Origin origin) {

  public Contract {
    consumers = List.copyOf(consumers);
    fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    partitionFields = List.copyOf(partitionFields);
    completeness = Collections.unmodifiableMap(new TreeMap<>(completeness));
    Objects.requireNonNull(origin, "origin");
  }

  /** The mode that applies: {@code backward} when neither the dataset nor its zone sets one. */
  public Compatibility effectiveCompatibility() {
    return compatibility == null ? Compatibility.BACKWARD : compatibility;
  }

  /** The severity that applies: {@code error} when none is set. */
  public ContractSeverity effectiveSeverity() {
    return severity == null ? ContractSeverity.ERROR : severity;
  }

  public Optional<ContractField> field(String name) {
    return Optional.ofNullable(fields.get(name));
  }

  public Optional<Duration> freshness() {
    return Optional.ofNullable(maxStaleness);
  }

  /** A one-line summary for reviews: {@code backward, error, 3 fields, fresh within 6h}. */
  public String describe() {
    StringBuilder text =
        new StringBuilder(effectiveCompatibility().spelling())
            .append(", ")
            .append(effectiveSeverity().spelling());
    if (!fields.isEmpty()) {
      text.append(", ").append(fields.size()).append(fields.size() == 1 ? " field" : " fields");
    }
    if (!completeness.isEmpty()) {
      text.append(", completeness on ").append(String.join(", ", completeness.keySet()));
    }
    if (maxStaleness != null) {
      text.append(", fresh within ").append(Durations.format(maxStaleness));
    }
    return text.toString();
  }

  /**
   * This contract over a zone default: every part set here wins, fields and completeness merge by
   * name, consumers are the union.
   */
  public Contract over(Contract zoneDefault) {
    if (zoneDefault == null) {
      return this;
    }
    Map<String, ContractField> mergedFields = new LinkedHashMap<>(zoneDefault.fields);
    mergedFields.putAll(fields);
    Map<String, Double> mergedCompleteness = new TreeMap<>(zoneDefault.completeness);
    mergedCompleteness.putAll(completeness);
    LinkedHashSet<String> mergedConsumers = new LinkedHashSet<>(zoneDefault.consumers);
    mergedConsumers.addAll(consumers);
    LinkedHashSet<String> mergedPartitions = new LinkedHashSet<>(zoneDefault.partitionFields);
    mergedPartitions.addAll(partitionFields);
    return new Contract(
        producer != null ? producer : zoneDefault.producer,
        List.copyOf(mergedConsumers),
        compatibility != null ? compatibility : zoneDefault.compatibility,
        severity != null ? severity : zoneDefault.severity,
        mergedFields,
        List.copyOf(mergedPartitions),
        mergedCompleteness,
        maxStaleness != null ? maxStaleness : zoneDefault.maxStaleness,
        origin);
  }
}
