package dev.sluice.policy.model;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/** A validated policy bundle. Maps are sorted by name so every walk over them is deterministic. */
public record PolicyBundle(
    String apiVersion,
    Map<String, Zone> zones,
    Map<String, Classification> classifications,
    Map<String, MaskDefinition> masks,
    Map<String, Purpose> purposes,
    List<PurposeBinding> bindings,
    Map<String, Dataset> datasets,
    List<Grant> grants) {

  public static final String API_VERSION = "sluice.dev/v1";

  public PolicyBundle {
    Objects.requireNonNull(apiVersion, "apiVersion");
    zones = sorted(zones);
    classifications = sorted(classifications);
    masks = sorted(masks);
    purposes = sorted(purposes);
    bindings = List.copyOf(bindings);
    datasets = sorted(datasets);
    grants = List.copyOf(grants);
  }

  /** The zone holding a namespace: the one listing it or its nearest listed ancestor. */
  public Optional<Zone> zoneOfNamespace(String namespace) {
    String ns = namespace;
    while (!ns.isEmpty()) {
      for (Zone zone : zones.values()) {
        if (zone.namespaces().contains(ns)) {
          return Optional.of(zone);
        }
      }
      int dot = ns.lastIndexOf('.');
      ns = dot < 0 ? "" : ns.substring(0, dot);
    }
    return Optional.empty();
  }

  public Optional<Zone> zoneOfTable(String table) {
    return zoneOfNamespace(Dataset.namespaceOf(table));
  }

  private static <V> Map<String, V> sorted(Map<String, V> map) {
    return Collections.unmodifiableMap(new TreeMap<>(map));
  }
}
