package dev.sluice.catalog.rest;

import static dev.sluice.catalog.rest.CatalogApi.api;
import static dev.sluice.catalog.rest.CatalogApi.assertError;
import static dev.sluice.catalog.rest.CatalogApi.createNamespace;
import static dev.sluice.catalog.rest.CatalogApi.createTable;
import static dev.sluice.catalog.rest.CatalogApi.json;
import static dev.sluice.catalog.rest.CatalogApi.loadTable;
import static dev.sluice.catalog.rest.CatalogApi.parse;
import static dev.sluice.catalog.rest.CatalogApi.tablePath;
import static dev.sluice.catalog.rest.CatalogApi.unique;
import static dev.sluice.catalog.rest.CatalogApi.warehouseFiles;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.MetadataUpdate;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.SnapshotRefType;
import org.apache.iceberg.SortOrder;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.UpdateRequirement;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.rest.RESTCatalog;
import org.apache.iceberg.rest.requests.UpdateTableRequest;
import org.apache.iceberg.rest.responses.LoadTableResponse;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;

/** Table commits with the spec's requirement and update kinds, and concurrent appends on H2. */
@QuarkusTest
@TestProfile(CatalogTestProfile.class)
class CommitKindsTest {

  private static TableIdentifier newTable() {
    TableIdentifier table = TableIdentifier.of(createNamespace(unique("kinds")), "t");
    createTable(table, Map.of("drop-me", "x"));
    return table;
  }

  private static LoadTableResponse commit(TableIdentifier table, UpdateTableRequest request) {
    Response response = api().body(json(request)).post(tablePath(table));
    response.then().statusCode(200);
    return parse(response, LoadTableResponse.class);
  }

  @Test
  void everyRequirementKindIsCheckedAndSchemaSpecOrderUpdatesApply() {
    TableIdentifier table = newTable();
    TableMetadata base = loadTable(table).tableMetadata();
    List<UpdateRequirement> current =
        List.of(
            new UpdateRequirement.AssertTableUUID(base.uuid()),
            new UpdateRequirement.AssertCurrentSchemaID(base.currentSchemaId()),
            new UpdateRequirement.AssertLastAssignedFieldId(base.lastColumnId()),
            new UpdateRequirement.AssertLastAssignedPartitionId(base.lastAssignedPartitionId()),
            new UpdateRequirement.AssertDefaultSpecID(base.defaultSpecId()),
            new UpdateRequirement.AssertDefaultSortOrderID(base.defaultSortOrderId()),
            new UpdateRequirement.AssertRefSnapshotID("main", null));

    // each requirement, alone and off by one, is a conflict that changes nothing
    List<UpdateRequirement> stale =
        List.of(
            new UpdateRequirement.AssertCurrentSchemaID(base.currentSchemaId() + 1),
            new UpdateRequirement.AssertLastAssignedFieldId(base.lastColumnId() + 1),
            new UpdateRequirement.AssertLastAssignedPartitionId(base.lastAssignedPartitionId() + 1),
            new UpdateRequirement.AssertDefaultSpecID(base.defaultSpecId() + 1),
            new UpdateRequirement.AssertDefaultSortOrderID(base.defaultSortOrderId() + 1),
            new UpdateRequirement.AssertRefSnapshotID("main", 1L));
    Set<String> files = warehouseFiles();
    String location = loadTable(table).metadataLocation();
    for (UpdateRequirement requirement : stale) {
      assertError(
          api()
              .body(
                  json(
                      new UpdateTableRequest(
                          List.of(requirement),
                          List.of(new MetadataUpdate.SetProperties(Map.of("k", "v"))))))
              .post(tablePath(table)),
          409,
          "CommitFailedException",
          "Requirement failed");
    }
    assertThat(loadTable(table).metadataLocation()).isEqualTo(location);
    assertThat(warehouseFiles()).isEqualTo(files);

    Schema wider =
        new Schema(
            Types.NestedField.required(1, "id", Types.LongType.get()),
            Types.NestedField.optional(2, "data", Types.StringType.get()),
            Types.NestedField.optional(3, "ts", Types.TimestampType.withZone()));
    PartitionSpec spec = PartitionSpec.builderFor(wider).bucket("id", 8).day("ts").build();
    SortOrder order = SortOrder.builderFor(wider).asc("id").desc("ts").build();
    String newLocation = base.location() + "-moved";
    LoadTableResponse result =
        commit(
            table,
            new UpdateTableRequest(
                current,
                List.of(
                    new MetadataUpdate.UpgradeFormatVersion(3),
                    new MetadataUpdate.AddSchema(wider),
                    new MetadataUpdate.SetCurrentSchema(-1),
                    new MetadataUpdate.AddPartitionSpec(spec),
                    new MetadataUpdate.SetDefaultPartitionSpec(-1),
                    new MetadataUpdate.AddSortOrder(order),
                    new MetadataUpdate.SetDefaultSortOrder(-1),
                    new MetadataUpdate.SetProperties(Map.of("owner", "growth")),
                    new MetadataUpdate.RemoveProperties(Set.of("drop-me")),
                    new MetadataUpdate.SetLocation(newLocation))));
    TableMetadata after = result.tableMetadata();
    assertThat(after.formatVersion()).isEqualTo(3);
    assertThat(after.schema().findField("ts")).isNotNull();
    assertThat(after.spec().fields()).hasSize(2);
    assertThat(after.sortOrder().fields()).hasSize(2);
    assertThat(after.properties()).containsEntry("owner", "growth").doesNotContainKey("drop-me");
    assertThat(after.location()).isEqualTo(newLocation);
    assertThat(loadTable(table).metadataLocation()).isEqualTo(result.metadataLocation());
  }

  @Test
  void snapshotRefsAreSetAndRemoved() throws IOException {
    TableIdentifier table = newTable();
    long first;
    long second;
    try (RESTCatalog client = CatalogApi.client()) {
      Table t = client.loadTable(table);
      for (String name : List.of("a", "b")) {
        t.newFastAppend()
            .appendFile(
                DataFiles.builder(PartitionSpec.unpartitioned())
                    .withPath(t.location() + "/data/" + name + ".parquet")
                    .withFileSizeInBytes(10)
                    .withRecordCount(1)
                    .build())
            .commit();
      }
      t.refresh();
      second = t.currentSnapshot().snapshotId();
      first = t.currentSnapshot().parentId();
    }

    TableMetadata tagged =
        commit(
                table,
                new UpdateTableRequest(
                    List.of(new UpdateRequirement.AssertRefSnapshotID("main", second)),
                    List.of(
                        new MetadataUpdate.SetSnapshotRef(
                            "v1", first, SnapshotRefType.TAG, null, null, null),
                        new MetadataUpdate.SetSnapshotRef(
                            "audit", second, SnapshotRefType.BRANCH, null, null, null))))
            .tableMetadata();
    assertThat(tagged.ref("v1").snapshotId()).isEqualTo(first);
    assertThat(tagged.ref("audit").isBranch()).isTrue();

    // main moves back to the first snapshot; the tag goes; the second snapshot stays on audit
    TableMetadata moved =
        commit(
                table,
                new UpdateTableRequest(
                    List.of(new UpdateRequirement.AssertRefSnapshotID("main", second)),
                    List.of(
                        new MetadataUpdate.SetSnapshotRef(
                            "main", first, SnapshotRefType.BRANCH, null, null, null),
                        new MetadataUpdate.RemoveSnapshotRef("v1"))))
            .tableMetadata();
    assertThat(moved.currentSnapshot().snapshotId()).isEqualTo(first);
    assertThat(moved.ref("v1")).isNull();

    TableMetadata pruned =
        commit(
                table,
                new UpdateTableRequest(
                    List.of(new UpdateRequirement.AssertRefSnapshotID("audit", second)),
                    List.of(
                        new MetadataUpdate.RemoveSnapshotRef("audit"),
                        new MetadataUpdate.RemoveSnapshots(Set.of(second)))))
            .tableMetadata();
    assertThat(pruned.snapshots()).extracting(s -> s.snapshotId()).containsExactly(first);
    assertThat(pruned.refs()).containsOnlyKeys("main");
  }

  @Test
  void concurrentAppendsOnTheEmbeddedDatabaseLoseNothing() throws Exception {
    TableIdentifier table = newTable();
    try (RESTCatalog client = CatalogApi.client()) {
      client
          .loadTable(table)
          .updateProperties()
          .set(TableProperties.COMMIT_NUM_RETRIES, "500")
          .set(TableProperties.COMMIT_MIN_RETRY_WAIT_MS, "5")
          .set(TableProperties.COMMIT_MAX_RETRY_WAIT_MS, "100")
          .commit();
    }
    int writers = 4;
    int appends = 10;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    List<Future<?>> results = new java.util.ArrayList<>();
    for (int w = 0; w < writers; w++) {
      int writer = w;
      results.add(
          pool.submit(
              () -> {
                try (RESTCatalog client = CatalogApi.client()) {
                  Table t = client.loadTable(table);
                  for (int i = 0; i < appends; i++) {
                    t.newFastAppend()
                        .appendFile(
                            DataFiles.builder(PartitionSpec.unpartitioned())
                                .withPath(t.location() + "/data/w" + writer + "-" + i + ".parquet")
                                .withFileSizeInBytes(10)
                                .withRecordCount(1)
                                .build())
                        .commit();
                  }
                }
                return null;
              }));
    }
    for (Future<?> result : results) {
      result.get(5, TimeUnit.MINUTES);
    }
    pool.shutdown();
    TableMetadata metadata = loadTable(table).tableMetadata();
    assertThat(metadata.snapshots()).hasSize(writers * appends);
    assertThat(metadata.currentSnapshot().summary())
        .containsEntry("total-data-files", String.valueOf(writers * appends));
  }
}
