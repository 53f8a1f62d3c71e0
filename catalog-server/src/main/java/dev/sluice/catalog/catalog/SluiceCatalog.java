package dev.sluice.catalog.catalog;

import dev.sluice.catalog.persistence.CatalogEntity.Kind;
import dev.sluice.catalog.persistence.CatalogStore;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.iceberg.BaseTable;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableMetadataParser;
import org.apache.iceberg.TableOperations;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.exceptions.NoSuchNamespaceException;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.view.BaseMetastoreViewCatalog;
import org.apache.iceberg.view.ViewOperations;

/**
 * The Iceberg catalog behind the REST API: pointers and namespaces in the database, metadata files
 * in the warehouse. Iceberg's {@code CatalogHandlers} drive it.
 */
public class SluiceCatalog extends BaseMetastoreViewCatalog implements SupportsNamespaces {
  private final CatalogStore store;
  private final FileIO io;
  private final StorageLocations locations;
  private final String catalogName;
  private final PointerCommit pointers;

  /** The namespace property engines read a namespace's storage location from. */
  static final String NAMESPACE_LOCATION = "location";

  public SluiceCatalog(
      String catalogName,
      CatalogStore store,
      FileIO io,
      StorageLocations locations,
      CatalogMetrics metrics) {
    this.catalogName = catalogName;
    this.store = store;
    this.io = io;
    this.locations = locations;
    this.pointers = new PointerCommit(store, io, metrics);
    initialize(catalogName, Map.of());
  }

  @Override
  public String name() {
    return catalogName;
  }

  public FileIO io() {
    return io;
  }

  public StorageLocations locations() {
    return locations;
  }

  @Override
  protected TableOperations newTableOps(TableIdentifier identifier) {
    return tableOps(identifier);
  }

  /** Operations on one table's pointer, for callers that commit outside the handlers. */
  public SluiceTableOperations tableOps(TableIdentifier identifier) {
    return new SluiceTableOperations(pointers, io, locations, identifier, catalogName);
  }

  @Override
  protected ViewOperations newViewOps(TableIdentifier identifier) {
    return new SluiceViewOperations(pointers, io, locations, identifier, catalogName);
  }

  @Override
  protected String defaultWarehouseLocation(TableIdentifier identifier) {
    // a namespace with an explicit location holds its tables' default locations
    String namespaceLocation =
        store.namespaceProperties(identifier.namespace()).get(NAMESPACE_LOCATION);
    if (namespaceLocation != null) {
      return namespaceLocation.replaceAll("/+$", "") + "/" + identifier.name();
    }
    return locations.defaultLocation(identifier);
  }

  @Override
  protected boolean isValidIdentifier(TableIdentifier identifier) {
    return Identifiers.isValid(identifier);
  }

  // ---- tables ----

  @Override
  public boolean tableExists(TableIdentifier identifier) {
    return store.find(identifier).filter(p -> p.kind() == Kind.TABLE).isPresent();
  }

  @Override
  public List<TableIdentifier> listTables(Namespace namespace) {
    return store.list(namespace, Kind.TABLE);
  }

  @Override
  public boolean dropTable(TableIdentifier identifier, boolean purge) {
    TableMetadata lastMetadata = null;
    if (purge) {
      try {
        lastMetadata = newTableOps(identifier).current();
      } catch (NoSuchTableException e) {
        return false;
      }
    }
    boolean dropped = store.drop(identifier, Kind.TABLE);
    if (dropped && purge && lastMetadata != null) {
      CatalogUtil.dropTableData(io, lastMetadata);
    }
    return dropped;
  }

  @Override
  public void renameTable(TableIdentifier from, TableIdentifier to) {
    if (!Identifiers.isValid(to)) {
      throw new IllegalArgumentException("Invalid identifier: " + to);
    }
    store.rename(from, to, Kind.TABLE);
  }

  @Override
  public Table registerTable(TableIdentifier identifier, String metadataFileLocation) {
    locations.checkMetadataFile(identifier, metadataFileLocation);
    return super.registerTable(identifier, metadataFileLocation);
  }

  @Override
  public Table registerTable(
      TableIdentifier identifier, String metadataFileLocation, boolean overwrite) {
    if (!overwrite || !tableExists(identifier)) {
      return registerTable(identifier, metadataFileLocation);
    }
    locations.checkMetadataFile(identifier, metadataFileLocation);
    TableMetadata metadata = TableMetadataParser.read(io.newInputFile(metadataFileLocation));
    locations.checkTable(identifier, metadata);
    store.overwrite(identifier, Kind.TABLE, metadataFileLocation);
    TableOperations ops = newTableOps(identifier);
    return new BaseTable(ops, fullTableName(name(), identifier), metricsReporter());
  }

  // ---- views ----

  @Override
  public boolean viewExists(TableIdentifier identifier) {
    return store.find(identifier).filter(p -> p.kind() == Kind.VIEW).isPresent();
  }

  @Override
  public List<TableIdentifier> listViews(Namespace namespace) {
    return store.list(namespace, Kind.VIEW);
  }

  @Override
  public boolean dropView(TableIdentifier identifier) {
    return store.drop(identifier, Kind.VIEW);
  }

  @Override
  public void renameView(TableIdentifier from, TableIdentifier to) {
    if (!Identifiers.isValid(to)) {
      throw new IllegalArgumentException("Invalid identifier: " + to);
    }
    store.rename(from, to, Kind.VIEW);
  }

  // ---- namespaces ----

  @Override
  public void createNamespace(Namespace namespace, Map<String, String> metadata) {
    Identifiers.checkNamespace(namespace);
    if (namespace.isEmpty()) {
      throw new AlreadyExistsException("Namespace already exists: %s", namespace);
    }
    checkNamespaceLocation(namespace, metadata);
    store.createNamespace(namespace, metadata);
  }

  @Override
  public List<Namespace> listNamespaces(Namespace namespace) throws NoSuchNamespaceException {
    return store.listNamespaces(namespace);
  }

  @Override
  public Map<String, String> loadNamespaceMetadata(Namespace namespace)
      throws NoSuchNamespaceException {
    Map<String, String> properties = store.namespaceProperties(namespace);
    // engines (Trino among them) choose table locations, and whether to stage creates, from it
    properties.putIfAbsent(NAMESPACE_LOCATION, locations.defaultLocation(namespace));
    return properties;
  }

  private void checkNamespaceLocation(Namespace namespace, Map<String, String> properties) {
    String location = properties.get(NAMESPACE_LOCATION);
    if (location != null) {
      locations.checkRequestedLocation(TableIdentifier.of(namespace, NAMESPACE_LOCATION), location);
    }
  }

  @Override
  public boolean namespaceExists(Namespace namespace) {
    return store.namespaceExists(namespace);
  }

  @Override
  public boolean dropNamespace(Namespace namespace) {
    return store.dropNamespace(namespace);
  }

  @Override
  public boolean setProperties(Namespace namespace, Map<String, String> properties) {
    checkNamespaceLocation(namespace, properties);
    store.updateNamespaceProperties(namespace, properties, Set.of());
    return true;
  }

  @Override
  public boolean removeProperties(Namespace namespace, Set<String> properties) {
    store.updateNamespaceProperties(namespace, Map.of(), properties);
    return true;
  }
}
