package dev.sluice.catalog.catalog;

import dev.sluice.catalog.persistence.CatalogEntity.Kind;
import dev.sluice.catalog.persistence.CatalogStore;
import dev.sluice.catalog.persistence.EntityPointer;
import java.util.Optional;
import org.apache.iceberg.BaseMetastoreTableOperations;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.NoSuchNamespaceException;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.io.FileIO;

/** Table pointer operations: refresh reads the pointer, commit writes a file then swaps. */
public class SluiceTableOperations extends BaseMetastoreTableOperations {
  private final CatalogStore store;
  private final FileIO io;
  private final StorageLocations locations;
  private final TableIdentifier identifier;
  private final String fullName;
  private final PointerCommit pointers;

  SluiceTableOperations(
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
  protected String tableName() {
    return fullName;
  }

  @Override
  public FileIO io() {
    return io;
  }

  /** Writes {@code metadata} as the next metadata file and returns its location. */
  public String writeNextMetadata(TableMetadata metadata) {
    locations.checkTable(identifier, metadata);
    return writeNewMetadataIfRequired(false, metadata);
  }

  @Override
  protected void doRefresh() {
    Optional<EntityPointer> pointer = store.find(identifier).filter(p -> p.kind() == Kind.TABLE);
    if (pointer.isEmpty()) {
      if (currentMetadataLocation() != null) {
        throw new NoSuchTableException("Table does not exist: %s", identifier);
      }
      disableRefresh();
      return;
    }
    refreshFromMetadataLocation(pointer.get().metadataLocation());
  }

  @Override
  protected void doCommit(TableMetadata base, TableMetadata metadata) {
    boolean newTable = base == null;
    locations.checkTable(identifier, metadata);
    if (newTable && !store.namespaceExists(identifier.namespace())) {
      throw new NoSuchNamespaceException("Namespace does not exist: %s", identifier.namespace());
    }
    String newLocation = writeNewMetadataIfRequired(newTable, metadata);
    boolean wroteFile = !newLocation.equals(metadata.metadataFileLocation());
    pointers.move(
        identifier,
        Kind.TABLE,
        newTable ? null : base.metadataFileLocation(),
        newLocation,
        wroteFile);
  }
}
