package dev.sluice.catalog.rest;

import static dev.sluice.catalog.rest.CatalogApi.api;
import static dev.sluice.catalog.rest.CatalogApi.assertError;
import static dev.sluice.catalog.rest.CatalogApi.createNamespace;
import static dev.sluice.catalog.rest.CatalogApi.createTable;
import static dev.sluice.catalog.rest.CatalogApi.json;
import static dev.sluice.catalog.rest.CatalogApi.loadTable;
import static dev.sluice.catalog.rest.CatalogApi.metadataLocation;
import static dev.sluice.catalog.rest.CatalogApi.path;
import static dev.sluice.catalog.rest.CatalogApi.tablePath;
import static dev.sluice.catalog.rest.CatalogApi.unique;
import static dev.sluice.catalog.rest.CatalogApi.viewPath;
import static dev.sluice.catalog.rest.CatalogApi.warehouseFiles;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.iceberg.MetadataUpdate;
import org.apache.iceberg.UpdateRequirement;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.rest.requests.CreateNamespaceRequest;
import org.apache.iceberg.rest.requests.CreateTableRequest;
import org.apache.iceberg.rest.requests.RenameTableRequest;
import org.apache.iceberg.rest.requests.UpdateTableRequest;
import org.apache.iceberg.rest.responses.LoadTableResponse;
import org.junit.jupiter.api.Test;

/**
 * Refusals: every bad request gets an Iceberg error body with the right status and type, and leaves
 * the catalog and the warehouse exactly as they were.
 */
@QuarkusTest
@TestProfile(CatalogTestProfile.class)
class BadRequestsTest {

  /** What a refused request must not change: the table's pointer and the warehouse's files. */
  private record Before(TableIdentifier table, String metadataLocation, Set<String> files) {
    static Before of(TableIdentifier table) {
      return new Before(table, CatalogApi.metadataLocation(table), warehouseFiles());
    }

    void assertUnchanged() {
      assertThat(CatalogApi.metadataLocation(table)).isEqualTo(metadataLocation);
      assertThat(warehouseFiles()).isEqualTo(files);
    }
  }

  private static TableIdentifier newTable() {
    Namespace namespace = createNamespace(unique("bad"));
    TableIdentifier table = TableIdentifier.of(namespace, "t");
    createTable(table);
    return table;
  }

  private static void assertNamespaceAbsent(String name) {
    api().head("/v1/namespaces/" + path(name)).then().statusCode(404);
  }

  private static Response commit(TableIdentifier table, String body) {
    return api().body(body).post(tablePath(table));
  }

  // ---- 400: malformed JSON, wrong field types, unknown kinds ----

  @Test
  void malformedJsonIsRefused() {
    String name = unique("malformed");
    assertError(
        api().body("{\"namespace\": [\"" + name + "\"").post("/v1/namespaces"),
        400,
        "BadRequestException",
        "Unexpected end-of-input");
    assertNamespaceAbsent(name);

    assertError(
        api().body("not json at all").post("/v1/namespaces"),
        400,
        "BadRequestException",
        "Malformed JSON");
    assertError(api().body("").post("/v1/namespaces"), 400, "BadRequestException", "No content");

    TableIdentifier table = newTable();
    Before before = Before.of(table);
    assertError(
        commit(table, "{\"requirements\": [}, \"updates\": []}"),
        400,
        "BadRequestException",
        "Unexpected close marker");
    before.assertUnchanged();
  }

  @Test
  void wrongFieldTypesAreRefused() {
    String name = unique("types");
    assertError(
        api().body("{\"namespace\": \"" + name + "\"}").post("/v1/namespaces"),
        400,
        "BadRequestException",
        "Invalid CreateNamespaceRequest");
    assertError(
        api()
            .body("{\"namespace\": [\"" + name + "\"], \"properties\": [\"a\", \"b\"]}")
            .post("/v1/namespaces"),
        400,
        "BadRequestException",
        "Invalid CreateNamespaceRequest");
    assertNamespaceAbsent(name);

    TableIdentifier table = newTable();
    Before before = Before.of(table);
    assertError(
        commit(
            table,
            """
            {"requirements": [{"type": "assert-current-schema-id", "current-schema-id": "zero"}],
             "updates": [{"action": "set-properties", "updates": {"k": "v"}}]}"""),
        400,
        "BadRequestException",
        "current-schema-id");
    assertError(
        commit(table, "{\"requirements\": {}, \"updates\": []}"),
        400,
        "BadRequestException",
        "Invalid UpdateTableRequest");
    assertError(
        api()
            .body("{\"name\": [\"t2\"], \"schema\": {\"type\": \"struct\", \"fields\": []}}")
            .post("/v1/namespaces/" + path(table.namespace()) + "/tables"),
        400,
        "BadRequestException",
        "Invalid CreateTableRequest");
    assertError(
        api().get("/v1/namespaces/" + path(table.namespace()) + "/tables?pageSize=many"),
        400,
        "IllegalArgumentException",
        "Invalid pageSize: many");
    assertError(
        api().get(tablePath(table) + "?snapshots=some"),
        400,
        "IllegalArgumentException",
        "Invalid snapshots mode: some");
    assertError(
        api().delete(tablePath(table) + "?purgeRequested=perhaps"),
        400,
        "IllegalArgumentException",
        "Invalid boolean: perhaps");
    before.assertUnchanged();
  }

  @Test
  void unknownRequirementAndUpdateKindsAreRefused() {
    TableIdentifier table = newTable();
    Before before = Before.of(table);
    assertError(
        commit(
            table,
            """
            {"requirements": [{"type": "assert-nonsense"}],
             "updates": [{"action": "set-properties", "updates": {"k": "v"}}]}"""),
        400,
        "BadRequestException",
        "assert-nonsense");
    assertError(
        commit(table, "{\"requirements\": [], \"updates\": [{\"action\": \"explode\"}]}"),
        400,
        "BadRequestException",
        "explode");
    assertError(
        api()
            .body(
                """
                {"table-changes": [{"identifier": {"namespace": %s, "name": "t"},
                  "requirements": [],
                  "updates": [{"action": "explode"}]}]}"""
                    .formatted(json(table.namespace().levels())))
            .post("/v1/transactions/commit"),
        400,
        "BadRequestException",
        "explode");
    before.assertUnchanged();
    assertThat(loadTable(table).tableMetadata().properties()).doesNotContainKey("k");
  }

  // ---- 400: invalid identifiers ----

  @Test
  void invalidNamespacesAreRefused() {
    Set<String> files = warehouseFiles();
    String bell = unique("bad") + "\u0007ns";
    assertError(
        api()
            .body(json(CreateNamespaceRequest.builder().withNamespace(Namespace.of(bell)).build()))
            .post("/v1/namespaces"),
        400,
        "IllegalArgumentException",
        "Invalid namespace");
    assertError(
        api()
            .body(json(CreateNamespaceRequest.builder().withNamespace(Namespace.of("")).build()))
            .post("/v1/namespaces"),
        400,
        "IllegalArgumentException",
        "Invalid namespace");
    assertError(
        api().body("{\"namespace\": []}").post("/v1/namespaces"),
        400,
        "IllegalArgumentException",
        "Invalid namespace: empty");
    String parent = unique("parent");
    createNamespace(parent);
    assertError(
        api()
            .body(
                json(
                    CreateNamespaceRequest.builder()
                        .withNamespace(Namespace.of(parent, "child\u0001"))
                        .build()))
            .post("/v1/namespaces"),
        400,
        "IllegalArgumentException",
        "Invalid namespace");
    assertError(
        api().get("/v1/namespaces/" + path(bell)), 400, "IllegalArgumentException", "Invalid");
    assertError(
        api().get("/v1/namespaces?parent=" + parent + "%07x"),
        400,
        "IllegalArgumentException",
        "Invalid namespace");

    api()
        .get("/v1/namespaces?parent=" + path(parent))
        .then()
        .statusCode(200)
        .body("namespaces.size()", equalTo(0));
    assertThat(warehouseFiles()).isEqualTo(files);
  }

  @Test
  void invalidTableAndViewNamesAreRefused() {
    TableIdentifier table = newTable();
    Namespace namespace = table.namespace();
    Before before = Before.of(table);
    String tables = "/v1/namespaces/" + path(namespace) + "/tables";
    assertError(
        api()
            .body("{\"name\": \"\", \"schema\": {\"type\": \"struct\", \"fields\": []}}")
            .post(tables),
        400,
        "IllegalArgumentException",
        "Invalid table name: null or empty");
    for (String bad : List.of("t\u0001", "new\nline", "tab\tname", "unit\u001fsep")) {
      assertError(
          api()
              .body(
                  json(
                      CreateTableRequest.builder()
                          .withName(bad)
                          .withSchema(CatalogApi.SCHEMA)
                          .build()))
              .post(tables),
          400,
          "IllegalArgumentException",
          "Invalid name");
    }
    assertError(
        api()
            .body(
                "{\"name\": \"v\\u0002\", \"schema\": {\"type\": \"struct\", \"schema-id\": 0,"
                    + " \"fields\": []}, \"view-version\": {\"version-id\": 1,"
                    + " \"timestamp-ms\": 1, \"schema-id\": 0, \"summary\": {},"
                    + " \"representations\": [{\"type\": \"sql\", \"sql\": \"select 1\","
                    + " \"dialect\": \"spark\"}], \"default-namespace\": []},"
                    + " \"properties\": {}}")
            .post("/v1/namespaces/" + path(namespace) + "/views"),
        400,
        "IllegalArgumentException",
        "Invalid name");
    assertError(
        api()
            .body(
                json(
                    RenameTableRequest.builder()
                        .withSource(table)
                        .withDestination(TableIdentifier.of(namespace, "x\u0003"))
                        .build()))
            .post("/v1/tables/rename"),
        400,
        "IllegalArgumentException",
        "Invalid name");
    assertError(
        api().get(tablePath(table) + "%01"), 400, "IllegalArgumentException", "Invalid name");

    api().get(tables).then().statusCode(200).body("identifiers.name", contains("t"));
    api()
        .get("/v1/namespaces/" + path(namespace) + "/views")
        .then()
        .statusCode(200)
        .body("identifiers.size()", equalTo(0));
    before.assertUnchanged();
  }

  // ---- 404 ----

  @Test
  void missingNamespacesTablesAndViewsAre404() {
    String missing = unique("missing");
    Set<String> files = warehouseFiles();
    assertError(
        api().get("/v1/namespaces/" + missing),
        404,
        "NoSuchNamespaceException",
        "Namespace does not exist: " + missing);
    api().head("/v1/namespaces/" + missing).then().statusCode(404);
    assertError(
        api().get("/v1/namespaces/" + missing + "/tables"),
        404,
        "NoSuchNamespaceException",
        "Namespace does not exist: " + missing);
    assertError(
        api().get("/v1/namespaces/" + missing + "/views"),
        404,
        "NoSuchNamespaceException",
        "Namespace does not exist: " + missing);
    assertError(
        api()
            .body(
                json(
                    CreateTableRequest.builder()
                        .withName("t")
                        .withSchema(CatalogApi.SCHEMA)
                        .build()))
            .post("/v1/namespaces/" + missing + "/tables"),
        404,
        "NoSuchNamespaceException",
        "Namespace does not exist: " + missing);
    assertError(
        api()
            .body("{\"removals\": [], \"updates\": {\"a\": \"b\"}}")
            .post("/v1/namespaces/" + missing + "/properties"),
        404,
        "NoSuchNamespaceException",
        "Namespace does not exist: " + missing);
    assertError(
        api().delete("/v1/namespaces/" + missing),
        404,
        "NoSuchNamespaceException",
        "Namespace does not exist: " + missing);
    assertNamespaceAbsent(missing);

    Namespace namespace = createNamespace(unique("present"));
    TableIdentifier table = TableIdentifier.of(namespace, "nope");
    assertError(
        api().get(tablePath(table)), 404, "NoSuchTableException", "Table does not exist: " + table);
    api().head(tablePath(table)).then().statusCode(404);
    assertError(
        commit(table, "{\"requirements\": [], \"updates\": []}"),
        404,
        "NoSuchTableException",
        "Table does not exist: " + table);
    assertError(
        api().delete(tablePath(table)),
        404,
        "NoSuchTableException",
        "Table does not exist: " + table);
    assertError(
        api()
            .body(
                json(
                    RenameTableRequest.builder()
                        .withSource(table)
                        .withDestination(TableIdentifier.of(namespace, "other"))
                        .build()))
            .post("/v1/tables/rename"),
        404,
        "NoSuchTableException",
        "Table does not exist: " + table);
    assertError(
        api()
            .body(
                "{\"report-type\": \"commit-report\", \"table-name\": \"x\", \"snapshot-id\": 1,"
                    + " \"sequence-number\": 1, \"operation\": \"append\", \"metrics\": {}}")
            .post(tablePath(table) + "/metrics"),
        404,
        "NoSuchTableException",
        "Table does not exist: " + table);

    TableIdentifier view = TableIdentifier.of(namespace, "noview");
    assertError(
        api().get(viewPath(view)), 404, "NoSuchViewException", "View does not exist: " + view);
    api().head(viewPath(view)).then().statusCode(404);
    assertError(
        api().delete(viewPath(view)), 404, "NoSuchViewException", "View does not exist: " + view);
    assertError(
        api()
            .body(
                json(
                    RenameTableRequest.builder()
                        .withSource(view)
                        .withDestination(TableIdentifier.of(namespace, "other"))
                        .build()))
            .post("/v1/views/rename"),
        404,
        "NoSuchViewException",
        "View does not exist: " + view);

    api()
        .get("/v1/namespaces/" + path(namespace) + "/tables")
        .then()
        .statusCode(200)
        .body("identifiers.size()", equalTo(0));
    assertThat(warehouseFiles()).isEqualTo(files);
  }

  // ---- 409 ----

  @Test
  void alreadyExistingNamespacesTablesAndViewsAre409() {
    TableIdentifier table = newTable();
    Namespace namespace = table.namespace();
    api()
        .body("{\"removals\": [], \"updates\": {\"owner\": \"first\"}}")
        .post("/v1/namespaces/" + path(namespace) + "/properties")
        .then()
        .statusCode(200);
    Before before = Before.of(table);

    assertError(
        api()
            .body(
                json(
                    CreateNamespaceRequest.builder()
                        .withNamespace(namespace)
                        .setProperties(new java.util.HashMap<>(Map.of("owner", "second")))
                        .build()))
            .post("/v1/namespaces"),
        409,
        "AlreadyExistsException",
        "Namespace already exists: " + namespace);
    api()
        .get("/v1/namespaces/" + path(namespace))
        .then()
        .statusCode(200)
        .body("properties.owner", equalTo("first"));

    assertError(
        api()
            .body(
                json(
                    CreateTableRequest.builder()
                        .withName("t")
                        .withSchema(CatalogApi.SCHEMA)
                        .setProperty("second", "true")
                        .build()))
            .post("/v1/namespaces/" + path(namespace) + "/tables"),
        409,
        "AlreadyExistsException",
        "Table already exists: " + table);

    createTable(TableIdentifier.of(namespace, "other"));
    Before beforeRename = Before.of(table);
    assertError(
        api()
            .body(
                json(
                    RenameTableRequest.builder()
                        .withSource(TableIdentifier.of(namespace, "other"))
                        .withDestination(table)
                        .build()))
            .post("/v1/tables/rename"),
        409,
        "AlreadyExistsException",
        "already exists");
    beforeRename.assertUnchanged();
    assertThat(loadTable(table).tableMetadata().properties()).doesNotContainKey("second");
    assertThat(before.metadataLocation()).isEqualTo(metadataLocation(table));
  }

  @Test
  void commitConflictsAre409AndChangeNothing() {
    TableIdentifier table = newTable();
    LoadTableResponse loaded = loadTable(table);
    int schemaId = loaded.tableMetadata().currentSchemaId();
    Before before = Before.of(table);

    UpdateTableRequest staleSchema =
        new UpdateTableRequest(
            List.of(new UpdateRequirement.AssertCurrentSchemaID(schemaId + 7)),
            List.of(new MetadataUpdate.SetProperties(Map.of("k", "v"))));
    assertError(
        commit(table, json(staleSchema)),
        409,
        "CommitFailedException",
        "Requirement failed: current schema changed: expected id " + (schemaId + 7));

    UpdateTableRequest staleRef =
        new UpdateTableRequest(
            List.of(new UpdateRequirement.AssertRefSnapshotID("main", 12345L)),
            List.of(new MetadataUpdate.SetProperties(Map.of("k", "v"))));
    assertError(
        commit(table, json(staleRef)),
        409,
        "CommitFailedException",
        "Requirement failed: branch or tag main is missing");

    UpdateTableRequest wrongUuid =
        new UpdateTableRequest(
            List.of(new UpdateRequirement.AssertTableUUID("00000000-0000-0000-0000-000000000000")),
            List.of(new MetadataUpdate.SetProperties(Map.of("k", "v"))));
    assertError(
        commit(table, json(wrongUuid)),
        409,
        "CommitFailedException",
        "Requirement failed: UUID does not match");

    UpdateTableRequest createOverExisting =
        new UpdateTableRequest(
            List.of(new UpdateRequirement.AssertTableDoesNotExist()),
            List.of(new MetadataUpdate.SetProperties(Map.of("k", "v"))));
    assertError(
        commit(table, json(createOverExisting)),
        409,
        "CommitFailedException",
        "Requirement failed: table already exists");

    before.assertUnchanged();
    assertThat(loadTable(table).tableMetadata().properties()).doesNotContainKey("k");
  }

  @Test
  void droppingANonEmptyNamespaceIs409() {
    TableIdentifier table = newTable();
    Namespace namespace = table.namespace();
    Before before = Before.of(table);
    assertError(
        api().delete("/v1/namespaces/" + path(namespace)),
        409,
        "NamespaceNotEmptyException",
        "Namespace " + namespace + " is not empty");
    before.assertUnchanged();
    api().head("/v1/namespaces/" + path(namespace)).then().statusCode(204);

    String parent = unique("parent");
    createNamespace(parent);
    createNamespace(parent, "child");
    assertError(
        api().delete("/v1/namespaces/" + path(parent)),
        409,
        "NamespaceNotEmptyException",
        "Namespace " + parent + " is not empty");
    api()
        .get("/v1/namespaces?parent=" + path(parent))
        .then()
        .statusCode(200)
        .body("namespaces[0]", contains(parent, "child"));
  }

  // ---- 413 ----

  private static String oversizedNamespaceRequest(String name) {
    String big = "x".repeat(CatalogTestProfile.MAX_BODY_BYTES + 1024);
    return json(
        CreateNamespaceRequest.builder()
            .withNamespace(Namespace.of(name))
            .setProperties(new java.util.HashMap<>(Map.of("big", big)))
            .build());
  }

  @Test
  void bodyAnnouncedOverTheLimitIs413() {
    String name = unique("large");
    Set<String> files = warehouseFiles();
    assertError(
        api().body(oversizedNamespaceRequest(name)).post("/v1/namespaces"),
        413,
        "RequestTooLargeException",
        "exceeds the limit of " + CatalogTestProfile.MAX_BODY_BYTES + " bytes");
    assertNamespaceAbsent(name);
    assertThat(warehouseFiles()).isEqualTo(files);

    // just under the configured limit is fine
    String fits = unique("fits");
    String body =
        json(
            CreateNamespaceRequest.builder()
                .withNamespace(Namespace.of(fits))
                .setProperties(
                    new java.util.HashMap<>(
                        Map.of("big", "y".repeat(CatalogTestProfile.MAX_BODY_BYTES - 200))))
                .build());
    assertThat(body.length()).isLessThanOrEqualTo(CatalogTestProfile.MAX_BODY_BYTES);
    api().body(body).post("/v1/namespaces").then().statusCode(200);
    api().head("/v1/namespaces/" + fits).then().statusCode(204);
  }

  @Test
  void chunkedBodyOverTheLimitIs413() throws Exception {
    String name = unique("chunked");
    byte[] body = oversizedNamespaceRequest(name).getBytes(StandardCharsets.UTF_8);
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create(RestAssured.baseURI + ":" + RestAssured.port + "/v1/namespaces"))
            .header("Content-Type", "application/json")
            .header("Authorization", dev.sluice.catalog.TestAuthentication.ADMIN_HEADER)
            // no length known in advance: sent with Transfer-Encoding: chunked
            .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
            .build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(response.body())
        .contains("\"type\":\"RequestTooLargeException\"")
        .contains("\"code\":413")
        .contains("exceeds the limit of " + CatalogTestProfile.MAX_BODY_BYTES + " bytes");
    assertNamespaceAbsent(name);
  }

  // ---- locations outside the warehouse ----

  @Test
  void locationsOutsideTheWarehouseAreRefused() throws Exception {
    Path outside = Files.createTempDirectory("sluice-outside-");
    Files.delete(outside);
    String outsideUri = "file:" + outside;
    TableIdentifier table = newTable();
    Namespace namespace = table.namespace();
    Before before = Before.of(table);
    String tables = "/v1/namespaces/" + path(namespace) + "/tables";

    assertError(
        api()
            .body(
                json(
                    CreateTableRequest.builder()
                        .withName("elsewhere")
                        .withSchema(CatalogApi.SCHEMA)
                        .withLocation(outsideUri)
                        .build()))
            .post(tables),
        400,
        "BadRequestException",
        "outside the allowed storage roots");
    assertError(
        api()
            .body(
                json(
                    CreateTableRequest.builder()
                        .withName("elsewhere")
                        .withSchema(CatalogApi.SCHEMA)
                        .withLocation(outsideUri)
                        .stageCreate()
                        .build()))
            .post(tables),
        400,
        "BadRequestException",
        "outside the allowed storage roots");
    assertError(
        api()
            .body(
                json(
                    CreateTableRequest.builder()
                        .withName("elsewhere")
                        .withSchema(CatalogApi.SCHEMA)
                        .setProperty("write.data.path", outsideUri + "/data")
                        .build()))
            .post(tables),
        400,
        "BadRequestException",
        "outside the allowed storage roots");
    api().head(tablePath(TableIdentifier.of(namespace, "elsewhere"))).then().statusCode(404);

    UpdateTableRequest move =
        new UpdateTableRequest(List.of(), List.of(new MetadataUpdate.SetLocation(outsideUri)));
    assertError(
        commit(table, json(move)), 400, "BadRequestException", "outside the allowed storage roots");
    UpdateTableRequest redirect =
        new UpdateTableRequest(
            List.of(),
            List.of(new MetadataUpdate.SetProperties(Map.of("write.metadata.path", outsideUri))));
    assertError(
        commit(table, json(redirect)),
        400,
        "BadRequestException",
        "outside the allowed storage roots");

    assertError(
        api()
            .body(
                "{\"name\": \"registered\", \"metadata-location\": \"" + outsideUri + "/m.json\"}")
            .post("/v1/namespaces/" + path(namespace) + "/register"),
        400,
        "BadRequestException",
        "outside the allowed storage roots");
    api().head(tablePath(TableIdentifier.of(namespace, "registered"))).then().statusCode(404);

    assertError(
        api()
            .body(
                "{\"name\": \"v\", \"location\": \""
                    + outsideUri
                    + "\", \"schema\": {\"type\": \"struct\", \"schema-id\": 0,"
                    + " \"fields\": []}, \"view-version\": {\"version-id\": 1,"
                    + " \"timestamp-ms\": 1, \"schema-id\": 0, \"summary\": {},"
                    + " \"representations\": [{\"type\": \"sql\", \"sql\": \"select 1\","
                    + " \"dialect\": \"spark\"}], \"default-namespace\": []},"
                    + " \"properties\": {}}")
            .post("/v1/namespaces/" + path(namespace) + "/views"),
        400,
        "BadRequestException",
        "outside the allowed storage roots");
    api().head(viewPath(TableIdentifier.of(namespace, "v"))).then().statusCode(404);

    assertThat(outside).doesNotExist();
    before.assertUnchanged();
    assertThat(loadTable(table).tableMetadata().location())
        .startsWith("file:" + CatalogApi.warehouse());
  }
}
