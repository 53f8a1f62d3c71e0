package dev.sluice.catalog.catalog;

import dev.sluice.catalog.persistence.CatalogEntity.Kind;
import dev.sluice.zones.StorageLocation;
import java.util.Optional;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.NoSuchViewException;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.view.BaseViewOperations;
import org.apache.iceberg.view.ViewMetadata;

/** View pointer operations, the same compare-and-swap as tables. */
class SluiceViewOperations extends BaseViewOperations {
  private final FileIO io;
  private final StorageLocations locations;
  private final TableIdentifier identifier;
  private final String fullName;
  private final PointerCommit pointers;

  SluiceViewOperations(
      PointerCommit pointers,
      FileIO io,
      StorageLocations locations,
      TableIdentifier identifier,
      String catalogName) {
    this.pointers = pointers;
    this.io = io;
    this.locations = locations;
    this.identifier = identifier;
    this.fullName = catalogName + "." + identifier;
  }

  @Override
  protected String viewName() {
    return fullName;
  }

  @Override
  protected FileIO io() {
    return io;
  }

  @Override
  protected void doRefresh() {
    Optional<String> location = pointers.current(identifier, Kind.VIEW);
    if (location.isEmpty()) {
      if (currentMetadataLocation() != null) {
        throw new NoSuchViewException("View does not exist: %s", identifier);
      }
      disableRefresh();
      return;
    }
    refreshFromMetadataLocation(location.get());
  }

  @Override
  protected void doCommit(ViewMetadata base, ViewMetadata metadata) {
    if (base == null) {
      pointers.requireNamespace(identifier.namespace());
    }
    StorageLocation location = locations.checkView(identifier, metadata);
    if (base == null || !base.location().equals(metadata.location())) {
      pointers.requireOwnLocation(identifier, location);
    }
    String newLocation = writeNewMetadataIfRequired(metadata);
    boolean wroteFile = !newLocation.equals(metadata.metadataFileLocation());
    pointers.move(
        identifier,
        Kind.VIEW,
        base == null ? null : base.metadataFileLocation(),
        newLocation,
        wroteFile,
        location);
  }
}
