package dev.sluice.catalog.rest;

import static dev.sluice.catalog.rest.CatalogApi.api;
import static dev.sluice.catalog.rest.CatalogApi.assertError;
import static dev.sluice.catalog.rest.CatalogApi.createNamespace;
import static dev.sluice.catalog.rest.CatalogApi.createTable;
import static dev.sluice.catalog.rest.CatalogApi.json;
import static dev.sluice.catalog.rest.CatalogApi.tablePath;
import static dev.sluice.catalog.rest.CatalogApi.unique;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.MetadataUpdate;
import org.apache.iceberg.UpdateRequirement;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.rest.requests.UpdateTableRequest;
import org.junit.jupiter.api.Test;

/** Configuration endpoint, request ids, health and metrics. */
@QuarkusTest
@TestProfile(CatalogTestProfile.class)
class OperationsTest {

  @Test
  void configHonoursTheWarehouseAndListsEndpoints() {
    api()
        .get("/v1/config")
        .then()
        .statusCode(200)
        .body("overrides.warehouse", equalTo("sluice"))
        .body(
            "endpoints",
            hasItems(
                "GET /v1/{prefix}/namespaces",
                "POST /v1/{prefix}/namespaces",
                "HEAD /v1/{prefix}/namespaces/{namespace}",
                "GET /v1/{prefix}/namespaces/{namespace}/tables/{table}",
                "POST /v1/{prefix}/namespaces/{namespace}/tables/{table}",
                "POST /v1/{prefix}/namespaces/{namespace}/register",
                "POST /v1/{prefix}/namespaces/{namespace}/tables/{table}/metrics",
                "POST /v1/{prefix}/tables/rename",
                "POST /v1/{prefix}/transactions/commit",
                "GET /v1/{prefix}/namespaces/{namespace}/views/{view}",
                "POST /v1/{prefix}/views/rename"));
    api()
        .get("/v1/config?warehouse=sluice")
        .then()
        .statusCode(200)
        .body("overrides.warehouse", equalTo("sluice"));
    assertError(
        api().get("/v1/config?warehouse=elsewhere"),
        400,
        "BadRequestException",
        "Unknown warehouse: elsewhere");
  }

  @Test
  void requestIdsAreEchoedOrAssigned() {
    api()
        .header("X-Request-Id", "trace-42.a:b")
        .get("/v1/config")
        .then()
        .statusCode(200)
        .header("X-Request-Id", "trace-42.a:b");

    String assigned = api().get("/v1/config").header("X-Request-Id");
    assertThat(assigned).matches("[0-9a-f-]{36}");

    // an id that is not safe to log is replaced, not echoed
    String replaced =
        api()
            .header("X-Request-Id", "evil id\twith spaces")
            .get("/v1/config")
            .header("X-Request-Id");
    assertThat(replaced).isNotEqualTo("evil id\twith spaces").matches("[0-9a-f-]{36}");

    // errors carry it too
    api()
        .header("X-Request-Id", "failing-1")
        .get("/v1/namespaces/" + unique("missing"))
        .then()
        .statusCode(404)
        .header("X-Request-Id", "failing-1");
  }

  @Test
  void healthIsUp() {
    given().get("/q/health").then().statusCode(200).body("status", equalTo("UP"));
    given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
    given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
  }

  @Test
  void metricsCountRequestsCommitsAndConflicts() {
    TableIdentifier table = TableIdentifier.of(createNamespace(unique("metrics")), "t");
    createTable(table);
    UpdateTableRequest ok =
        new UpdateTableRequest(
            List.of(), List.of(new MetadataUpdate.SetProperties(Map.of("a", "b"))));
    api().body(json(ok)).post(tablePath(table)).then().statusCode(200);
    UpdateTableRequest conflict =
        new UpdateTableRequest(
            List.of(new UpdateRequirement.AssertCurrentSchemaID(99)),
            List.of(new MetadataUpdate.SetProperties(Map.of("a", "c"))));
    api().body(json(conflict)).post(tablePath(table)).then().statusCode(409);

    Response metrics = given().get("/q/metrics");
    metrics.then().statusCode(200);
    String text = metrics.asString();
    assertThat(text)
        .contains("http_server_requests_seconds_count")
        .contains("http_server_requests_seconds_sum")
        .contains("uri=\"/v1/namespaces/{namespace}/tables/{table}\"")
        .contains("sluice_commit_conflicts_total")
        .contains("sluice_commits_total");
    assertThat(counter(text, "sluice_commits_total")).isGreaterThanOrEqualTo(2.0);
    assertThat(counter(text, "sluice_commit_conflicts_returned_total")).isGreaterThanOrEqualTo(1.0);
  }

  private static double counter(String prometheus, String name) {
    return prometheus
        .lines()
        .filter(line -> line.startsWith(name + " ") || line.startsWith(name + "{"))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
        .sum();
  }
}
