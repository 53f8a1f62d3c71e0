package dev.sluice.catalog.lineage;

import dev.sluice.catalog.security.Names;
import dev.sluice.lineage.DatasetId;
import dev.sluice.policy.model.TableName;
import io.openlineage.client.OpenLineage;
import io.quarkus.arc.Arc;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.types.Types;
import org.jboss.logging.Logger;

/**
 * Emits one OpenLineage run event per table commit: the table as output dataset, its Iceberg
 * snapshot id as the dataset version, its schema, and who committed. The event is built when the
 * commit's metadata file is written, before the pointer moves, and stored in the pointer's own
 * transaction ({@link LineageOutbox}): a commit is never stored without its event. It is projected
 * as soon as the commit is, and forwarded if configured. Building an event never fails the commit
 * it describes; failing to store it fails the commit's transaction.
 */
@ApplicationScoped
public class CatalogLineageEmitter {
  private static final Logger LOG = Logger.getLogger(CatalogLineageEmitter.class);
  static final URI PRODUCER = URI.create("https://sluice.dev/catalog-server");
  static final String COMMIT_FACET = "sluice_commit";
  static final String COMMIT_SUFFIX = ".commit";

  private final LineageOutbox outbox;
  private final LineageProjector projector;
  private final PendingCommitEvents pending;
  private final LineageConfig config;
  private final OpenLineage openLineage = new OpenLineage(PRODUCER);

  @Inject
  public CatalogLineageEmitter(
      LineageOutbox outbox,
      LineageProjector projector,
      PendingCommitEvents pending,
      LineageConfig config) {
    this.outbox = outbox;
    this.projector = projector;
    this.pending = pending;
    this.config = config;
  }

  /**
   * Runs {@code commit}, describing each table commit it makes as {@code principal}'s {@code
   * operation}; once it returns, projects the events its transactions stored unprojected (on H2; on
   * PostgreSQL they are projected in the commit's own transaction).
   */
  public <T> T describing(String catalog, String principal, String operation, Supplier<T> commit) {
    if (!config.emitCommits() || !Arc.container().requestContext().isActive()) {
      return commit.get();
    }
    pending.context(new PendingCommitEvents.CommitContext(catalog, principal, operation));
    try {
      return commit.get();
    } finally {
      pending.context(null);
      projector.projectNow(pending.takeCommitted());
    }
  }

  /**
   * A metadata file was written for {@code table}; the pointer has not moved yet. Builds the event
   * that describes the commit, for the transaction that moves the pointer to store.
   */
  public void written(TableIdentifier table, String metadataLocation, TableMetadata metadata) {
    if (!config.emitCommits() || metadata == null || !Arc.container().requestContext().isActive()) {
      return;
    }
    PendingCommitEvents.CommitContext context = pending.context();
    if (context == null) {
      return; // not a commit the catalog describes (e.g. a background job's)
    }
    try {
      LineageService.Received received =
          LineageService.built(
              event(
                  context.catalog(),
                  table,
                  metadata,
                  metadataLocation,
                  context.principal(),
                  context.operation()));
      outbox.describe(
          metadataLocation,
          LineageService.entity(received, LineageService.Sender.CATALOG),
          received.event());
    } catch (RuntimeException e) {
      LOG.warnf(e, "Lineage event for the commit of %s not recorded", table);
    }
  }

  /**
   * Builds, validates and hashes the event of a made-up commit, and keeps nothing: the lineage
   * client's JSON mapper builds its serializers on first use, which would otherwise fall on the
   * first commits after start, in every thread committing at that moment.
   */
  public void primeEventJson() {
    if (!config.emitCommits()) {
      return;
    }
    TableIdentifier table = TableIdentifier.of("priming", "table");
    TableMetadata metadata =
        TableMetadata.newTableMetadata(
            new Schema(Types.NestedField.required(1, "id", Types.LongType.get())),
            PartitionSpec.unpartitioned(),
            "file:/priming/table",
            Map.of());
    String location = "file:/priming/table/metadata/00000-priming.metadata.json";
    LineageService.Received received =
        LineageService.built(event("priming", table, metadata, location, "priming", "create"));
    LineageService.entity(received, LineageService.Sender.CATALOG);
  }

  OpenLineage.RunEvent event(
      String catalog,
      TableIdentifier table,
      TableMetadata metadata,
      String metadataLocation,
      String principal,
      String operation) {
    Snapshot current = metadata.currentSnapshot();
    String version = current == null ? "" : String.valueOf(current.snapshotId());
    DatasetId dataset = DatasetNaming.forLocation(metadata.location());

    OpenLineage.DatasetFacetsBuilder facets =
        openLineage
            .newDatasetFacetsBuilder()
            .schema(openLineage.newSchemaDatasetFacet(fields(metadata.schema().columns())))
            .symlinks(
                openLineage.newSymlinksDatasetFacet(
                    List.of(
                        openLineage.newSymlinksDatasetFacetIdentifiers(
                            catalog, table.toString(), "TABLE"))));
    if (!version.isEmpty()) {
      facets.version(openLineage.newDatasetVersionDatasetFacet(version));
    }
    OpenLineage.OutputDataset output =
        openLineage
            .newOutputDatasetBuilder()
            .namespace(dataset.namespace())
            .name(dataset.name())
            .facets(facets.build())
            .build();

    OpenLineage.RunFacet commit = openLineage.newRunFacet();
    commit.getAdditionalProperties().put("principal", principal);
    commit.getAdditionalProperties().put("operation", operation);
    commit.getAdditionalProperties().put("catalog", catalog);
    commit.getAdditionalProperties().put("table", table.toString());
    commit.getAdditionalProperties().put("metadataLocation", metadataLocation);
    if (!version.isEmpty()) {
      commit.getAdditionalProperties().put("snapshotId", version);
    }

    return openLineage
        .newRunEventBuilder()
        .eventType(OpenLineage.RunEvent.EventType.COMPLETE)
        .eventTime(ZonedDateTime.now(ZoneOffset.UTC))
        .run(
            openLineage.newRun(
                UUID.randomUUID(),
                openLineage.newRunFacetsBuilder().put(COMMIT_FACET, commit).build()))
        .job(
            openLineage
                .newJobBuilder()
                .namespace(config.jobNamespace())
                .name(commitJobName(table))
                .build())
        .inputs(List.of())
        .outputs(List.of(output))
        .build();
  }

  /**
   * The name of the job whose runs are a table's commits: {@code <namespace>.<table>.commit}, with
   * levels that hold a dot quoted ({@code curated."lab.people".commit}) so it reads back to the
   * same levels.
   */
  public static String commitJobName(TableIdentifier table) {
    return Names.text(table) + COMMIT_SUFFIX;
  }

  /** The table a commit job's name names, if it is of that form. */
  static Optional<TableIdentifier> committedTable(String jobName) {
    if (!jobName.endsWith(COMMIT_SUFFIX)) {
      return Optional.empty();
    }
    String table = jobName.substring(0, jobName.length() - COMMIT_SUFFIX.length());
    return TableName.parse(table)
        .map(
            name ->
                TableIdentifier.of(
                    Namespace.of(name.namespace().toArray(String[]::new)), name.name()));
  }

  private List<OpenLineage.SchemaDatasetFacetFields> fields(List<Types.NestedField> columns) {
    List<OpenLineage.SchemaDatasetFacetFields> fields = new ArrayList<>();
    for (Types.NestedField column : columns) {
      List<OpenLineage.SchemaDatasetFacetFields> nested =
          column.type().isStructType() ? fields(column.type().asStructType().fields()) : null;
      fields.add(
          openLineage.newSchemaDatasetFacetFields(
              column.name(),
              column.type().isPrimitiveType()
                  ? column.type().toString()
                  : column.type().typeId().name().toLowerCase(java.util.Locale.ROOT),
              column.doc(),
              null,
              nested));
    }
    return fields;
  }
}
