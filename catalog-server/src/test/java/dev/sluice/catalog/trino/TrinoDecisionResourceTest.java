package dev.sluice.catalog.trino;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.catalog.security.SecurityTestProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The decision API with requests shaped as Trino 476's opa plugin sends them, against the example
 * policy (catalog {@code lake}).
 */
@QuarkusTest
@TestProfile(SecurityTestProfile.class)
class TrinoDecisionResourceTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SUPPORT_FILTER = "region = 'eu'";

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

  private static ValidatableResponse post(String path, ObjectNode body) {
    return given()
        .contentType(ContentType.JSON)
        .body(body.toString())
        .post("/api/v1/trino/" + path)
        .then()
        .statusCode(200);
  }

  private static ValidatableResponse select(String user, List<String> groups, ObjectNode table) {
    ObjectNode body = request(user, groups, "SelectFromColumns");
    action(body).putObject("resource").set("table", table);
    return post("allow", body);
  }

  private static ValidatableResponse masks(String user, List<String> groups, String... columns) {
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

  private static ValidatableResponse rowFilters(String user, List<String> groups) {
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
    // a Keycloak service account is the client of that name
    select("service-account-training-pipeline", List.of(), table("raw", "customers", "name"))
        .body("result", equalTo(true));
    select("service-account-spark", List.of(), table("raw", "customers", "name"))
        .body("result", equalTo(false));
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
    given()
        .contentType(ContentType.JSON)
        .body("{\"nothing\":1}")
        .post("/api/v1/trino/allow")
        .then()
        .statusCode(400);
    given()
        .contentType(ContentType.JSON)
        .body("{\"input\":{\"action\":{\"operation\":\"ExecuteQuery\"}}}")
        .post("/api/v1/trino/allow")
        .then()
        .statusCode(200)
        .body("result", equalTo(false));
  }
}
