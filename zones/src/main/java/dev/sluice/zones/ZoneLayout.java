package dev.sluice.zones;

import static java.util.Objects.requireNonNull;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which zone holds a namespace: the zone that lists it, else the zone of its nearest listed
 * ancestor. Namespaces are compared by their levels, never by a dotted spelling: {@code ["a.b"]} is
 * one level and is not below {@code ["a"]}.
 *
 * @param <Z> what a zone is to the caller (the policy's zone, a storage root, ...)
 */
public final class ZoneLayout<Z> {
  private final Map<List<String>, Z> zones;

  private ZoneLayout(Map<List<String>, Z> zones) {
    this.zones = Map.copyOf(zones);
  }

  public static <Z> ZoneLayout<Z> empty() {
    return new ZoneLayout<>(Map.of());
  }

  /** Starts a layout; namespaces are added with the zone that lists them. */
  public static <Z> Builder<Z> builder() {
    return new Builder<>();
  }

  /** The zone of the namespace with these levels, if any zone holds it. */
  public Optional<Z> zoneOf(List<String> namespace) {
    requireNonNull(namespace, "namespace");
    for (int length = namespace.size(); length > 0; length--) {
      Z zone = zones.get(namespace.subList(0, length));
      if (zone != null) {
        return Optional.of(zone);
      }
    }
    return Optional.empty();
  }

  /** Every zone the layout maps some namespace to. */
  public java.util.Collection<Z> zones() {
    return java.util.Set.copyOf(zones.values());
  }

  public boolean isEmpty() {
    return zones.isEmpty();
  }

  /** Collects namespace-to-zone entries; a namespace listed twice keeps its first zone. */
  public static final class Builder<Z> {
    private final Map<List<String>, Z> zones = new HashMap<>();

    private Builder() {}

    /** Adds a namespace; returns the zone already holding exactly it, if any. */
    public Optional<Z> put(List<String> namespace, Z zone) {
      requireNonNull(zone, "zone");
      List<String> levels = NamespaceLevels.check(namespace);
      return Optional.ofNullable(zones.putIfAbsent(levels, zone));
    }

    public ZoneLayout<Z> build() {
      return new ZoneLayout<>(zones);
    }
  }
}
