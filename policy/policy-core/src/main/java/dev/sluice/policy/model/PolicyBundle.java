package dev.sluice.policy.model;

import dev.sluice.zones.ZoneLayout;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A validated policy bundle. Maps are sorted by name so every walk over them is deterministic.
 * {@code zoneLayout} resolves namespaces (by their levels) to zones.
 */
public record PolicyBundle(
    String apiVersion,
    Map<String, Zone> zones,
    Map<String, Classification> classifications,
    Map<String, MaskDefinition> masks,
    Map<String, Purpose> purposes,
    List<PurposeBinding> bindings,
    Map<String, Dataset> datasets,
    List<Grant> grants,
    ZoneLayout<Zone> zoneLayout) {

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
    Objects.requireNonNull(zoneLayout, "zoneLayout");
  }

  public PolicyBundle(
      String apiVersion,
      Map<String, Zone> zones,
      Map<String, Classification> classifications,
      Map<String, MaskDefinition> masks,
      Map<String, Purpose> purposes,
      List<PurposeBinding> bindings,
      Map<String, Dataset> datasets,
      List<Grant> grants) {
    this(
        apiVersion,
        zones,
        classifications,
        masks,
        purposes,
        bindings,
        datasets,
        grants,
        layoutOf(zones));
  }

  /** Namespace levels to the zone listing them; a namespace is in one zone only. */
  public static ZoneLayout<Zone> layoutOf(Map<String, Zone> zones) {
    ZoneLayout.Builder<Zone> layout = ZoneLayout.builder();
    for (Zone zone : new TreeMap<>(zones).values()) {
      zone.namespaceLevels().forEach(levels -> layout.put(levels, zone));
    }
    return layout.build();
  }

  /** The zone holding a namespace: the one listing it or its nearest listed ancestor. */
  public Optional<Zone> zoneOfNamespace(List<String> namespace) {
    return zoneLayout.zoneOf(namespace);
  }

  public Optional<Zone> zoneOfTable(TableName table) {
    return zoneOfNamespace(table.namespace());
  }

  /**
   * The dataset declared for the table. Policy names hold no dots within a level, so a table whose
   * levels hold one is never a declared dataset.
   */
  public Optional<Dataset> dataset(TableName table) {
    return table.isPlain() ? Optional.ofNullable(datasets.get(table.dotted())) : Optional.empty();
  }

  /**
   * The contract that applies to a table: its dataset's contract over its zone's default, or empty
   * when neither declares one.
   */
  public Optional<Contract> contract(TableName table) {
    Contract zoneDefault = zoneOfTable(table).map(Zone::contract).orElse(null);
    Contract declared = dataset(table).map(Dataset::contract).orElse(null);
    if (declared == null) {
      return Optional.ofNullable(zoneDefault);
    }
    return Optional.of(declared.over(zoneDefault));
  }

  private static <V> Map<String, V> sorted(Map<String, V> map) {
    return Collections.unmodifiableMap(new TreeMap<>(map));
  }
}
