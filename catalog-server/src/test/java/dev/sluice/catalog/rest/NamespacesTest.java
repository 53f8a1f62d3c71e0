package dev.sluice.catalog.rest;

import static dev.sluice.catalog.rest.CatalogApi.api;
import static dev.sluice.catalog.rest.CatalogApi.assertError;
import static dev.sluice.catalog.rest.CatalogApi.createNamespace;
import static dev.sluice.catalog.rest.CatalogApi.json;
import static dev.sluice.catalog.rest.CatalogApi.parse;
import static dev.sluice.catalog.rest.CatalogApi.path;
import static dev.sluice.catalog.rest.CatalogApi.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.rest.requests.CreateNamespaceRequest;
import org.apache.iceberg.rest.requests.UpdateNamespacePropertiesRequest;
import org.apache.iceberg.rest.responses.ListNamespacesResponse;
import org.apache.iceberg.rest.responses.UpdateNamespacePropertiesResponse;
import org.junit.jupiter.api.Test;

@QuarkusTest
@TestProfile(CatalogTestProfile.class)
class NamespacesTest {

  @Test
  void createLoadExistsAndDrop() {
    String name = unique("ns");
    Map<String, String> properties = new HashMap<>(Map.of("owner", "growth", "comment", "x"));
    api()
        .body(
            json(
                CreateNamespaceRequest.builder()
                    .withNamespace(Namespace.of(name))
                    .setProperties(properties)
                    .build()))
        .post("/v1/namespaces")
        .then()
        .statusCode(200)
        .body("namespace", contains(name))
        .body("properties.owner", equalTo("growth"));

    api()
        .get("/v1/namespaces/" + name)
        .then()
        .statusCode(200)
        .body("namespace", contains(name))
        .body("properties.owner", equalTo("growth"))
        .body("properties.comment", equalTo("x"));
    api().head("/v1/namespaces/" + name).then().statusCode(204);
    assertThat(topLevel()).contains(List.of(name));

    api().delete("/v1/namespaces/" + name).then().statusCode(204);
    api().head("/v1/namespaces/" + name).then().statusCode(404);
    assertThat(topLevel()).doesNotContain(List.of(name));
  }

  @Test
  void aNamespaceReportsItsLocationAndTablesDefaultUnderIt() {
    Namespace implicit = createNamespace(unique("loc"));
    String warehouse = "file:" + CatalogApi.warehouse();
    api()
        .get("/v1/namespaces/" + path(implicit))
        .then()
        .statusCode(200)
        .body("properties.location", equalTo(warehouse + "/" + implicit.level(0)));

    String explicitName = unique("placed");
    String explicitLocation = warehouse + "/elsewhere/" + explicitName;
    api()
        .body(
            json(
                CreateNamespaceRequest.builder()
                    .withNamespace(Namespace.of(explicitName))
                    .setProperties(new HashMap<>(Map.of("location", explicitLocation)))
                    .build()))
        .post("/v1/namespaces")
        .then()
        .statusCode(200);
    assertThat(
            CatalogApi.createTable(org.apache.iceberg.catalog.TableIdentifier.of(explicitName, "t"))
                .tableMetadata()
                .location())
        .isEqualTo(explicitLocation + "/t");

    String outside = unique("outside");
    assertError(
        api()
            .body(
                json(
                    CreateNamespaceRequest.builder()
                        .withNamespace(Namespace.of(outside))
                        .setProperties(new HashMap<>(Map.of("location", "file:/etc/" + outside)))
                        .build()))
            .post("/v1/namespaces"),
        400,
        "BadRequestException",
        "outside the allowed storage roots");
    api().head("/v1/namespaces/" + outside).then().statusCode(404);
  }

  private static List<List<String>> topLevel() {
    return api().get("/v1/namespaces").then().statusCode(200).extract().path("namespaces");
  }

  @Test
  void nestedNamespacesNeedTheirParent() {
    String a = unique("a");
    assertError(
        api()
            .body(
                json(CreateNamespaceRequest.builder().withNamespace(Namespace.of(a, "b")).build()))
            .post("/v1/namespaces"),
        404,
        "NoSuchNamespaceException",
        "Parent namespace does not exist: " + a);
    api().head("/v1/namespaces/" + path(Namespace.of(a, "b"))).then().statusCode(404);

    createNamespace(a);
    createNamespace(a, "b");
    createNamespace(a, "b", "c");
    createNamespace(a, "b", "c.with.dots");

    api()
        .get("/v1/namespaces/" + path(Namespace.of(a, "b", "c")))
        .then()
        .statusCode(200)
        .body("namespace", contains(a, "b", "c"));
    api().head("/v1/namespaces/" + path(Namespace.of(a, "b", "c"))).then().statusCode(204);

    api()
        .get("/v1/namespaces?parent=" + a)
        .then()
        .statusCode(200)
        .body("namespaces", contains(List.of(a, "b")));
    api()
        .get("/v1/namespaces?parent=" + path(Namespace.of(a, "b")))
        .then()
        .statusCode(200)
        .body("namespaces", contains(List.of(a, "b", "c"), List.of(a, "b", "c.with.dots")));
    assertThat(topLevel()).contains(List.of(a)).doesNotContain(List.of(a, "b"));
    assertError(
        api().get("/v1/namespaces?parent=" + unique("nothing")),
        404,
        "NoSuchNamespaceException",
        "Namespace does not exist");

    // children first: a parent with children is not empty
    assertError(
        api().delete("/v1/namespaces/" + path(Namespace.of(a, "b"))),
        409,
        "NamespaceNotEmptyException",
        "is not empty");
    api().delete("/v1/namespaces/" + path(Namespace.of(a, "b", "c"))).then().statusCode(204);
    api()
        .delete("/v1/namespaces/" + path(Namespace.of(a, "b", "c.with.dots")))
        .then()
        .statusCode(204);
    api().delete("/v1/namespaces/" + path(Namespace.of(a, "b"))).then().statusCode(204);
    api().delete("/v1/namespaces/" + a).then().statusCode(204);
  }

  @Test
  void listingPagesThroughChildren() {
    String parent = unique("pages");
    createNamespace(parent);
    List<List<String>> expected = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      createNamespace(parent, "child" + i);
      expected.add(List.of(parent, "child" + i));
    }

    List<List<String>> seen = new ArrayList<>();
    String token = null;
    int pages = 0;
    do {
      Response response =
          api()
              .get(
                  "/v1/namespaces?parent="
                      + parent
                      + "&pageSize=2"
                      + (token == null ? "" : "&pageToken=" + token));
      response.then().statusCode(200);
      ListNamespacesResponse page = parse(response, ListNamespacesResponse.class);
      assertThat(page.namespaces()).hasSizeLessThanOrEqualTo(2);
      page.namespaces().forEach(ns -> seen.add(List.of(ns.levels())));
      token = page.nextPageToken();
      pages++;
    } while (token != null && pages < 10);

    assertThat(pages).isEqualTo(3);
    assertThat(seen).containsExactlyElementsOf(expected);

    // without paging parameters everything comes at once, with no token
    api()
        .get("/v1/namespaces?parent=" + parent)
        .then()
        .statusCode(200)
        .body("namespaces.size()", equalTo(5))
        .body("next-page-token", nullValue());
    assertError(
        api().get("/v1/namespaces?parent=" + parent + "&pageSize=0"),
        400,
        "IllegalArgumentException",
        "Invalid pageSize: 0");
    assertError(
        api().get("/v1/namespaces?parent=" + parent + "&pageToken=bogus&pageSize=2"),
        400,
        "IllegalArgumentException",
        "Invalid pageToken: not a token this listing handed out");
  }

  @Test
  void propertiesAreUpdatedAndRemoved() {
    String name = unique("props");
    api()
        .body(
            json(
                CreateNamespaceRequest.builder()
                    .withNamespace(Namespace.of(name))
                    .setProperties(new HashMap<>(Map.of("keep", "1", "drop", "2")))
                    .build()))
        .post("/v1/namespaces")
        .then()
        .statusCode(200);

    Response response =
        api()
            .body(
                json(
                    UpdateNamespacePropertiesRequest.builder()
                        .update("added", "3")
                        .update("keep", "1b")
                        .remove("drop")
                        .remove("never-there")
                        .build()))
            .post("/v1/namespaces/" + name + "/properties");
    response.then().statusCode(200);
    UpdateNamespacePropertiesResponse result =
        parse(response, UpdateNamespacePropertiesResponse.class);
    assertThat(result.updated()).containsExactlyInAnyOrder("added", "keep");
    assertThat(result.removed()).containsExactly("drop");
    assertThat(result.missing()).containsExactly("never-there");

    api()
        .get("/v1/namespaces/" + name)
        .then()
        .statusCode(200)
        .body("properties.keep", equalTo("1b"))
        .body("properties.added", equalTo("3"))
        .body("properties.drop", nullValue());

    // the same key set and removed is refused and changes nothing
    assertError(
        api()
            .body("{\"removals\": [\"keep\"], \"updates\": {\"keep\": \"x\", \"other\": \"y\"}}")
            .post("/v1/namespaces/" + name + "/properties"),
        422,
        "UnprocessableEntityException",
        "cannot simultaneously set and remove keys: [keep]");
    api()
        .get("/v1/namespaces/" + name)
        .then()
        .statusCode(200)
        .body("properties.keep", equalTo("1b"))
        .body("properties.other", nullValue());
  }
}
