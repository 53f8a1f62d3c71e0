package dev.sluice.catalog.asof;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.sluice.catalog.asof.AsOfViews.ContractView;
import dev.sluice.catalog.asof.AsOfViews.InputAsOf;
import dev.sluice.catalog.asof.AsOfViews.JobView;
import dev.sluice.catalog.asof.AsOfViews.PolicyView;
import dev.sluice.catalog.asof.AsOfViews.RunAsOf;
import dev.sluice.catalog.asof.AsOfViews.SnapshotView;
import dev.sluice.catalog.asof.AsOfViews.TableAsOf;
import dev.sluice.catalog.catalog.IcebergCatalogService;
import dev.sluice.catalog.catalog.SluiceCatalog;
import dev.sluice.catalog.json.ServerJson;
import dev.sluice.catalog.lineage.DatasetNaming;
import dev.sluice.catalog.lineage.LineageAccess;
import dev.sluice.catalog.lineage.LineageService;
import dev.sluice.catalog.persistence.CatalogStore;
import dev.sluice.catalog.persistence.PolicyVersionEntity;
import dev.sluice.catalog.policy.PolicyService;
import dev.sluice.catalog.security.CatalogAuthorizer;
import dev.sluice.catalog.security.Names;
import dev.sluice.lineage.DatasetVersion;
import dev.sluice.lineage.RunView;
import dev.sluice.policy.load.LoadResult;
import dev.sluice.policy.model.Action;
import dev.sluice.zones.StorageLocation;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.iceberg.Schema;
import org.apache.iceberg.SchemaParser;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.ForbiddenException;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.exceptions.NotFoundException;

/**
 * Which data a table held at a time, and under which policy: the answer to "which data did this
 * model train on, exactly?", for a table and a time, or for every input of a lineage run.
 *
 * <p>Everything comes from what the catalog keeps anyway: a table's snapshot log and metadata log
 * (read through the metadata cache, keyed by the metadata file), the stored policy versions with
 * their applied-at times, and the lineage tables. The one thing held in memory is the bundles of
 * policy versions loaded again, keyed by version and content hash, rows that never change, so any
 * replica answers the same.
 */
@ApplicationScoped
public class AsOfService {
  static final String OPERATION = "table.as-of";
  private static final int REMEMBERED_BUNDLES = 32;

  private final IcebergCatalogService catalog;
  private final CatalogAuthorizer authorizer;
  private final PolicyService policies;
  private final LineageService lineage;
  private final LineageAccess access;
  private final CatalogStore tables;
  private final Cache<String, LoadResult> bundles =
      Caffeine.newBuilder().maximumSize(REMEMBERED_BUNDLES).build();

  @Inject
  public AsOfService(
      IcebergCatalogService catalog,
      CatalogAuthorizer authorizer,
      PolicyService policies,
      LineageService lineage,
      LineageAccess access,
      CatalogStore tables) {
    this.catalog = catalog;
    this.authorizer = authorizer;
    this.policies = policies;
    this.lineage = lineage;
    this.access = access;
    this.tables = tables;
  }

  /**
   * The table {@code dataset} ({@code ns.table}) as it was at {@code time}. Needs read access to
   * the table (administrators always have it), decided on the name alone and audited as {@value
   * #OPERATION}.
   */
  public TableAsOf table(String dataset, String time) {
    TableIdentifier identifier = AsOfRequests.table(dataset);
    Instant at = AsOfRequests.time(time, Instant.now());
    authorizer.requireTable(OPERATION, identifier, Action.READ);
    TableHistory history = history(identifier);
    long snapshotId =
        history
            .snapshotIdAt(at)
            .orElseThrow(
                () ->
                    new NotFoundException("%s", history.noSnapshotAt(at, Names.text(identifier))));
    return answer(identifier, history, snapshotId, at, policyAt(at, identifier));
  }

  /**
   * Every input the run read, each as it was at the run's start (its end when no start was
   * reported). The run is found as {@code GET /api/v1/lineage/runs/{runId}} finds it: one the
   * caller may not see does not exist, and inputs it may not see are left out. Each input that is a
   * catalog table needs read access to it, like {@link #table}; one without gets the refusal as its
   * {@code reason}.
   */
  public RunAsOf run(String runIdText) {
    UUID runId = AsOfRequests.runId(runIdText);
    authorizer.allowAuthenticated("lineage.as-of", "run " + runId);
    RunView run =
        lineage
            .graph()
            .run(runId, access.forCaller())
            .orElseThrow(() -> new NotFoundException("Run does not exist: %s", runId));
    Optional<Instant> time = run.startedAt().or(run::endedAt);
    String timeFrom =
        run.startedAt().isPresent() ? "start" : run.endedAt().isPresent() ? "end" : null;
    Instant now = Instant.now();
    List<InputAsOf> inputs = new ArrayList<>();
    for (DatasetVersion input : RunView.known(run.inputs())) {
      inputs.add(input(input, time.orElse(null), now));
    }
    return new RunAsOf(
        runId.toString(),
        new JobView(run.job().namespace(), run.job().name()),
        run.state().name(),
        time.orElse(null),
        timeFrom,
        inputs);
  }

  private InputAsOf input(DatasetVersion input, Instant at, Instant now) {
    String namespace = input.dataset().namespace();
    String name = input.dataset().name();
    String reported = input.version().isEmpty() ? null : input.version();
    Optional<String> named = DatasetNaming.locationOf(input.dataset());
    if (named.isEmpty()) {
      return InputAsOf.unanswered(
          namespace,
          name,
          reported,
          null,
          "not a catalog table: its namespace names no bucket or file system (s3://bucket, file)");
    }
    StorageLocation location;
    try {
      location = StorageLocation.parse(named.get());
    } catch (IllegalArgumentException e) {
      return InputAsOf.unanswered(
          namespace, name, reported, null, "not a catalog table: " + e.getMessage());
    }
    Optional<TableIdentifier> held = tables.holderOf(location);
    if (held.isEmpty()) {
      return InputAsOf.unanswered(
          namespace,
          name,
          reported,
          null,
          "not a catalog table: no table of the catalog holds " + location + " now");
    }
    TableIdentifier identifier = held.get();
    String table = Names.text(identifier);
    try {
      authorizer.requireTable(OPERATION, identifier, Action.READ);
    } catch (ForbiddenException e) {
      return InputAsOf.unanswered(namespace, name, reported, table, e.getMessage());
    }
    if (at == null) {
      return InputAsOf.unanswered(
          namespace, name, reported, table, "the run reported neither a start nor an end time");
    }
    TableHistory history;
    try {
      history = history(identifier);
    } catch (NoSuchTableException e) {
      return InputAsOf.unanswered(namespace, name, reported, table, e.getMessage());
    }
    List<String> notes = new ArrayList<>();
    if (!isTableLocation(location, history)) {
      notes.add("the dataset names " + location + ", inside the table's location");
    }
    if (at.isAfter(now)) {
      notes.add("the run's time lies after now by this server's clock; a later commit may change");
    }
    Optional<Long> atTime = history.snapshotIdAt(at);
    Optional<Long> kept = reportedSnapshot(reported).filter(id -> history.snapshot(id).isPresent());
    if (reported != null && kept.isEmpty()) {
      notes.add(
          "the reported version "
              + reported
              + " is not a snapshot the table keeps (expired, or not a snapshot id); answered by"
              + " time");
    }
    if (kept.isEmpty() && atTime.isEmpty()) {
      return new InputAsOf(
          namespace,
          name,
          reported,
          table,
          null,
          null,
          null,
          notes.isEmpty() ? null : String.join("; ", notes),
          history.noSnapshotAt(at, table),
          null);
    }
    Boolean agrees = null;
    if (kept.isPresent()) {
      agrees = atTime.isPresent() && atTime.get().equals(kept.get());
      if (!agrees) {
        notes.add(
            "the engine reported snapshot "
                + kept.get()
                + (atTime.isPresent()
                    ? " but snapshot " + atTime.get() + " was the main branch's at " + at
                    : " but the main branch had no snapshot at " + at)
                + " (the run may have read another branch, a tag or an older snapshot)");
      }
    }
    long chosen = kept.orElseGet(atTime::get);
    TableAsOf answer;
    try {
      answer = answer(identifier, history, chosen, at, policyAt(at, identifier));
    } catch (NotFoundException e) {
      return InputAsOf.unanswered(namespace, name, reported, table, e.getMessage());
    }
    return new InputAsOf(
        namespace,
        name,
        reported,
        table,
        kept.isPresent() ? "reported" : "time",
        atTime.orElse(null),
        agrees,
        notes.isEmpty() ? null : String.join("; ", notes),
        null,
        answer);
  }

  private static boolean isTableLocation(StorageLocation location, TableHistory history) {
    try {
      return location.equals(StorageLocation.parse(history.metadata().location()));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static Optional<Long> reportedSnapshot(String version) {
    if (version == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Long.parseLong(version.trim()));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** The table's history as its current metadata file records it. */
  private TableHistory history(TableIdentifier identifier) {
    SluiceCatalog tables = catalog.catalog();
    String pointer =
        tables
            .currentTableMetadata(identifier)
            .orElseThrow(
                () -> new NoSuchTableException("Table does not exist: %s", Names.text(identifier)));
    TableMetadata metadata = tables.tableOps(identifier).readFrom(pointer);
    return new TableHistory(Names.text(identifier), metadata, pointer, tables.io());
  }

  private TableAsOf answer(
      TableIdentifier identifier,
      TableHistory history,
      long snapshotId,
      Instant at,
      PolicyView policy) {
    String name = Names.text(identifier);
    Snapshot snapshot =
        history
            .snapshot(snapshotId)
            .orElseThrow(
                () ->
                    new NotFoundException(
                        "Snapshot %s of %s, current at %s, was expired", snapshotId, name, at));
    Schema schema = history.schemaOf(snapshotId);
    return new TableAsOf(
        name,
        at,
        SnapshotView.of(snapshot),
        schema.schemaId(),
        json(SchemaParser.toJson(schema)),
        history.metadataFileAt(at).orElse(null),
        history.metadataLocation(),
        policy);
  }

  /** The policy version active at {@code at}, with the table's contract in it; null before any. */
  private PolicyView policyAt(Instant at, TableIdentifier identifier) {
    Optional<PolicyVersionEntity> found = policies.versionAt(at);
    if (found.isEmpty()) {
      return null;
    }
    PolicyVersionEntity version = found.get();
    LoadResult loaded =
        bundles.get(
            version.version + ":" + version.contentHash, key -> PolicyService.load(version));
    if (!loaded.ok()) {
      // stored valid, but later rules no longer accept it
      return PolicyView.of(
          version,
          null,
          "version " + version.version + " no longer loads: " + loaded.errors().get(0));
    }
    return PolicyView.of(
        version,
        loaded.orThrow().contract(Names.table(identifier)).map(ContractView::of).orElse(null),
        null);
  }

  private static JsonNode json(String text) {
    try {
      return ServerJson.mapper().readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Iceberg wrote a schema that is not JSON", e);
    }
  }
}
