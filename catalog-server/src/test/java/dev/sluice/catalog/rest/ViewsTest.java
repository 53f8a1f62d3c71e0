package dev.sluice.catalog.rest;

import static dev.sluice.catalog.rest.CatalogApi.api;
import static dev.sluice.catalog.rest.CatalogApi.assertError;
import static dev.sluice.catalog.rest.CatalogApi.createNamespace;
import static dev.sluice.catalog.rest.CatalogApi.createTable;
import static dev.sluice.catalog.rest.CatalogApi.json;
import static dev.sluice.catalog.rest.CatalogApi.loadView;
import static dev.sluice.catalog.rest.CatalogApi.parse;
import static dev.sluice.catalog.rest.CatalogApi.path;
import static dev.sluice.catalog.rest.CatalogApi.unique;
import static dev.sluice.catalog.rest.CatalogApi.viewPath;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.util.List;
import org.apache.iceberg.MetadataUpdate;
import org.apache.iceberg.UpdateRequirement;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.rest.requests.CreateViewRequest;
import org.apache.iceberg.rest.requests.ImmutableCreateViewRequest;
import org.apache.iceberg.rest.requests.RenameTableRequest;
import org.apache.iceberg.rest.requests.UpdateTableRequest;
import org.apache.iceberg.rest.responses.LoadViewResponse;
import org.apache.iceberg.view.ImmutableSQLViewRepresentation;
import org.apache.iceberg.view.ImmutableViewVersion;
import org.apache.iceberg.view.SQLViewRepresentation;
import org.apache.iceberg.view.ViewMetadata;
import org.apache.iceberg.view.ViewVersion;
import org.junit.jupiter.api.Test;

@QuarkusTest
@TestProfile(CatalogTestProfile.class)
class ViewsTest {

  private static ViewVersion version(int id, Namespace namespace, String sql) {
    return ImmutableViewVersion.builder()
        .versionId(id)
        .schemaId(0)
        .timestampMillis(System.currentTimeMillis())
        .defaultNamespace(namespace)
        .putSummary("engine-name", "test")
        .addRepresentations(
            ImmutableSQLViewRepresentation.builder().sql(sql).dialect("spark").build())
        .build();
  }

  private static LoadViewResponse createView(TableIdentifier view, String sql) {
    CreateViewRequest request =
        ImmutableCreateViewRequest.builder()
            .name(view.name())
            .schema(CatalogApi.SCHEMA)
            .viewVersion(version(1, view.namespace(), sql))
            .putProperties("comment", "first")
            .build();
    Response response =
        api().body(json(request)).post("/v1/namespaces/" + path(view.namespace()) + "/views");
    response.then().statusCode(200);
    return parse(response, LoadViewResponse.class);
  }

  private static String sqlOf(ViewMetadata metadata) {
    return ((SQLViewRepresentation) metadata.currentVersion().representations().get(0)).sql();
  }

  @Test
  void createLoadReplaceRenameAndDrop() {
    Namespace namespace = createNamespace(unique("views"));
    TableIdentifier view = TableIdentifier.of(namespace, "recent");
    LoadViewResponse created = createView(view, "select * from events");
    assertThat(created.metadataLocation()).startsWith("file:" + CatalogApi.warehouse());
    assertThat(sqlOf(created.metadata())).isEqualTo("select * from events");
    assertThat(created.metadata().properties()).containsEntry("comment", "first");

    LoadViewResponse loaded = loadView(view);
    assertThat(loaded.metadataLocation()).isEqualTo(created.metadataLocation());
    api().head(viewPath(view)).then().statusCode(204);
    api()
        .get("/v1/namespaces/" + path(namespace) + "/views")
        .then()
        .statusCode(200)
        .body("identifiers.name", contains("recent"));
    // views are not tables
    api()
        .get("/v1/namespaces/" + path(namespace) + "/tables")
        .then()
        .statusCode(200)
        .body("identifiers.size()", equalTo(0));

    // replace: a new version becomes current
    UpdateTableRequest replace =
        new UpdateTableRequest(
            List.of(new UpdateRequirement.AssertViewUUID(loaded.metadata().uuid())),
            List.of(
                new MetadataUpdate.AddViewVersion(version(2, namespace, "select 2 from events")),
                new MetadataUpdate.SetCurrentViewVersion(-1)));
    Response replaced = api().body(json(replace)).post(viewPath(view));
    replaced.then().statusCode(200);
    ViewMetadata after = parse(replaced, LoadViewResponse.class).metadata();
    assertThat(sqlOf(after)).isEqualTo("select 2 from events");
    assertThat(after.versions()).hasSize(2);
    assertThat(sqlOf(loadView(view).metadata())).isEqualTo("select 2 from events");
    String replacedLocation = loadView(view).metadataLocation();
    assertThat(replacedLocation).isNotEqualTo(created.metadataLocation());

    // a replace against another view's UUID is a conflict and moves nothing
    UpdateTableRequest stale =
        new UpdateTableRequest(
            List.of(new UpdateRequirement.AssertViewUUID("00000000-0000-0000-0000-000000000000")),
            List.of(new MetadataUpdate.SetProperties(java.util.Map.of("x", "y"))));
    assertError(
        api().body(json(stale)).post(viewPath(view)),
        409,
        "CommitFailedException",
        "Requirement failed: view UUID does not match");
    assertThat(loadView(view).metadataLocation()).isEqualTo(replacedLocation);

    // rename
    TableIdentifier renamed = TableIdentifier.of(namespace, "renamed");
    api()
        .body(json(RenameTableRequest.builder().withSource(view).withDestination(renamed).build()))
        .post("/v1/views/rename")
        .then()
        .statusCode(204);
    api().head(viewPath(view)).then().statusCode(404);
    assertThat(loadView(renamed).metadataLocation()).isEqualTo(replacedLocation);

    // drop
    api().delete(viewPath(renamed)).then().statusCode(204);
    api().head(viewPath(renamed)).then().statusCode(404);
    assertError(
        api().get(viewPath(renamed)),
        404,
        "NoSuchViewException",
        "View does not exist: " + renamed);
    api()
        .get("/v1/namespaces/" + path(namespace) + "/views")
        .then()
        .statusCode(200)
        .body("identifiers.size()", equalTo(0));
  }

  @Test
  void tablesAndViewsShareNames() {
    Namespace namespace = createNamespace(unique("shared"));
    TableIdentifier name = TableIdentifier.of(namespace, "same");
    createTable(name);
    CreateViewRequest request =
        ImmutableCreateViewRequest.builder()
            .name(name.name())
            .schema(CatalogApi.SCHEMA)
            .viewVersion(version(1, namespace, "select 1"))
            .build();
    assertError(
        api().body(json(request)).post("/v1/namespaces/" + path(namespace) + "/views"),
        409,
        "AlreadyExistsException",
        "Table with same name already exists: " + name);
    api().head(viewPath(name)).then().statusCode(404);

    TableIdentifier view = TableIdentifier.of(namespace, "aview");
    createView(view, "select 1");
    assertError(
        api()
            .body(
                json(
                    org.apache.iceberg.rest.requests.CreateTableRequest.builder()
                        .withName("aview")
                        .withSchema(CatalogApi.SCHEMA)
                        .build()))
            .post("/v1/namespaces/" + path(namespace) + "/tables"),
        409,
        "AlreadyExistsException",
        "View with same name already exists: " + view);
    assertError(
        api().body(json(request)).post("/v1/namespaces/" + unique("none") + "/views"),
        404,
        "NoSuchNamespaceException",
        "Namespace does not exist");
  }
}
