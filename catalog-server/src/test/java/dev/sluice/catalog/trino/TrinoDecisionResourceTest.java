package dev.sluice.catalog.trino;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.catalog.trino.TrinoTlsTestProfile.Certificates;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.config.SSLConfig;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/**
 * The decision API with requests shaped as Trino 476's opa plugin sends them, against the example
 * policy (catalog {@code lake}), over HTTPS with the coordinator's client certificate; and the
 * callers it refuses.
 */
@QuarkusTest
@TestProfile(TrinoTlsTestProfile.class)
class TrinoDecisionResourceTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SUPPORT_FILTER = "region = 'eu'";

  @TestHTTPResource(value = "/", tls = true)
  URL https;

  /** A request over HTTPS that trusts the server and presents the given client key store. */
  static RequestSpecification over(TestCertificates.Store client) {
    SSLConfig ssl =
        SSLConfig.sslConfig()
            .trustStore(Certificates.TRUST.path().toFile(), Certificates.TRUST.password())
            .trustStoreType("PKCS12");
    if (client != null) {
      ssl = ssl.keyStore(client.path().toFile(), client.password()).keystoreType("PKCS12");
    }
    return given().config(RestAssured.config().sslConfig(ssl));
  }

  private String decisionUri(String path) {
    return https.toString().replaceAll("/$", "") + "/api/v1/trino/" + path;
  }

  private static ObjectNode request(String user, List<String> groups, String operation) {
    ObjectNode body = JSON.createObjectNode();
    ObjectNode input = body.putObject("input");
    ObjectNode identity = input.putObject("context").putObject("identity").put("user", user);
    ArrayNode groupList = identity.putArray("groups");
    groups.forEach(groupList::add);
    input.putObject("action").put("operation", operation);
    return body;
  }

  private static ObjectNode action(ObjectNode body) {
    return (ObjectNode) body.path("input").path("action");
  }

  private static ObjectNode table(String schema, String table, String... columns) {
    ObjectNode node =
        JSON.createObjectNode()
            .put("catalogName", "lake")
            .put("schemaName", schema)
            .put("tableName", table);
    if (columns.length > 0) {
      ArrayNode list = node.putArray("columns");
      for (String column : columns) {
        list.add(column);
      }
    }
    return node;
  }

  private ValidatableResponse post(String path, ObjectNode body) {
    return over(Certificates.COORDINATOR_CLIENT)
        .contentType(ContentType.JSON)
        .body(body.toString())
        .post(decisionUri(path))
        .then()
        .statusCode(200);
  }

  private ValidatableResponse select(String user, List<String> groups, ObjectNode table) {
    ObjectNode body = request(user, groups, "SelectFromColumns");
    action(body).putObject("resource").set("table", table);
    return post("allow", body);
  }

  private ValidatableResponse masks(String user, List<String> groups, String... columns) {
    ObjectNode body = request(user, groups, "GetColumnMask");
    ArrayNode resources = action(body).putArray("filterResources");
    for (String column : columns) {
      String[] nameType = column.split(":");
      resources
          .addObject()
          .putObject("column")
          .put("catalogName", "lake")
          .put("schemaName", "raw")
          .put("tableName", "customers")
          .put("columnName", nameType[0])
          .put("columnType", nameType[1]);
    }
    return post("column-masks", body);
  }

  private ValidatableResponse rowFilters(String user, List<String> groups) {
    ObjectNode body = request(user, groups, "GetRowFilters");
    action(body).putObject("resource").set("table", table("raw", "customers"));
    return post("row-filters", body);
  }

  @Test
  void tableAccessFollowsZonesAndGrants() {
    select("alice", List.of("analysts"), table("raw", "customers", "name"))
        .body("result", equalTo(true));
    select("nobody", List.of(), table("raw", "customers", "name")).body("result", equalTo(false));
    select("alice", List.of("analysts"), table("restricted", "customer_profile", "name"))
        .body("result", equalTo(false));
    // a Trino user mapped in sluice.trino.client-users is that client
    select("service-account-training-pipeline", List.of(), table("raw", "customers", "name"))
        .body("result", equalTo(true));
    // client:transform reads zone raw, but a Trino user who calls itself after its service
    // account is not mapped, so it is only a user of that name
    select("service-account-transform", List.of(), table("raw", "customers", "name"))
        .body("result", equalTo(false));
    select("training-pipeline", List.of(), table("raw", "customers", "name"))
        .body("result", equalTo(false));
    given()
        .queryParam("principal", "user:service-account-transform")
        .queryParam("action", "trino.SelectFromColumns")
        .get("/api/v1/audit")
        .then()
        .statusCode(200)
        .body("events.decision", equalTo(List.of("deny")));
  }

  @Test
  void analystsSeeLastFourDigitsAndRedactedNamesAndHiddenColumnsNulled() {
    masks(
            "alice",
            List.of("analysts"),
            "customer_id:varchar",
            "name:varchar",
            "phone:varchar",
            "$path:varchar",
            "$partition:varchar",
            "$file_modified_time:timestamp(3) with time zone")
        .body("result.index", equalTo(List.of(1, 2, 3, 4)))
        .body("result[0].viewExpression.expression", equalTo("CAST('REDACTED' AS varchar)"))
        .body(
            "result[1].viewExpression.expression", equalTo("concat('****', substr(\"phone\", -4))"))
        .body("result[2].viewExpression.expression", equalTo("CAST(NULL AS varchar)"));
    masks("priya", List.of("privacy-office"), "name:varchar", "phone:varchar", "$path:varchar")
        .body("result", equalTo(List.of()));
    // a write-only client gets no masks: Trino refuses INSERT into masked tables
    masks("service-account-ingest", List.of(), "name:varchar", "phone:varchar")
        .body("result", equalTo(List.of()));
    // support sees phone numbers but not names
    masks("sam", List.of("support"), "name:varchar", "phone:varchar")
        .body("result.index", equalTo(List.of(0)));
  }

  @Test
  void rowFiltersCarryConsentForTrainingAndDeclaredFilters() {
    rowFilters("service-account-training-pipeline", List.of())
        .body(
            "result.expression",
            equalTo(
                List.of(
                    "\"consent_status\" = 'granted' AND contains(\"allowed_purposes\", 'training')")));
    rowFilters("sam", List.of("support"))
        .body("result.expression", equalTo(List.of(SUPPORT_FILTER)));
    rowFilters("priya", List.of("privacy-office")).body("result", equalTo(List.of()));
    // a write-only client reads nothing anyway (SelectFromColumns is denied); filters would only
    // make Trino refuse its inserts
    rowFilters("service-account-ingest", List.of()).body("result", equalTo(List.of()));
    ObjectNode select = request("service-account-ingest", List.of(), "SelectFromColumns");
    action(select).putObject("resource").set("table", table("raw", "customers", "name"));
    post("allow", select).body("result", equalTo(false));
  }

  @Test
  void batchesKeepOnlyWhatTheUserMaySee() {
    ObjectNode schemas = request("alice", List.of("analysts"), "FilterSchemas");
    ArrayNode resources = action(schemas).putArray("filterResources");
    for (String schema : List.of("information_schema", "raw", "silver", "restricted")) {
      resources
          .addObject()
          .putObject("schema")
          .put("catalogName", "lake")
          .put("schemaName", schema);
    }
    post("batch", schemas).body("result", equalTo(List.of(0, 1, 2)));

    ObjectNode catalogs = request("alice", List.of("analysts"), "FilterCatalogs");
    ArrayNode names = action(catalogs).putArray("filterResources");
    for (String catalog : List.of("system", "lake", "hive")) {
      names.addObject().putObject("catalog").put("name", catalog);
    }
    post("batch", catalogs).body("result", equalTo(List.of(0, 1)));

    for (String user : List.of("alice", "nobody")) {
      ObjectNode columns =
          request(user, user.equals("alice") ? List.of("analysts") : List.of(), "FilterColumns");
      action(columns)
          .putArray("filterResources")
          .addObject()
          .set("table", table("raw", "customers", "customer_id", "name", "phone"));
      post("batch", columns)
          .body("result", equalTo(user.equals("alice") ? List.of(0, 1, 2) : List.of()));
    }
  }

  @Test
  void metadataTablesAndDefinerViewsCannotBypassMasks() {
    select("alice", List.of("analysts"), table("raw", "customers$snapshots", "snapshot_id"))
        .body("result", equalTo(true));
    select("alice", List.of("analysts"), table("raw", "customers$files", "lower_bounds"))
        .body("result", equalTo(false));
    select("priya", List.of("privacy-office"), table("raw", "customers$files", "lower_bounds"))
        .body("result", equalTo(true));

    ObjectNode definer =
        request("priya", List.of("privacy-office"), "CreateViewWithSelectFromColumns");
    action(definer).putObject("resource").set("table", table("raw", "customers", "name"));
    post("allow", definer).body("result", equalTo(false));
    ObjectNode plain =
        request("priya", List.of("privacy-office"), "CreateViewWithSelectFromColumns");
    action(plain).putObject("resource").set("table", table("silver", "orders_clean", "order_id"));
    post("allow", plain).body("result", equalTo(true));
  }

  @Test
  void writesSchemasUnknownOperationsAndOtherCatalogs() {
    ObjectNode insert = request("service-account-ingest", List.of(), "InsertIntoTable");
    action(insert).putObject("resource").set("table", table("raw", "signups"));
    post("allow", insert).body("result", equalTo(true));
    ObjectNode analystInsert = request("alice", List.of("analysts"), "InsertIntoTable");
    action(analystInsert).putObject("resource").set("table", table("raw", "signups"));
    post("allow", analystInsert).body("result", equalTo(false));

    ObjectNode unknown = request("alice", List.of("analysts"), "SomethingNew");
    post("allow", unknown).body("result", equalTo(false));
    ObjectNode hive = request("alice", List.of("analysts"), "AccessCatalog");
    action(hive).putObject("resource").putObject("catalog").put("name", "hive");
    post("allow", hive).body("result", equalTo(false));
    ObjectNode query = request("alice", List.of("analysts"), "ExecuteQuery");
    post("allow", query).body("result", equalTo(true));

    given()
        .queryParam("principal", "user:alice")
        .queryParam("action", "trino.SomethingNew")
        .get("/api/v1/audit")
        .then()
        .statusCode(200)
        .body("events.decision", hasItem("deny"));
  }

  @Test
  void malformedRequestsAreRefused() {
    over(Certificates.COORDINATOR_CLIENT)
        .contentType(ContentType.JSON)
        .body("{\"nothing\":1}")
        .post(decisionUri("allow"))
        .then()
        .statusCode(400);
    over(Certificates.COORDINATOR_CLIENT)
        .contentType(ContentType.JSON)
        .body("{\"input\":{\"action\":{\"operation\":\"ExecuteQuery\"}}}")
        .post(decisionUri("allow"))
        .then()
        .statusCode(200)
        .body("result", equalTo(false));
  }

  @Test
  void callersWithoutTheCoordinatorsVerifiedCertificateGetNoDecision() {
    ObjectNode question = request("mallory", List.of("privacy-office"), "SelectFromColumns");
    action(question).putObject("resource").set("table", table("raw", "customers", "name"));

    // plain HTTP, even with the administrator's token
    given()
        .contentType(ContentType.JSON)
        .body(question.toString())
        .post("/api/v1/trino/allow")
        .then()
        .statusCode(403)
        .body("result", nullValue())
        .body("error.type", equalTo("ForbiddenException"))
        .body("error.code", equalTo(403))
        .body("error.message", containsString("came over plain HTTP"));
    // refused before the body is read: not even its shape is judged
    given()
        .contentType(ContentType.JSON)
        .body("not json")
        .post("/api/v1/trino/batch")
        .then()
        .statusCode(403)
        .body("error.message", containsString("came over plain HTTP"));
    // TLS without a client certificate
    over(null)
        .contentType(ContentType.JSON)
        .body(question.toString())
        .post(decisionUri("allow"))
        .then()
        .statusCode(403)
        .body("result", nullValue())
        .body("error.message", containsString("presented none"));
    // a certificate of the trusted authority, but not the coordinator's subject
    over(Certificates.OTHER_CLIENT)
        .contentType(ContentType.JSON)
        .body(question.toString())
        .post(decisionUri("column-masks"))
        .then()
        .statusCode(403)
        .body("result", nullValue())
        .body("error.message", containsString("sluice.trino.allowed-client-subjects"));
    // the coordinator's subject from an authority the server does not trust: no handshake
    HttpClient stranger =
        HttpClient.newBuilder()
            .sslContext(Certificates.STRANGER_CLIENT.presentingTo(Certificates.TRUST))
            .build();
    Throwable refused =
        catchThrowable(
            () ->
                stranger.send(
                    HttpRequest.newBuilder(URI.create(decisionUri("allow")))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(question.toString()))
                        .build(),
                    HttpResponse.BodyHandlers.ofString()));
    assertThat(refused)
        .isInstanceOf(SSLHandshakeException.class)
        .hasMessageContaining("certificate_unknown");

    given()
        .queryParam("action", TrinoDecisionGuard.REFUSED_ACTION)
        .queryParam("decision", "deny")
        .get("/api/v1/audit")
        .then()
        .statusCode(200)
        .body("events.principal", hasItem("anonymous"))
        .body("events.principal", hasItem("certificate:CN=other-service,O=Sluice tests"))
        .body("events.resource", hasItem("POST /api/v1/trino/allow"))
        .body("events.resource", hasItem("POST /api/v1/trino/column-masks"));
    // nothing was decided for the user the refused callers asked about
    given()
        .queryParam("principal", "user:mallory")
        .get("/api/v1/audit")
        .then()
        .statusCode(200)
        .body("events", equalTo(List.of()));
  }

  @Test
  void theCoordinatorsCertificateIsNoCatalogCredential() {
    // the client certificate alone authenticates nobody on the catalog's endpoints
    over(Certificates.COORDINATOR_CLIENT)
        .noFilters()
        .get(https.toString().replaceAll("/$", "") + "/v1/config")
        .then()
        .statusCode(401);
    // a bearer token decides who the caller is, with or without a certificate, on either port
    over(Certificates.COORDINATOR_CLIENT)
        .get(https.toString().replaceAll("/$", "") + "/v1/config")
        .then()
        .statusCode(200);
    given().get("/v1/config").then().statusCode(200);
  }
}
