package dev.sluice.catalog.rest;

import static dev.sluice.catalog.rest.CatalogApi.api;
import static dev.sluice.catalog.rest.CatalogApi.assertError;
import static dev.sluice.catalog.rest.CatalogApi.createNamespace;
import static dev.sluice.catalog.rest.CatalogApi.createTable;
import static dev.sluice.catalog.rest.CatalogApi.files;
import static dev.sluice.catalog.rest.CatalogApi.json;
import static dev.sluice.catalog.rest.CatalogApi.loadTable;
import static dev.sluice.catalog.rest.CatalogApi.local;
import static dev.sluice.catalog.rest.CatalogApi.parse;
import static dev.sluice.catalog.rest.CatalogApi.path;
import static dev.sluice.catalog.rest.CatalogApi.tablePath;
import static dev.sluice.catalog.rest.CatalogApi.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;

import dev.sluice.catalog.persistence.CatalogStore;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.MetadataUpdate;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.SortOrder;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.UpdateRequirements;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.io.PositionOutputStream;
import org.apache.iceberg.rest.RESTCatalog;
import org.apache.iceberg.rest.requests.CreateTableRequest;
import org.apache.iceberg.rest.requests.RenameTableRequest;
import org.apache.iceberg.rest.requests.UpdateTableRequest;
import org.apache.iceberg.rest.responses.LoadTableResponse;
import org.junit.jupiter.api.Test;

@QuarkusTest
@TestProfile(CatalogTestProfile.class)
class TablesTest {
  @Inject CatalogStore store;

  private static TableIdentifier newIdentifier(String name) {
    return TableIdentifier.of(createNamespace(unique("tables")), name);
  }

  /** Appends one data file through Iceberg's client; the file is really written when asked. */
  private static DataFile append(Table table, String fileName, boolean write) throws IOException {
    String location = table.locationProvider().newDataLocation(fileName);
    long size = 16;
    if (write) {
      OutputFile out = table.io().newOutputFile(location);
      try (PositionOutputStream stream = out.create()) {
        stream.write(new byte[(int) size]);
      }
    }
    DataFile file =
        DataFiles.builder(PartitionSpec.unpartitioned())
            .withPath(location)
            .withFileSizeInBytes(size)
            .withRecordCount(1)
            .withFormat("parquet")
            .build();
    table.newFastAppend().appendFile(file).commit();
    return file;
  }

  @Test
  void createLoadListAndExists() {
    TableIdentifier table = newIdentifier("events");
    LoadTableResponse created = createTable(table, Map.of("owner", "growth"));
    assertThat(created.metadataLocation()).startsWith("file:" + CatalogApi.warehouse());
    assertThat(created.tableMetadata().location())
        .isEqualTo(
            "file:"
                + CatalogApi.warehouse().resolve(table.namespace().level(0)).resolve(table.name()));
    assertThat(created.tableMetadata().properties()).containsEntry("owner", "growth");
    assertThat(Files.exists(local(created.metadataLocation()))).isTrue();

    LoadTableResponse loaded = loadTable(table);
    assertThat(loaded.metadataLocation()).isEqualTo(created.metadataLocation());
    assertThat(loaded.tableMetadata().schema().asStruct()).isEqualTo(CatalogApi.SCHEMA.asStruct());

    api().head(tablePath(table)).then().statusCode(204);
    api()
        .get("/v1/namespaces/" + path(table.namespace()) + "/tables")
        .then()
        .statusCode(200)
        .body("identifiers.name", contains("events"))
        .body("identifiers[0].namespace", contains(table.namespace().level(0)));
  }

  @Test
  void stagedCreateIsCommittedWithAssertCreate() {
    TableIdentifier table = newIdentifier("staged");
    Response staged =
        api()
            .body(
                json(
                    CreateTableRequest.builder()
                        .withName(table.name())
                        .withSchema(CatalogApi.SCHEMA)
                        .stageCreate()
                        .build()))
            .post("/v1/namespaces/" + path(table.namespace()) + "/tables");
    staged.then().statusCode(200);
    LoadTableResponse stagedResponse = parse(staged, LoadTableResponse.class);
    assertThat(stagedResponse.metadataLocation()).isNull();
    // staging creates nothing
    api().head(tablePath(table)).then().statusCode(404);
    Path tableDir = local(stagedResponse.tableMetadata().location());
    assertThat(files(tableDir)).isEmpty();

    TableMetadata create =
        TableMetadata.newTableMetadata(
            CatalogApi.SCHEMA,
            PartitionSpec.unpartitioned(),
            SortOrder.unsorted(),
            stagedResponse.tableMetadata().location(),
            Map.of("staged", "yes"));
    List<MetadataUpdate> updates = create.changes();
    UpdateTableRequest commit =
        UpdateTableRequest.create(table, UpdateRequirements.forCreateTable(updates), updates);
    Response committed = api().body(json(commit)).post(tablePath(table));
    committed.then().statusCode(200);
    LoadTableResponse result = parse(committed, LoadTableResponse.class);
    assertThat(result.metadataLocation()).isNotNull();
    assertThat(result.tableMetadata().properties()).containsEntry("staged", "yes");

    api().head(tablePath(table)).then().statusCode(204);
    assertThat(loadTable(table).metadataLocation()).isEqualTo(result.metadataLocation());

    // a second create of the same table fails its requirement and moves nothing
    Set<String> before = files(tableDir);
    assertError(
        api().body(json(commit)).post(tablePath(table)),
        409,
        "CommitFailedException",
        "Requirement failed: table already exists");
    assertThat(loadTable(table).metadataLocation()).isEqualTo(result.metadataLocation());
    assertThat(files(tableDir)).isEqualTo(before);
  }

  @Test
  void snapshotsModeAndEtags() throws IOException {
    TableIdentifier table = newIdentifier("snaps");
    createTable(table);
    try (RESTCatalog client = CatalogApi.client()) {
      Table t = client.loadTable(table);
      append(t, "a.parquet", false);
      append(t, "b.parquet", false);
    }

    Response all = api().get(tablePath(table) + "?snapshots=all");
    all.then().statusCode(200);
    Response refs = api().get(tablePath(table) + "?snapshots=refs");
    refs.then().statusCode(200);
    TableMetadata allMetadata = parse(all, LoadTableResponse.class).tableMetadata();
    TableMetadata refsMetadata = parse(refs, LoadTableResponse.class).tableMetadata();
    assertThat(allMetadata.snapshots()).hasSize(2);
    assertThat(refsMetadata.snapshots()).hasSize(1);
    assertThat(refsMetadata.currentSnapshot().snapshotId())
        .isEqualTo(allMetadata.currentSnapshot().snapshotId());
    // the default is all
    assertThat(loadTable(table).tableMetadata().snapshots()).hasSize(2);

    String etag = all.header("ETag");
    String refsEtag = refs.header("ETag");
    assertThat(etag).isNotBlank().isNotEqualTo(refsEtag);
    assertThat(api().get(tablePath(table)).header("ETag")).isEqualTo(etag);

    api()
        .header("If-None-Match", etag)
        .get(tablePath(table))
        .then()
        .statusCode(304)
        .header("ETag", etag);
    api()
        .header("If-None-Match", refsEtag)
        .get(tablePath(table) + "?snapshots=refs")
        .then()
        .statusCode(304);
    api().header("If-None-Match", refsEtag).get(tablePath(table)).then().statusCode(200);

    // a commit changes the tag: the old one no longer matches
    UpdateTableRequest update =
        new UpdateTableRequest(
            List.of(), List.of(new MetadataUpdate.SetProperties(Map.of("changed", "yes"))));
    Response committed = api().body(json(update)).post(tablePath(table));
    committed.then().statusCode(200);
    Response after = api().header("If-None-Match", etag).get(tablePath(table));
    after.then().statusCode(200);
    assertThat(after.header("ETag")).isNotEqualTo(etag).isEqualTo(committed.header("ETag"));
  }

  @Test
  void renameMovesThePointer() {
    TableIdentifier from = newIdentifier("before");
    String location = createTable(from).metadataLocation();
    Namespace other = createNamespace(unique("target"));
    TableIdentifier to = TableIdentifier.of(other, "after");

    api()
        .body(json(RenameTableRequest.builder().withSource(from).withDestination(to).build()))
        .post("/v1/tables/rename")
        .then()
        .statusCode(204);
    api().head(tablePath(from)).then().statusCode(404);
    assertThat(loadTable(to).metadataLocation()).isEqualTo(location);
    api()
        .get("/v1/namespaces/" + path(from.namespace()) + "/tables")
        .then()
        .statusCode(200)
        .body("identifiers.size()", equalTo(0));

    assertError(
        api()
            .body(
                json(
                    RenameTableRequest.builder()
                        .withSource(to)
                        .withDestination(TableIdentifier.of(Namespace.of(unique("nowhere")), "x"))
                        .build()))
            .post("/v1/tables/rename"),
        404,
        "NoSuchNamespaceException",
        "Namespace does not exist");
    assertThat(loadTable(to).metadataLocation()).isEqualTo(location);
  }

  @Test
  void registerPointsANewNameAtExistingMetadata() {
    TableIdentifier original = newIdentifier("original");
    String location = createTable(original).metadataLocation();
    TableIdentifier copy = TableIdentifier.of(original.namespace(), "registered");

    // two live tables may not share files: the original must go before its files get a new name
    assertError(
        api()
            .body("{\"name\": \"registered\", \"metadata-location\": \"" + location + "\"}")
            .post("/v1/namespaces/" + path(original.namespace()) + "/register"),
        400,
        "BadRequestException",
        "overlaps the location of " + original);
    api().head(tablePath(copy)).then().statusCode(404);
    api().delete(tablePath(original)).then().statusCode(204);

    Response registered =
        api()
            .body("{\"name\": \"registered\", \"metadata-location\": \"" + location + "\"}")
            .post("/v1/namespaces/" + path(original.namespace()) + "/register");
    registered.then().statusCode(200);
    assertThat(parse(registered, LoadTableResponse.class).metadataLocation()).isEqualTo(location);
    assertThat(loadTable(copy).metadataLocation()).isEqualTo(location);

    assertError(
        api()
            .body("{\"name\": \"registered\", \"metadata-location\": \"" + location + "\"}")
            .post("/v1/namespaces/" + path(original.namespace()) + "/register"),
        409,
        "AlreadyExistsException",
        "already exists");
    assertError(
        api()
            .body(
                "{\"name\": \"ghost\", \"metadata-location\": \""
                    + "file:"
                    + CatalogApi.warehouse()
                    + "/no/such/v1.metadata.json\"}")
            .post("/v1/namespaces/" + path(original.namespace()) + "/register"),
        404,
        "NotFoundException",
        "v1.metadata.json");
    api().head(tablePath(TableIdentifier.of(original.namespace(), "ghost"))).then().statusCode(404);
  }

  @Test
  void metricsReportsArePersisted() {
    TableIdentifier table = newIdentifier("reported");
    createTable(table);
    assertThat(store.countMetricsReports(table)).isZero();
    api()
        .body(
            """
            {"report-type": "commit-report", "table-name": "sluice.%s", "snapshot-id": 42,
             "sequence-number": 1, "operation": "append",
             "metrics": {"added-data-files": {"unit": "count", "value": 1}}}"""
                .formatted(table))
        .post(tablePath(table) + "/metrics")
        .then()
        .statusCode(204);
    assertThat(store.countMetricsReports(table)).isEqualTo(1);

    assertError(
        api()
            .body("{\"report-type\": \"commit-report\", \"table-name\": \"x\"}")
            .post(tablePath(table) + "/metrics"),
        400,
        "BadRequestException",
        "Invalid ReportMetricsRequest");
    assertThat(store.countMetricsReports(table)).isEqualTo(1);
  }

  @Test
  void dropKeepsFilesUnlessPurgeIsRequested() throws IOException {
    TableIdentifier kept = newIdentifier("kept");
    TableIdentifier purged = TableIdentifier.of(kept.namespace(), "purged");
    createTable(kept);
    createTable(purged);
    Path keptDir;
    Path purgedDir;
    try (RESTCatalog client = CatalogApi.client()) {
      Table k = client.loadTable(kept);
      append(k, "k1.parquet", true);
      keptDir = local(k.location());
      Table p = client.loadTable(purged);
      append(p, "p1.parquet", true);
      append(p, "p2.parquet", true);
      purgedDir = local(p.location());
    }
    Set<String> keptFiles = files(keptDir);
    Set<String> purgedFiles = files(purgedDir);
    assertThat(keptFiles).anyMatch(f -> f.endsWith("k1.parquet"));
    assertThat(purgedFiles)
        .anyMatch(f -> f.endsWith("p1.parquet"))
        .anyMatch(f -> f.endsWith(".avro"))
        .anyMatch(f -> f.endsWith(".metadata.json"));

    api().delete(tablePath(kept)).then().statusCode(204);
    api().head(tablePath(kept)).then().statusCode(404);
    assertThat(files(keptDir)).isEqualTo(keptFiles);

    String job =
        api()
            .delete(tablePath(purged) + "?purgeRequested=true")
            .then()
            .statusCode(204)
            .extract()
            .header("X-Sluice-Purge-Job");
    api().head(tablePath(purged)).then().statusCode(404);
    CatalogApi.awaitJob(job).then().body("state", equalTo("SUCCEEDED"));
    assertThat(files(purgedDir)).isEmpty();
    for (String file : purgedFiles) {
      assertThat(Path.of(file)).doesNotExist();
    }
  }
}
