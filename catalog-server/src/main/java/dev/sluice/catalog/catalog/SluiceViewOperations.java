package dev.sluice.catalog.catalog;

import dev.sluice.catalog.persistence.CatalogEntity.Kind;
import dev.sluice.catalog.persistence.CatalogStore;
import dev.sluice.catalog.persistence.EntityPointer;
import java.util.Optional;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.NoSuchNamespaceException;
import org.apache.iceberg.exceptions.NoSuchViewException;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.view.BaseViewOperations;
import org.apache.iceberg.view.ViewMetadata;

/** View pointer operations, the same compare-and-swap as tables. */
class SluiceViewOperations extends BaseViewOperations {
  private final CatalogStore store;
  private final FileIO io;
  private final StorageLocations locations;
  private final TableIdentifier identifier;
  private final String fullName;
  private final PointerCommit pointers;

  SluiceViewOperations(
      CatalogStore store,
      FileIO io,
      StorageLocations locations,
      TableIdentifier identifier,
      String catalogName,
      CatalogMetrics metrics) {
    this.pointers = new PointerCommit(store, io, metrics);
    this.store = store;
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
    Optional<EntityPointer> pointer = store.find(identifier).filter(p -> p.kind() == Kind.VIEW);
    if (pointer.isEmpty()) {
      if (currentMetadataLocation() != null) {
        throw new NoSuchViewException("View does not exist: %s", identifier);
      }
      disableRefresh();
      return;
    }
    refreshFromMetadataLocation(pointer.get().metadataLocation());
  }

  @Override
  protected void doCommit(ViewMetadata base, ViewMetadata metadata) {
    locations.checkView(identifier, metadata);
    if (base == null && !store.namespaceExists(identifier.namespace())) {
      throw new NoSuchNamespaceException("Namespace does not exist: %s", identifier.namespace());
    }
    String newLocation = writeNewMetadataIfRequired(metadata);
    boolean wroteFile = !newLocation.equals(metadata.metadataFileLocation());
    pointers.move(
        identifier,
        Kind.VIEW,
        base == null ? null : base.metadataFileLocation(),
        newLocation,
        wroteFile);
  }
}
