package dev.sluice.catalog.lineage;

import dev.sluice.catalog.security.Names;
import dev.sluice.lineage.DatasetId;
import dev.sluice.policy.model.TableName;
import io.openlineage.client.OpenLineage;
import io.openlineage.client.OpenLineageClientUtils;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.types.Types;
import org.jboss.logging.Logger;

/**
 * Emits one OpenLineage run event per table commit: the table as output dataset, its Iceberg
 * snapshot id as the dataset version, its schema, and who committed. The event is stored like any
 * received one and forwarded if configured. Emitting never fails the commit it describes.
 */
@ApplicationScoped
public class CatalogLineageEmitter {
  private static final Logger LOG = Logger.getLogger(CatalogLineageEmitter.class);
  static final URI PRODUCER = URI.create("https://sluice.dev/catalog-server");
  static final String COMMIT_FACET = "sluice_commit";
  static final String COMMIT_SUFFIX = ".commit";

  private final LineageService lineage;
  private final LineageForwarder forwarder;
  private final LineageConfig config;
  private final OpenLineage openLineage = new OpenLineage(PRODUCER);

  @Inject
  public CatalogLineageEmitter(
      LineageService lineage, LineageForwarder forwarder, LineageConfig config) {
    this.lineage = lineage;
    this.forwarder = forwarder;
    this.config = config;
  }

  /** Describes a commit that already happened. */
  public void tableCommitted(
      String catalog,
      TableIdentifier table,
      TableMetadata metadata,
      String principal,
      String operation) {
    if (!config.emitCommits() || metadata == null) {
      return;
    }
    try {
      String json =
          OpenLineageClientUtils.toJson(event(catalog, table, metadata, principal, operation));
      lineage.ingest(json, LineageService.Sender.CATALOG);
      forwarder.forward(json);
    } catch (RuntimeException e) {
      LOG.warnf(e, "Lineage event for the commit of %s not recorded", table);
    }
  }

  OpenLineage.RunEvent event(
      String catalog,
      TableIdentifier table,
      TableMetadata metadata,
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
    commit.getAdditionalProperties().put("metadataLocation", metadata.metadataFileLocation());
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
  static String commitJobName(TableIdentifier table) {
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
