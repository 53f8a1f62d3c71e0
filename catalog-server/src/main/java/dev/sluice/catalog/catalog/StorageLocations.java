package dev.sluice.catalog.catalog;

import dev.sluice.zones.StorageLocation;
import dev.sluice.zones.StoragePolicy;
import dev.sluice.zones.StorageRoot;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.iceberg.PartitionStatisticsFile;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.StatisticsFile;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.BadRequestException;
import org.apache.iceberg.view.ViewMetadata;

/**
 * Applies the storage policy to Iceberg metadata: every path a table or view names (its location,
 * data and metadata paths, manifest lists, statistics files, earlier metadata files) must pass the
 * one canonical check of {@link StoragePolicy}. A refusal is a 400 naming the rule; nothing is
 * written before it.
 */
public final class StorageLocations {

  /**
   * Properties that redirect where files are written. Views write only metadata, but a view's
   * properties are judged the same way: an engine may honour any of them.
   */
  static final List<String> PATH_PROPERTIES =
      List.of(
          TableProperties.WRITE_DATA_LOCATION,
          TableProperties.WRITE_METADATA_LOCATION,
          TableProperties.OBJECT_STORE_PATH,
          TableProperties.WRITE_FOLDER_STORAGE_LOCATION);

  private final Supplier<StoragePolicy> policy;

  public StorageLocations(Supplier<StoragePolicy> policy) {
    this.policy = policy;
  }

  public StoragePolicy policy() {
    return policy.get();
  }

  public StorageRoot warehouse() {
    return policy.get().warehouse();
  }

  /** Default location of a table or view: (zone root or warehouse)/level1/level2/name. */
  public String defaultLocation(TableIdentifier identifier) {
    return guard(
        () -> policy.get().defaultLocation(levels(identifier.namespace()), identifier.name()));
  }

  /** Default location of a namespace: (zone root or warehouse)/level1/level2. */
  public String defaultLocation(Namespace namespace) {
    return guard(() -> policy.get().defaultLocation(levels(namespace)));
  }

  /** A location a client asks for a table or view: below its root, never the root itself. */
  public StorageLocation checkRequestedLocation(TableIdentifier identifier, String location) {
    return guard(
        () ->
            policy
                .get()
                .checkEntityLocation(
                    levels(identifier.namespace()), identifier.toString(), location));
  }

  /** A namespace's {@code location} property. */
  public void checkNamespaceLocation(Namespace namespace, String location) {
    guard(
        () ->
            policy.get().check(levels(namespace), "namespace " + namespace, "location", location));
  }

  public void checkMetadataFile(TableIdentifier identifier, String metadataLocation) {
    check(identifier, "metadata file", metadataLocation);
  }

  /**
   * A table's new metadata against what it had: its location and path properties, and every
   * manifest list and statistics file it gains. {@code base} is null for a new table.
   */
  public StorageLocation checkTable(
      TableIdentifier identifier, TableMetadata base, TableMetadata metadata) {
    StorageLocation location = checkRequestedLocation(identifier, metadata.location());
    checkProperties(identifier, metadata.properties(), PATH_PROPERTIES);
    Set<Long> known = new HashSet<>();
    if (base != null) {
      base.snapshots().forEach(snapshot -> known.add(snapshot.snapshotId()));
    }
    for (Snapshot snapshot : metadata.snapshots()) {
      if (!known.contains(snapshot.snapshotId())) {
        checkSnapshot(identifier, snapshot);
      }
    }
    for (StatisticsFile statistics : metadata.statisticsFiles()) {
      check(
          identifier, "statistics file of snapshot " + statistics.snapshotId(), statistics.path());
    }
    for (PartitionStatisticsFile statistics : metadata.partitionStatisticsFiles()) {
      check(
          identifier,
          "partition statistics file of snapshot " + statistics.snapshotId(),
          statistics.path());
    }
    return location;
  }

  /**
   * A table registered from a metadata file someone else wrote: the file and every path inside it,
   * including each snapshot's manifest list and the earlier metadata files it lists.
   */
  public StorageLocation checkRegistered(
      TableIdentifier identifier, String metadataLocation, TableMetadata metadata) {
    checkMetadataFile(identifier, metadataLocation);
    StorageLocation location = checkTable(identifier, null, metadata);
    for (TableMetadata.MetadataLogEntry previous : metadata.previousFiles()) {
      check(identifier, "earlier metadata file", previous.file());
    }
    return location;
  }

  public StorageLocation checkView(TableIdentifier identifier, ViewMetadata metadata) {
    StorageLocation location = checkRequestedLocation(identifier, metadata.location());
    checkProperties(identifier, metadata.properties(), PATH_PROPERTIES);
    return location;
  }

  private void checkSnapshot(TableIdentifier identifier, Snapshot snapshot) {
    String manifestList = snapshot.manifestListLocation();
    if (manifestList == null) {
      throw new BadRequestException(
          "Refused snapshot %d for %s: it lists its manifests inline (format v1 without a manifest"
              + " list), so their paths cannot be checked",
          snapshot.snapshotId(), identifier);
    }
    check(identifier, "manifest list of snapshot " + snapshot.snapshotId(), manifestList);
  }

  private void checkProperties(
      TableIdentifier identifier, Map<String, String> properties, List<String> keys) {
    for (String key : keys) {
      String value = properties.get(key);
      if (value != null) {
        check(identifier, "property " + key, value);
      }
    }
  }

  private void check(TableIdentifier identifier, String what, String location) {
    guard(
        () ->
            policy
                .get()
                .check(levels(identifier.namespace()), identifier.toString(), what, location));
  }

  static List<String> levels(Namespace namespace) {
    return List.of(namespace.levels());
  }

  /**
   * Storage refusals ({@code LocationRefusedException}, an invalid location) are the client's to
   * fix: 400, never a retryable or unknown outcome.
   */
  private static <T> T guard(Supplier<T> check) {
    try {
      return check.get();
    } catch (IllegalArgumentException e) {
      throw new BadRequestException(e, "%s", e.getMessage());
    }
  }
}
