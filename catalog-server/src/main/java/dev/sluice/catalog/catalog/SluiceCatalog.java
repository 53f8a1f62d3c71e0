package dev.sluice.catalog.catalog;

import dev.sluice.catalog.jobs.TablePurge;
import dev.sluice.catalog.persistence.CatalogEntity.Kind;
import dev.sluice.catalog.persistence.CatalogStore;
import dev.sluice.catalog.persistence.JobEntity;
import dev.sluice.zones.StorageLocation;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import org.apache.iceberg.BaseTable;
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
  private final RegistrationCheck registrationCheck;
  private final CommitObserver commits;
  private final CommitCheck commitCheck;
  private final TableMetadataCache metadataCache;

  /** Judges a table's metadata before it is registered (classifications the zone forbids). */
  @FunctionalInterface
  public interface RegistrationCheck {
    void check(TableIdentifier identifier, TableMetadata metadata);

    RegistrationCheck NONE = (identifier, metadata) -> {};
  }

  /**
   * Judges a table's next metadata before its file is written: throws to refuse the change. {@code
   * base} is null for a new table.
   */
  public interface CommitCheck {
    void check(TableIdentifier identifier, TableMetadata base, TableMetadata metadata, FileIO io);

    /**
     * Judges a registration against what the pointer names now ({@code current}, read only when
     * needed; null for a new table).
     */
    void registered(
        TableIdentifier identifier, Supplier<TableMetadata> current, TableMetadata metadata);

    CommitCheck NONE =
        new CommitCheck() {
          @Override
          public void check(
              TableIdentifier identifier, TableMetadata base, TableMetadata metadata, FileIO io) {}

          @Override
          public void registered(
              TableIdentifier identifier,
              Supplier<TableMetadata> current,
              TableMetadata metadata) {}
        };
  }

  /** Told of each table metadata file written for a commit, before the pointer moves to it. */
  @FunctionalInterface
  public interface CommitObserver {
    void written(TableIdentifier identifier, String metadataLocation, TableMetadata metadata);

    CommitObserver NONE = (identifier, metadataLocation, metadata) -> {};
  }

  /** The namespace property engines read a namespace's storage location from. */
  static final String NAMESPACE_LOCATION = "location";

  public SluiceCatalog(
      String catalogName,
      CatalogStore store,
      FileIO io,
      TableMetadataCache metadataCache,
      StorageLocations locations,
      CatalogMetrics metrics,
      RegistrationCheck registrationCheck,
      CommitCheck commitCheck,
      CommitObserver commits) {
    this.catalogName = catalogName;
    this.commitCheck = commitCheck;
    this.commits = commits;
    this.store = store;
    this.io = io;
    this.metadataCache = metadataCache;
    this.locations = locations;
    this.pointers = new PointerCommit(store, io, metrics);
    this.registrationCheck = registrationCheck;
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
    return new SluiceTableOperations(
        pointers, io, metadataCache, locations, identifier, catalogName, commitCheck, commits);
  }

  /** The metadata file a table's pointer names now (one database read), if the table exists. */
  public Optional<String> currentTableMetadata(TableIdentifier identifier) {
    return pointers.current(identifier, Kind.TABLE);
  }

  @Override
  protected ViewOperations newViewOps(TableIdentifier identifier) {
    return new SluiceViewOperations(pointers, io, locations, identifier, catalogName);
  }

  /**
   * Where a table or view goes when the client names no location: below its namespace's location
   * (or its zone root or the warehouse), named after it. Tables never share locations, so when that
   * place is taken (a renamed table keeps its files where they were) a unique suffix is added.
   */
  @Override
  protected String defaultWarehouseLocation(TableIdentifier identifier) {
    String namespaceLocation =
        store.namespaceProperties(identifier.namespace()).get(NAMESPACE_LOCATION);
    String location =
        namespaceLocation != null
            ? namespaceLocation.replaceAll("/+$", "") + "/" + identifier.name()
            : locations.defaultLocation(identifier);
    StorageLocation parsed;
    try {
      parsed = StorageLocation.parse(location);
    } catch (IllegalArgumentException e) {
      return location; // refused with its reason when the metadata is checked
    }
    if (store.overlapping(parsed, identifier).isPresent()) {
      return location + "-" + UUID.randomUUID().toString().replace("-", "");
    }
    return location;
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

  /**
   * Drops the table. Purging its files is never done here, on the caller's thread: {@link
   * #dropAndPurge} queues it as a job that deletes only files under the table's own location.
   */
  @Override
  public boolean dropTable(TableIdentifier identifier, boolean purge) {
    if (purge) {
      throw new UnsupportedOperationException("purge goes through dropAndPurge");
    }
    return store.drop(identifier, Kind.TABLE);
  }

  /**
   * Drops the table and queues the purge of its files, in one transaction.
   *
   * @return the purge job, empty when the table did not exist
   */
  public Optional<JobEntity> dropAndPurge(
      TableIdentifier identifier, String requestedBy, int maxAttempts) {
    TableMetadata last;
    try {
      last = newTableOps(identifier).current();
    } catch (NoSuchTableException e) {
      return Optional.empty();
    }
    if (last == null) {
      return Optional.empty();
    }
    StorageLocation location = locations.checkRequestedLocation(identifier, last.location());
    return store.dropAndPurge(
        identifier,
        Kind.TABLE,
        last.metadataFileLocation(),
        TablePurge.request(
            identifier, last.metadataFileLocation(), location, requestedBy, maxAttempts));
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
    return registerTable(identifier, metadataFileLocation, false);
  }

  /**
   * Registers a metadata file someone else wrote. The file's own location is checked before it is
   * read, then every path inside it, the table's location against other tables', and the columns
   * against the zone's rules; only then does the pointer appear.
   */
  @Override
  public Table registerTable(
      TableIdentifier identifier, String metadataFileLocation, boolean overwrite) {
    if (!Identifiers.isValid(identifier)) {
      throw new IllegalArgumentException("Invalid identifier: " + identifier);
    }
    boolean exists = tableExists(identifier);
    if (exists && !overwrite) {
      throw new AlreadyExistsException("Table already exists: %s", identifier);
    }
    if (!exists) {
      pointers.requireNamespace(identifier.namespace());
    }
    locations.checkMetadataFile(identifier, metadataFileLocation);
    TableMetadata metadata = TableMetadataParser.read(io.newInputFile(metadataFileLocation));
    StorageLocation location =
        locations.checkRegistered(identifier, metadataFileLocation, metadata);
    pointers.requireOwnLocation(identifier, location);
    registrationCheck.check(identifier, metadata);
    // judged as the change from what the pointer names now (nothing, for a new table)
    commitCheck.registered(
        identifier, () -> exists ? tableOps(identifier).current() : null, metadata);
    if (exists) {
      store.overwrite(identifier, Kind.TABLE, metadataFileLocation, location.key());
    } else {
      store.create(identifier, Kind.TABLE, metadataFileLocation, location.key());
    }
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
      locations.checkNamespaceLocation(namespace, location);
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
