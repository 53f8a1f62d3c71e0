package dev.sluice.zones;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where data may live. A namespace in a zone with a storage root keeps everything under that root,
 * whatever a client asks for; a namespace in no zone stays under the warehouse or an additionally
 * allowed root. Every location the server is asked to write, read or delete is judged here, in
 * canonical form ({@link StorageLocation}). Immutable; rebuilt when the zones change.
 */
public final class StoragePolicy {

  /** The storage root a zone forces on its namespaces. */
  public record ZoneStorage(String zone, StorageRoot root) {
    public ZoneStorage {
      requireNonNull(zone, "zone");
      requireNonNull(root, "root");
    }
  }

  private final StorageRoot warehouse;
  private final List<StorageRoot> allowed;
  private final ZoneLayout<ZoneStorage> zones;
  private final List<StorageRoot> managed;

  private StoragePolicy(
      StorageRoot warehouse, List<StorageRoot> additional, ZoneLayout<ZoneStorage> zones) {
    this.warehouse = requireNonNull(warehouse, "warehouse");
    this.zones = requireNonNull(zones, "zones");
    List<StorageRoot> roots = new ArrayList<>();
    roots.add(warehouse);
    roots.addAll(additional);
    this.allowed = List.copyOf(roots);
    zones.zones().stream().map(ZoneStorage::root).distinct().forEach(roots::add);
    this.managed = List.copyOf(roots);
  }

  /**
   * @param warehouse the root of default locations outside zones
   * @param additional further roots locations outside zones may use
   * @param zones namespace levels to the zone storage that confines them
   */
  public static StoragePolicy of(
      StorageRoot warehouse, List<StorageRoot> additional, ZoneLayout<ZoneStorage> zones) {
    return new StoragePolicy(warehouse, additional, zones);
  }

  public StorageRoot warehouse() {
    return warehouse;
  }

  /** The zone storage confining the namespace, if its zone has a storage root. */
  public Optional<ZoneStorage> zoneOf(List<String> namespace) {
    return zones.zoneOf(namespace);
  }

  /** The zone root of the namespace, or the warehouse. */
  public StorageRoot rootFor(List<String> namespace) {
    return zoneOf(namespace).map(ZoneStorage::root).orElse(warehouse);
  }

  /** Default location of a namespace: (zone root or warehouse)/level1/level2. */
  public String defaultLocation(List<String> namespace) {
    return rootFor(namespace).resolve(String.join("/", namespace));
  }

  /** Default location of a table or view: (zone root or warehouse)/level1/level2/name. */
  public String defaultLocation(List<String> namespace, String name) {
    return rootFor(namespace).resolve(String.join("/", namespace) + "/" + name);
  }

  /**
   * Refuses a location the namespace's objects may not use: invalid, or outside the zone's root
   * (outside the warehouse and allowed roots for a namespace in no zone).
   *
   * @param what what the location is for, as the refusal should name it ("location", "property
   *     write.data.path", "manifest list of snapshot 12", ...)
   * @param subject the table, view or namespace, as the refusal should name it
   * @return the canonical location
   */
  public StorageLocation check(
      List<String> namespace, String subject, String what, String location) {
    StorageLocation parsed;
    try {
      parsed = StorageLocation.parse(location);
    } catch (InvalidLocationException e) {
      throw new LocationRefusedException(
          "Refused " + what + " for " + subject + ": " + e.getMessage(), e);
    }
    Optional<ZoneStorage> zone = zoneOf(namespace);
    if (zone.isPresent()) {
      if (!zone.get().root().contains(parsed)) {
        throw new LocationRefusedException(
            String.format(
                "Refused %s for %s: %s is outside the storage root %s of zone '%s'",
                what,
                subject,
                InvalidLocationException.quote(location),
                zone.get().root(),
                zone.get().zone()));
      }
      return parsed;
    }
    if (allowed.stream().noneMatch(root -> root.contains(parsed))) {
      throw new LocationRefusedException(
          String.format(
              "Refused %s for %s: %s is outside the allowed storage roots %s",
              what, subject, InvalidLocationException.quote(location), allowed));
    }
    return parsed;
  }

  /**
   * As {@link #check}, for the location of a table or view itself: it must lie strictly below its
   * root, since a table at the root would hold every other table's files.
   */
  public StorageLocation checkEntityLocation(
      List<String> namespace, String subject, String location) {
    StorageLocation parsed = check(namespace, subject, "location", location);
    StorageRoot root = rootFor(namespace);
    if (root.contains(parsed) && !parsed.isStrictlyWithin(root.location())) {
      throw new LocationRefusedException(
          String.format(
              "Refused location for %s: %s is the storage root itself; a table or view needs a"
                  + " folder of its own below it",
              subject, InvalidLocationException.quote(location)));
    }
    for (StorageRoot other : allowed) {
      if (other.contains(parsed) && !parsed.isStrictlyWithin(other.location())) {
        throw new LocationRefusedException(
            String.format(
                "Refused location for %s: %s is the storage root %s itself; a table or view"
                    + " needs a folder of its own below it",
                subject, InvalidLocationException.quote(location), other));
      }
    }
    return parsed;
  }

  /**
   * Whether the server may touch the location at all: it is valid and lies under the warehouse, an
   * allowed root or a zone's root. The last fence before any file is read, written or deleted.
   */
  public boolean isManaged(String location) {
    try {
      return isManaged(StorageLocation.parse(location));
    } catch (InvalidLocationException e) {
      return false;
    }
  }

  public boolean isManaged(StorageLocation location) {
    return managed.stream().anyMatch(root -> root.contains(location));
  }

  /** Every root the server may touch. */
  public List<StorageRoot> managedRoots() {
    return managed;
  }
}
