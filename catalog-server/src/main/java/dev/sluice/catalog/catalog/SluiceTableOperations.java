package dev.sluice.catalog.catalog;

import dev.sluice.catalog.persistence.CatalogEntity.Kind;
import java.util.Optional;
import org.apache.iceberg.BaseMetastoreTableOperations;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.io.FileIO;

/** Table pointer operations: refresh reads the pointer, commit writes a file then swaps. */
public class SluiceTableOperations extends BaseMetastoreTableOperations {
  private final FileIO io;
  private final StorageLocations locations;
  private final TableIdentifier identifier;
  private final String fullName;
  private final PointerCommit pointers;

  SluiceTableOperations(
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
    Optional<String> location = pointers.current(identifier, Kind.TABLE);
    if (location.isEmpty()) {
      if (currentMetadataLocation() != null) {
        throw new NoSuchTableException("Table does not exist: %s", identifier);
      }
      disableRefresh();
      return;
    }
    refreshFromMetadataLocation(location.get());
  }

  @Override
  protected void doCommit(TableMetadata base, TableMetadata metadata) {
    boolean newTable = base == null;
    locations.checkTable(identifier, metadata);
    if (newTable) {
      pointers.requireNamespace(identifier.namespace());
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
