package dev.sluice.catalog.catalog;

import dev.sluice.zones.StorageRoot;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.BadRequestException;
import org.apache.iceberg.view.ViewMetadata;

/**
 * Decides where tables may live. A namespace in a zone with a storage root keeps its tables under
 * that root, whatever the client asks for; elsewhere default locations go under the warehouse root,
 * and any location a client asks for (table, data or metadata path) must sit under the warehouse or
 * an allowed root.
 */
public final class StorageLocations {

  /** The storage root a zone forces on its namespaces. */
  public record ZoneRoot(String zone, StorageRoot root) {}

  /** Looks up the zone root of a namespace in the active policy. */
  @FunctionalInterface
  public interface ZoneRoots {
    Optional<ZoneRoot> rootOf(Namespace namespace);

    ZoneRoots NONE = namespace -> Optional.empty();
  }

  private static final List<String> PATH_PROPERTIES =
      List.of(
          TableProperties.WRITE_DATA_LOCATION,
          TableProperties.WRITE_METADATA_LOCATION,
          TableProperties.OBJECT_STORE_PATH,
          TableProperties.WRITE_FOLDER_STORAGE_LOCATION);

  private final StorageRoot warehouse;
  private final List<StorageRoot> allowed;
  private final ZoneRoots zoneRoots;

  public StorageLocations(String warehouse, List<String> additionalRoots) {
    this(warehouse, additionalRoots, ZoneRoots.NONE);
  }

  public StorageLocations(String warehouse, List<String> additionalRoots, ZoneRoots zoneRoots) {
    this.zoneRoots = zoneRoots;
    this.warehouse = new StorageRoot(absolute(warehouse));
    List<StorageRoot> roots = new ArrayList<>();
    roots.add(this.warehouse);
    additionalRoots.stream()
        .map(StorageLocations::absolute)
        .map(StorageRoot::new)
        .forEach(roots::add);
    this.allowed = List.copyOf(roots);
  }

  /** Local roots may be configured relative to the working directory; pin them down. */
  static String absolute(String location) {
    String path = null;
    if (location.startsWith("file:") && !location.startsWith("file:/")) {
      path = location.substring("file:".length());
    } else if (!location.contains(":")) {
      path = location;
    }
    if (path == null) {
      return location;
    }
    return "file:" + java.nio.file.Path.of(path).toAbsolutePath().normalize();
  }

  public StorageRoot warehouse() {
    return warehouse;
  }

  /** Default location of a table or view: (zone root or warehouse)/level1/level2/name. */
  public String defaultLocation(TableIdentifier identifier) {
    String path = String.join("/", identifier.namespace().levels()) + "/" + identifier.name();
    return rootFor(identifier.namespace()).resolve(path);
  }

  /** Default location of a namespace: (zone root or warehouse)/level1/level2. */
  public String defaultLocation(Namespace namespace) {
    return rootFor(namespace).resolve(String.join("/", namespace.levels()));
  }

  private StorageRoot rootFor(Namespace namespace) {
    return zoneRoots.rootOf(namespace).map(ZoneRoot::root).orElse(warehouse);
  }

  public void checkTable(TableIdentifier identifier, TableMetadata metadata) {
    check(identifier, "location", metadata.location());
    checkPathProperties(identifier, metadata.properties());
  }

  public void checkView(TableIdentifier identifier, ViewMetadata metadata) {
    check(identifier, "location", metadata.location());
  }

  public void checkMetadataFile(TableIdentifier identifier, String metadataLocation) {
    check(identifier, "metadata file", metadataLocation);
  }

  public void checkRequestedLocation(TableIdentifier identifier, String location) {
    check(identifier, "location", location);
  }

  private void checkPathProperties(TableIdentifier identifier, Map<String, String> properties) {
    for (String key : PATH_PROPERTIES) {
      String value = properties.get(key);
      if (value != null) {
        check(identifier, "property " + key, value);
      }
    }
  }

  private void check(TableIdentifier identifier, String what, String location) {
    if (location == null) {
      return;
    }
    Optional<ZoneRoot> zone = zoneRoots.rootOf(identifier.namespace());
    if (zone.isPresent()) {
      if (!zone.get().root().contains(location)) {
        throw new BadRequestException(
            "Refused %s for %s: %s is outside the storage root %s of zone '%s'",
            what, identifier, location, zone.get().root().location(), zone.get().zone());
      }
      return;
    }
    boolean inside = allowed.stream().anyMatch(root -> root.contains(location));
    if (!inside) {
      throw new BadRequestException(
          "Refused %s for %s: %s is outside the allowed storage roots %s",
          what, identifier, location, allowed.stream().map(StorageRoot::location).toList());
    }
  }
}
