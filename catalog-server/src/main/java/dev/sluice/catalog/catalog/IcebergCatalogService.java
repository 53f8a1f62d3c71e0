package dev.sluice.catalog.catalog;

import dev.sluice.catalog.config.S3Config;
import dev.sluice.catalog.config.WarehouseConfig;
import dev.sluice.catalog.contracts.ContractGate;
import dev.sluice.catalog.jobs.JobsConfig;
import dev.sluice.catalog.lineage.CatalogLineageEmitter;
import dev.sluice.catalog.persistence.CatalogEntity.Kind;
import dev.sluice.catalog.persistence.CatalogStore;
import dev.sluice.catalog.persistence.NamespaceNames;
import dev.sluice.catalog.security.CatalogAuthorizer;
import dev.sluice.catalog.security.Names;
import dev.sluice.catalog.signing.AccessDelegation;
import dev.sluice.catalog.storage.GuardedFileIO;
import dev.sluice.catalog.storage.StoragePolicies;
import dev.sluice.catalog.storage.StorageProducer;
import dev.sluice.policy.eval.Decision;
import dev.sluice.policy.eval.Principal;
import dev.sluice.policy.model.Action;
import dev.sluice.zones.StorageLocation;
import dev.sluice.zones.StoragePolicy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.BadRequestException;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.metrics.CommitReport;
import org.apache.iceberg.metrics.ScanReport;
import org.apache.iceberg.rest.CatalogHandlers;
import org.apache.iceberg.rest.Endpoint;
import org.apache.iceberg.rest.RESTCatalogProperties.SnapshotMode;
import org.apache.iceberg.rest.RESTResponse;
import org.apache.iceberg.rest.requests.CommitTransactionRequest;
import org.apache.iceberg.rest.requests.CreateNamespaceRequest;
import org.apache.iceberg.rest.requests.CreateTableRequest;
import org.apache.iceberg.rest.requests.CreateViewRequest;
import org.apache.iceberg.rest.requests.RegisterTableRequest;
import org.apache.iceberg.rest.requests.RegisterViewRequest;
import org.apache.iceberg.rest.requests.RenameTableRequest;
import org.apache.iceberg.rest.requests.ReportMetricsRequest;
import org.apache.iceberg.rest.requests.UpdateNamespacePropertiesRequest;
import org.apache.iceberg.rest.requests.UpdateTableRequest;
import org.apache.iceberg.rest.responses.ConfigResponse;
import org.apache.iceberg.rest.responses.CreateNamespaceResponse;
import org.apache.iceberg.rest.responses.GetNamespaceResponse;
import org.apache.iceberg.rest.responses.ListNamespacesResponse;
import org.apache.iceberg.rest.responses.ListTablesResponse;
import org.apache.iceberg.rest.responses.LoadTableResponse;
import org.apache.iceberg.rest.responses.LoadViewResponse;
import org.apache.iceberg.rest.responses.UpdateNamespacePropertiesResponse;

/**
 * The Iceberg REST operations. Resources stay thin and call this; Iceberg's {@link CatalogHandlers}
 * do the protocol work against {@link SluiceCatalog}.
 */
@ApplicationScoped
public class IcebergCatalogService {
  private static final List<Action> READ_OR_WRITE = List.of(Action.READ, Action.WRITE);

  private static final List<Endpoint> ENDPOINTS =
      List.of(
          Endpoint.V1_LIST_NAMESPACES,
          Endpoint.V1_LOAD_NAMESPACE,
          Endpoint.V1_NAMESPACE_EXISTS,
          Endpoint.V1_CREATE_NAMESPACE,
          Endpoint.V1_UPDATE_NAMESPACE,
          Endpoint.V1_DELETE_NAMESPACE,
          Endpoint.V1_COMMIT_TRANSACTION,
          Endpoint.V1_LIST_TABLES,
          Endpoint.V1_LOAD_TABLE,
          Endpoint.V1_TABLE_EXISTS,
          Endpoint.V1_CREATE_TABLE,
          Endpoint.V1_UPDATE_TABLE,
          Endpoint.V1_DELETE_TABLE,
          Endpoint.V1_RENAME_TABLE,
          Endpoint.V1_REGISTER_TABLE,
          Endpoint.V1_REPORT_METRICS,
          Endpoint.V1_LIST_VIEWS,
          Endpoint.V1_LOAD_VIEW,
          Endpoint.V1_VIEW_EXISTS,
          Endpoint.V1_CREATE_VIEW,
          Endpoint.V1_UPDATE_VIEW,
          Endpoint.V1_DELETE_VIEW,
          Endpoint.V1_RENAME_VIEW,
          Endpoint.V1_REGISTER_VIEW);

  private final SluiceCatalog catalog;
  private final CatalogStore store;
  private final WarehouseConfig warehouse;
  private final S3Config s3;
  private final TransactionCommitter transactions;
  private final CatalogLineageEmitter lineage;
  private final CatalogAuthorizer authorizer;
  private final ClassifiedColumns columns;
  private final JobsConfig jobs;
  private final AccessDelegation delegation;
  private final TableMetadataCache metadataCache;
  private final ContractGate contracts;

  @Inject
  public IcebergCatalogService(
      CatalogStore store,
      GuardedFileIO io,
      TableMetadataCache metadataCache,
      StoragePolicies storage,
      WarehouseConfig warehouse,
      S3Config s3,
      JobsConfig jobs,
      CatalogMetrics metrics,
      CatalogLineageEmitter lineage,
      CatalogAuthorizer authorizer,
      AccessDelegation delegation,
      ContractGate contracts,
      CommitConfig commits) {
    this.metadataCache = metadataCache;
    this.contracts = contracts;
    this.store = store;
    this.delegation = delegation;
    this.lineage = lineage;
    this.warehouse = warehouse;
    this.s3 = s3;
    this.jobs = jobs;
    this.authorizer = authorizer;
    StorageLocations locations = new StorageLocations(storage::current);
    this.columns = new ClassifiedColumns(this::currentTable, authorizer);
    this.catalog =
        new SluiceCatalog(
            warehouse.name(),
            store,
            io,
            metadataCache,
            locations,
            metrics,
            (identifier, metadata) ->
                columns.checkRegistered("table.register", identifier, metadata),
            contracts.commitCheck(),
            lineage::written);
    this.transactions = new TransactionCommitter(catalog, store, metrics, commits.queueWait());
  }

  public SluiceCatalog catalog() {
    return catalog;
  }

  private org.apache.iceberg.Table currentTable(TableIdentifier identifier) {
    return catalog.loadTable(identifier);
  }

  // ---- config ----

  public ConfigResponse config(String requestedWarehouse) {
    authorizer.allowAuthenticated("config.read", warehouse.name());
    if (requestedWarehouse != null
        && !requestedWarehouse.isEmpty()
        && !requestedWarehouse.equals(warehouse.name())
        && !catalog.locations().warehouse().contains(requestedWarehouse)) {
      throw new BadRequestException(
          "Unknown warehouse: %s (this server serves '%s' at %s)",
          requestedWarehouse, warehouse.name(), catalog.locations().warehouse());
    }
    Map<String, String> defaults = new java.util.HashMap<>();
    if (catalog.locations().warehouse().location().scheme().equals("s3")) {
      defaults.putAll(StorageProducer.s3ClientProperties(s3));
    }
    return ConfigResponse.builder()
        .withDefaults(defaults)
        .withOverride("warehouse", warehouse.name())
        .withEndpoints(endpoints())
        .build();
  }

  private List<Endpoint> endpoints() {
    if (!delegation.remoteSigning()) {
      return ENDPOINTS;
    }
    List<Endpoint> endpoints = new java.util.ArrayList<>(ENDPOINTS);
    endpoints.add(Endpoint.V1_TABLE_REMOTE_SIGN);
    return endpoints;
  }

  // ---- namespaces ----

  public ListNamespacesResponse listNamespaces(
      Namespace parent, String pageToken, String pageSize) {
    if (parent.isEmpty()) {
      authorizer.allowAuthenticated("namespace.list", "(root)");
    } else {
      authorizer.requireVisibleNamespace("namespace.list", parent);
    }
    Principal principal = authorizer.principal();
    VisibleListing.Page<Namespace> page =
        VisibleListing.page(
            "namespaces\u001f" + NamespaceNames.encode(parent),
            (after, limit) -> store.listNamespacesAfter(parent, after, limit),
            NamespaceNames::encode,
            ns -> authorizer.canSee(principal, ns),
            pageToken,
            pageSize);
    return ListNamespacesResponse.builder()
        .addAll(page.items())
        .nextPageToken(page.nextPageToken())
        .build();
  }

  public CreateNamespaceResponse createNamespace(CreateNamespaceRequest request) {
    if (request.namespace().isEmpty()) {
      throw new IllegalArgumentException("Invalid namespace: empty (at least one level is needed)");
    }
    Identifiers.checkNamespace(request.namespace());
    authorizer.requireNamespace("namespace.create", request.namespace(), Action.ADMIN);
    return CatalogHandlers.createNamespace(catalog, request);
  }

  public GetNamespaceResponse loadNamespace(Namespace namespace) {
    authorizer.requireVisibleNamespace("namespace.load", namespace);
    return CatalogHandlers.loadNamespace(catalog, namespace);
  }

  public void namespaceExists(Namespace namespace) {
    authorizer.requireVisibleNamespace("namespace.exists", namespace);
    CatalogHandlers.namespaceExists(catalog, namespace);
  }

  public UpdateNamespacePropertiesResponse updateNamespaceProperties(
      Namespace namespace, UpdateNamespacePropertiesRequest request) {
    authorizer.requireNamespace("namespace.update", namespace, Action.ADMIN);
    return CatalogHandlers.updateNamespaceProperties(catalog, namespace, request);
  }

  public void dropNamespace(Namespace namespace) {
    authorizer.requireNamespace("namespace.drop", namespace, Action.ADMIN);
    CatalogHandlers.dropNamespace(catalog, namespace);
  }

  // ---- tables ----

  public ListTablesResponse listTables(Namespace namespace, String pageToken, String pageSize) {
    authorizer.requireVisibleNamespace("table.list", namespace);
    return visible(namespace, Kind.TABLE, pageToken, pageSize);
  }

  /** The identifiers the caller may see, filtered before the page is cut. */
  private ListTablesResponse visible(
      Namespace namespace, Kind kind, String pageToken, String pageSize) {
    Principal principal = authorizer.principal();
    VisibleListing.Page<TableIdentifier> page =
        VisibleListing.page(
            kind.name() + "\u001f" + NamespaceNames.encode(namespace),
            (after, limit) -> store.listAfter(namespace, kind, after, limit),
            TableIdentifier::name,
            id -> authorizer.canSee(principal, id),
            pageToken,
            pageSize);
    return ListTablesResponse.builder()
        .addAll(page.items())
        .nextPageToken(page.nextPageToken())
        .build();
  }

  /**
   * Creates a table (or stages its creation); {@code accessDelegation} is the engine's {@code
   * X-Iceberg-Access-Delegation} header, if any.
   */
  public RESTResponse createTable(
      Namespace namespace, CreateTableRequest request, String accessDelegation) {
    TableIdentifier identifier = TableIdentifier.of(namespace, request.name());
    Identifiers.checkIdentifier(identifier);
    authorizer.requireTable("table.create", identifier, Action.WRITE);
    Optional<AccessDelegation.Mode> mode = delegation.choose(accessDelegation, identifier);
    if (request.location() != null) {
      catalog.locations().checkRequestedLocation(identifier, request.location());
    }
    columns.checkCreate("table.create", identifier, request.schema(), request.properties());
    if (request.stageCreate()) {
      if (!catalog.namespaceExists(namespace)) {
        throw new org.apache.iceberg.exceptions.NoSuchNamespaceException(
            "Namespace does not exist: %s", namespace);
      }
      LoadTableResponse staged = CatalogHandlers.stageTableCreate(catalog, namespace, request);
      if (mode.isPresent() && mode.get() == AccessDelegation.Mode.REMOTE_SIGNING) {
        // the engine writes the files before the table exists: signing must know where they go
        store.staged(identifier, StorageLocation.parse(staged.tableMetadata().location()).key());
      }
      return delegation.apply(staged, identifier, mode);
    }
    LoadTableResponse created =
        committing("create", () -> CatalogHandlers.createTable(catalog, namespace, request));
    return asFileText(delegation.apply(created, identifier, mode));
  }

  public RESTResponse registerTable(
      Namespace namespace, RegisterTableRequest request, String accessDelegation) {
    TableIdentifier identifier = TableIdentifier.of(namespace, request.name());
    Identifiers.checkIdentifier(identifier);
    authorizer.requireTable("table.register", identifier, Action.WRITE);
    Optional<AccessDelegation.Mode> mode = delegation.choose(accessDelegation, identifier);
    if (request.metadataLocation() == null || request.metadataLocation().isEmpty()) {
      throw new IllegalArgumentException("Invalid register request: metadata-location is required");
    }
    // the file's location is judged before the server reads a byte of it
    catalog.locations().checkMetadataFile(identifier, request.metadataLocation());
    LoadTableResponse registered =
        committing("register", () -> CatalogHandlers.registerTable(catalog, namespace, request));
    return asFileText(delegation.apply(registered, identifier, mode));
  }

  /**
   * The table, or its ETag alone when it matches {@code ifNoneMatch}; with the table config that
   * {@code accessDelegation} (the {@code X-Iceberg-Access-Delegation} header) asks for. The ETag
   * comes from the pointer alone, so a client whose copy is current is answered without the
   * metadata file being read (only its presence is checked), after the same checks as a full
   * answer.
   */
  public LoadedTable loadTable(
      TableIdentifier identifier, String snapshots, String ifNoneMatch, String accessDelegation) {
    SnapshotMode mode = snapshotMode(snapshots);
    Decision access = authorizer.requireAny("table.load", identifier, READ_OR_WRITE);
    Optional<AccessDelegation.Mode> delegated = delegation.choose(accessDelegation, identifier);
    Optional<String> pointer = catalog.currentTableMetadata(identifier);
    if (pointer.isEmpty()) {
      // Iceberg's handler refuses it (404) as it always did, metadata table names included
      CatalogHandlers.loadTable(catalog, identifier, mode);
      throw new NoSuchTableException("Table does not exist: %s", identifier);
    }
    String metadataLocation = pointer.get();
    SluiceTableOperations ops = catalog.tableOps(identifier);
    // read on first use only: the checks below need it for some callers, a full answer always
    Memo<TableMetadata> metadata = new Memo<>(() -> ops.readFrom(metadataLocation));
    authorizer.requireUnrestrictedRead(
        "table.load",
        identifier,
        access,
        () -> TableColumns.current(metadata.get()),
        () -> TableColumns.of(metadata.get()));
    // the config differs with the delegation asked for, so the ETag does too
    String etag = etag(metadataLocation, mode, delegated);
    if (ifNoneMatch != null && matches(ifNoneMatch, etag)) {
      // the client's copy is current, yet a file removed behind the catalog's back must fail it
      // as a full load would: a HEAD, never a read, and none when reading it confirmed it already
      if (!metadata.done()) {
        metadataCache.requirePresent(metadataLocation);
      }
      return new LoadedTable(null, etag);
    }
    LoadTableResponse response =
        delegation.apply(
            LoadTableResponse.builder()
                .withTableMetadata(withSnapshots(metadata.get(), mode))
                .build(),
            identifier,
            delegated);
    return new LoadedTable(mode == SnapshotMode.ALL ? asFileText(response) : response, etag);
  }

  /**
   * The answer with its metadata as the text of its file when that text is in memory, which spares
   * serialising the metadata again; only for metadata that is exactly the file's.
   */
  private RESTResponse asFileText(LoadTableResponse response) {
    String location = response.metadataLocation();
    if (location == null) {
      return response;
    }
    return metadataCache
        .text(location)
        .<RESTResponse>map(json -> new LoadTableText(response, json))
        .orElse(response);
  }

  /** The snapshots the client asked for, as Iceberg's {@code CatalogHandlers.loadTable} gives. */
  private static TableMetadata withSnapshots(TableMetadata metadata, SnapshotMode mode) {
    if (mode == SnapshotMode.ALL) {
      return metadata;
    }
    return TableMetadata.buildFrom(metadata)
        .withMetadataLocation(metadata.metadataFileLocation())
        .suppressHistoricalSnapshots()
        .build();
  }

  /** A value computed on first use, which says whether it was. */
  private static final class Memo<T> implements Supplier<T> {
    private final Supplier<T> supplier;
    private T value;

    Memo(Supplier<T> supplier) {
      this.supplier = supplier;
    }

    @Override
    public T get() {
      if (value == null) {
        value = supplier.get();
      }
      return value;
    }

    boolean done() {
      return value != null;
    }
  }

  public LoadedTable updateTable(TableIdentifier identifier, UpdateTableRequest request) {
    authorizer.requireTable("table.commit", identifier, Action.WRITE);
    columns.checkUpdates("table.commit", identifier, request.updates());
    LoadTableResponse response =
        committing(
            "commit",
            () -> {
              if (request.requirements().stream()
                  .anyMatch(
                      org.apache.iceberg.UpdateRequirement.AssertTableDoesNotExist.class
                          ::isInstance)) {
                // the create step of a staged create
                return CatalogHandlers.updateTable(catalog, identifier, request);
              }
              return LoadTableResponse.builder()
                  .withTableMetadata(transactions.commit(identifier, request))
                  .build();
            });
    return new LoadedTable(
        asFileText(response),
        etag(response.metadataLocation(), SnapshotMode.ALL, Optional.empty()));
  }

  public void tableExists(TableIdentifier identifier) {
    authorizer.requireAny("table.exists", identifier, READ_OR_WRITE);
    CatalogHandlers.tableExists(catalog, identifier);
  }

  /**
   * Drops a table; with {@code purge}, its files are deleted afterwards by a job (only those under
   * the table's own location), queued in the drop's transaction. Returns the purge job's id.
   */
  public String dropTable(TableIdentifier identifier, boolean purge) {
    authorizer.requireTable(purge ? "table.purge" : "table.drop", identifier, Action.WRITE);
    if (!purge) {
      CatalogHandlers.dropTable(catalog, identifier);
      return null;
    }
    return catalog
        .dropAndPurge(identifier, authorizer.principal().self().toString(), jobs.maxAttempts())
        .map(job -> job.id)
        .orElseThrow(() -> new NoSuchTableException("Table does not exist: %s", identifier));
  }

  public void renameTable(RenameTableRequest request) {
    Identifiers.checkIdentifier(request.destination());
    authorizer.requireTable("table.rename", request.source(), Action.WRITE);
    authorizer.requireTable("table.rename", request.destination(), Action.WRITE);
    checkStaysInItsZoneRoot(request);
    contracts.recording(
        () -> {
          contracts.checkRename(
              request.source(),
              request.destination(),
              () -> catalog.tableOps(request.source()).current());
          CatalogHandlers.renameTable(catalog, request);
          return null;
        });
  }

  /**
   * A rename moves no files, so a table may change zones only when its files already sit under the
   * new zone's storage root; anything else would leave it outside its zone silently.
   */
  private void checkStaysInItsZoneRoot(RenameTableRequest request) {
    StoragePolicy storage = catalog.locations().policy();
    if (!storage
        .zoneOf(Names.levels(request.source().namespace()))
        .equals(storage.zoneOf(Names.levels(request.destination().namespace())))) {
      // only a move between zones needs the table's location, which costs a metadata read
      String location = catalog.loadTable(request.source()).location();
      catalog.locations().checkRequestedLocation(request.destination(), location);
    }
  }

  public void reportMetrics(TableIdentifier identifier, ReportMetricsRequest request) {
    authorizer.requireAny("table.metrics", identifier, READ_OR_WRITE);
    CatalogHandlers.tableExists(catalog, identifier);
    Long snapshotId = null;
    if (request.report() instanceof ScanReport scan) {
      snapshotId = scan.snapshotId();
    } else if (request.report() instanceof CommitReport commit) {
      snapshotId = commit.snapshotId();
    }
    String json;
    try {
      json = dev.sluice.catalog.rest.IcebergJson.mapper().writeValueAsString(request);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new BadRequestException(e, "Cannot store metrics report: %s", e.getOriginalMessage());
    }
    store.saveMetricsReport(identifier, request.reportType().name(), snapshotId, json);
  }

  public void commitTransaction(CommitTransactionRequest request) {
    for (UpdateTableRequest change : request.tableChanges()) {
      authorizer.requireTable("transaction.commit", change.identifier(), Action.WRITE);
      columns.checkUpdates("transaction.commit", change.identifier(), change.updates());
    }
    committing("transaction", () -> transactions.commit(request));
  }

  // ---- views ----

  public ListTablesResponse listViews(Namespace namespace, String pageToken, String pageSize) {
    authorizer.requireVisibleNamespace("view.list", namespace);
    return visible(namespace, Kind.VIEW, pageToken, pageSize);
  }

  public LoadViewResponse createView(Namespace namespace, CreateViewRequest request) {
    TableIdentifier identifier = TableIdentifier.of(namespace, request.name());
    Identifiers.checkIdentifier(identifier);
    authorizer.requireTable("view.create", identifier, Action.WRITE);
    if (request.location() != null) {
      catalog.locations().checkRequestedLocation(identifier, request.location());
    }
    return CatalogHandlers.createView(catalog, namespace, request);
  }

  public LoadViewResponse registerView(Namespace namespace, RegisterViewRequest request) {
    TableIdentifier identifier = TableIdentifier.of(namespace, request.name());
    Identifiers.checkIdentifier(identifier);
    authorizer.requireTable("view.register", identifier, Action.WRITE);
    catalog.locations().checkMetadataFile(identifier, request.metadataLocation());
    return CatalogHandlers.registerView(catalog, namespace, request);
  }

  public LoadViewResponse loadView(TableIdentifier identifier) {
    authorizer.requireAny("view.load", identifier, READ_OR_WRITE);
    return CatalogHandlers.loadView(catalog, identifier);
  }

  public void viewExists(TableIdentifier identifier) {
    authorizer.requireAny("view.exists", identifier, READ_OR_WRITE);
    CatalogHandlers.viewExists(catalog, identifier);
  }

  public LoadViewResponse replaceView(TableIdentifier identifier, UpdateTableRequest request) {
    authorizer.requireTable("view.replace", identifier, Action.WRITE);
    return CatalogHandlers.updateView(catalog, identifier, request);
  }

  public void dropView(TableIdentifier identifier) {
    authorizer.requireTable("view.drop", identifier, Action.WRITE);
    CatalogHandlers.dropView(catalog, identifier);
  }

  public void renameView(RenameTableRequest request) {
    Identifiers.checkIdentifier(request.destination());
    authorizer.requireTable("view.rename", request.source(), Action.WRITE);
    authorizer.requireTable("view.rename", request.destination(), Action.WRITE);
    CatalogHandlers.renameView(catalog, request);
  }

  // ---- helpers ----

  /** Runs a commit, describing it in lineage and recording what its contract checks found. */
  private <T> T committing(String operation, Supplier<T> commit) {
    return contracts.recording(
        () ->
            lineage.describing(
                catalog.name(), authorizer.principal().self().toString(), operation, commit));
  }

  private static SnapshotMode snapshotMode(String snapshots) {
    if (snapshots == null || snapshots.isEmpty() || snapshots.equalsIgnoreCase("all")) {
      return SnapshotMode.ALL;
    }
    if (snapshots.equalsIgnoreCase("refs")) {
      return SnapshotMode.REFS;
    }
    throw new IllegalArgumentException(
        "Invalid snapshots mode: " + snapshots + " (expected 'all' or 'refs')");
  }

  static String etag(
      String metadataLocation, SnapshotMode mode, Optional<AccessDelegation.Mode> delegated) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(metadataLocation.getBytes(StandardCharsets.UTF_8));
      digest.update((byte) 0);
      digest.update(mode.name().getBytes(StandardCharsets.UTF_8));
      if (delegated.isPresent()) {
        digest.update((byte) 0);
        digest.update(delegated.get().name().getBytes(StandardCharsets.UTF_8));
      }
      return "\"" + HexFormat.of().formatHex(digest.digest(), 0, 16) + "\"";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static boolean matches(String ifNoneMatch, String etag) {
    for (String candidate : ifNoneMatch.split(",")) {
      String trimmed = candidate.trim();
      if (trimmed.startsWith("W/")) {
        trimmed = trimmed.substring(2);
      }
      if (trimmed.equals("*") || trimmed.equals(etag)) {
        return true;
      }
    }
    return false;
  }

  /** A load answer: the table (null when the client's copy is current) and its ETag. */
  public record LoadedTable(RESTResponse response, String etag) {}
}
