package dev.sluice.catalog.security;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

import dev.sluice.catalog.TestAuthentication;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The example policy's zones on the catalog endpoints: what each principal lists, loads and may
 * change, where tables are put, and what the audit trail says about it.
 */
@QuarkusTest
@TestProfile(SecurityTestProfile.class)
class ZoneEnforcementTest {

  private static final String SCHEMA =
      "{\"type\":\"struct\",\"schema-id\":0,\"fields\":["
          + "{\"id\":1,\"name\":\"customer_id\",\"required\":false,\"type\":\"string\"},"
          + "{\"id\":2,\"name\":\"%s\",\"required\":false,\"type\":\"string\"}]}";

  /** A request as the principal, through an API token the admin API issued for it. */
  private static RequestSpecification as(String principal, String... groups) {
    String token = TestAuthentication.tokenFor(principal, List.of(groups), List.of());
    return given().header("Authorization", "Bearer " + token).contentType(ContentType.JSON);
  }

  private static RequestSpecification admin() {
    return given().contentType(ContentType.JSON);
  }

  private static String createTable(String name, String column) {
    return "{\"name\":\"" + name + "\",\"schema\":" + SCHEMA.formatted(column) + "}";
  }

  @BeforeEach
  void namespaces() {
    for (String ns : List.of("raw", "silver", "restricted", "scratch")) {
      int status =
          admin().body("{\"namespace\":[\"" + ns + "\"]}").post("/v1/namespaces").statusCode();
      if (status != 200 && status != 409) {
        throw new AssertionError("cannot create namespace " + ns + ": " + status);
      }
    }
    if (admin().head("/v1/namespaces/raw/tables/customers").statusCode() == 404) {
      admin().body(createTable("customers", "name")).post("/v1/namespaces/raw/tables");
    }
    if (admin().head("/v1/namespaces/silver/tables/orders").statusCode() == 404) {
      admin().body(createTable("orders", "order_id")).post("/v1/namespaces/silver/tables");
    }
  }

  @Test
  void listingsShowOnlyWhatThePrincipalMaySee() {
    as("client:spark")
        .get("/v1/namespaces")
        .then()
        .statusCode(200)
        .body("namespaces", equalTo(List.of(List.of("silver"))));
    as("user:sam", "support")
        .get("/v1/namespaces")
        .then()
        .statusCode(200)
        .body("namespaces", equalTo(List.of(List.of("raw"), List.of("restricted"))));
    as("user:nobody")
        .get("/v1/namespaces")
        .then()
        .statusCode(200)
        .body("namespaces", equalTo(List.of()));
    admin().get("/v1/namespaces").then().body("namespaces", hasItem(List.of("scratch")));

    as("client:spark")
        .get("/v1/namespaces/silver/tables")
        .then()
        .statusCode(200)
        .body("identifiers.name", hasItem("orders"));
    as("client:spark")
        .get("/v1/namespaces/raw/tables")
        .then()
        .statusCode(403)
        .body("error.type", equalTo("ForbiddenException"));
  }

  @Test
  void aTableYouMayNotSeeIs403WhetherOrNotItExists() {
    for (String table : List.of("customers", "no_such_table")) {
      as("client:spark")
          .get("/v1/namespaces/raw/tables/" + table)
          .then()
          .statusCode(403)
          .body("error.message", containsString("client:spark may not table.load raw." + table));
    }
    as("client:spark").get("/v1/namespaces/silver/tables/no_such_table").then().statusCode(404);
    as("client:spark").get("/v1/namespaces/silver/tables/orders").then().statusCode(200);
  }

  @Test
  void maskedTablesAreRefusedToEnginesThatDoNotApplyMasks() {
    as("user:alice", "analysts")
        .get("/v1/namespaces/raw/tables/customers")
        .then()
        .statusCode(403)
        .body("error.message", containsString("masked columns [name]"))
        .body("error.message", containsString("client:trino"));
    as("client:trino").get("/v1/namespaces/raw/tables/customers").then().statusCode(200);
    as("user:priya", "privacy-office")
        .get("/v1/namespaces/raw/tables/customers")
        .then()
        .statusCode(200);
  }

  @Test
  void writersCreateTablesUnderTheirZoneRootOnly() {
    String location =
        as("client:ingest")
            .body(createTable("signups", "source_system"))
            .post("/v1/namespaces/raw/tables")
            .then()
            .statusCode(200)
            .extract()
            .path("metadata.location");
    org.assertj.core.api.Assertions.assertThat(location)
        .isEqualTo("file:" + SecurityTestProfile.LAKE.resolve("raw/raw/signups"));

    as("client:ingest")
        .body(
            "{\"name\":\"elsewhere\",\"location\":\"file:/tmp/elsewhere\",\"schema\":"
                + SCHEMA.formatted("x")
                + "}")
        .post("/v1/namespaces/raw/tables")
        .then()
        .statusCode(400)
        .body("error.message", containsString("outside the storage root"))
        .body("error.message", containsString("of zone 'raw'"));
    // reading is not writing, and other zones are not its business
    as("user:alice", "analysts")
        .body(createTable("mine", "x"))
        .post("/v1/namespaces/raw/tables")
        .then()
        .statusCode(403);
    as("client:ingest")
        .body(createTable("mine", "x"))
        .post("/v1/namespaces/silver/tables")
        .then()
        .statusCode(403);
    // namespaces themselves belong to zone administrators; scratch belongs to no zone
    as("client:ingest")
        .body("{\"namespace\":[\"raw\",\"sub\"]}")
        .post("/v1/namespaces")
        .then()
        .statusCode(403);
    as("user:dana", "data-platform")
        .body("{\"namespace\":[\"scratch\",\"sub\"]}")
        .post("/v1/namespaces")
        .then()
        .statusCode(403)
        .body("error.message", containsString("no zone holds namespace scratch"));
  }

  @Test
  void aZoneRefusesColumnsItsRulesForbid() {
    as("client:transform")
        .body(createTable("couriers", "courier_phone"))
        .post("/v1/namespaces/silver/tables")
        .then()
        .statusCode(403)
        .body("error.message", containsString("classified pii.direct by name rule '*_phone'"))
        .body("error.message", containsString("zone 'silver' forbids"));
    as("client:transform")
        .body(
            "{\"name\":\"notes\",\"schema\":"
                + SCHEMA.formatted("note")
                + ",\"properties\":{\"sluice.classification.note\":\"pii.direct\"}}")
        .post("/v1/namespaces/silver/tables")
        .then()
        .statusCode(403)
        .body("error.message", containsString("column note is tagged pii.direct"));
    admin().head("/v1/namespaces/silver/tables/couriers").then().statusCode(404);

    // a commit adding such a column to an existing table is refused the same way
    String addPhone =
        "{\"requirements\":[],\"updates\":[{\"action\":\"add-schema\",\"schema\":"
            + "{\"type\":\"struct\",\"schema-id\":1,\"fields\":["
            + "{\"id\":1,\"name\":\"customer_id\",\"required\":false,\"type\":\"string\"},"
            + "{\"id\":2,\"name\":\"order_id\",\"required\":false,\"type\":\"string\"},"
            + "{\"id\":3,\"name\":\"email\",\"required\":false,\"type\":\"string\"}]}},"
            + "{\"action\":\"set-current-schema\",\"schema-id\":-1}]}";
    admin()
        .body(addPhone)
        .post("/v1/namespaces/silver/tables/orders")
        .then()
        .statusCode(403)
        .body("error.message", containsString("column email is classified pii.direct"));
    admin()
        .get("/v1/namespaces/silver/tables/orders")
        .then()
        .statusCode(200)
        .body("metadata.schemas.size()", equalTo(1));
  }

  @Test
  void renamesNeedWriteInBothZonesAndMoveNoFiles() {
    as("client:ingest").body(createTable("moving", "x")).post("/v1/namespaces/raw/tables");
    as("client:ingest")
        .body(
            "{\"source\":{\"namespace\":[\"raw\"],\"name\":\"moving\"},"
                + "\"destination\":{\"namespace\":[\"silver\"],\"name\":\"moving\"}}")
        .post("/v1/tables/rename")
        .then()
        .statusCode(403);
    admin()
        .body(
            "{\"source\":{\"namespace\":[\"raw\"],\"name\":\"moving\"},"
                + "\"destination\":{\"namespace\":[\"silver\"],\"name\":\"moving\"}}")
        .post("/v1/tables/rename")
        .then()
        .statusCode(400)
        .body("error.message", containsString("outside the storage root"))
        .body("error.message", containsString("of zone 'silver'"));
    as("client:ingest")
        .body(
            "{\"source\":{\"namespace\":[\"raw\"],\"name\":\"moving\"},"
                + "\"destination\":{\"namespace\":[\"raw\"],\"name\":\"moved\"}}")
        .post("/v1/tables/rename")
        .then()
        .statusCode(204);
  }

  @Test
  void everyDecisionIsAuditedAndTheTrailCannotBeChanged() {
    as("client:spark").get("/v1/namespaces/raw/tables/customers").then().statusCode(403);

    admin()
        .queryParam("principal", "client:spark")
        .queryParam("resource", "raw.customers")
        .queryParam("decision", "deny")
        .get("/api/v1/audit")
        .then()
        .statusCode(200)
        .body("events.action", hasItem("table.load"))
        .body("events.rule", hasItem(containsString("no zone or grant gives client:spark read")))
        .body("events.clientAddress", everyItem(equalTo("127.0.0.1")));
    admin()
        .queryParam("resource", "raw.*")
        .queryParam("action", "table.create")
        .queryParam("decision", "allow")
        .get("/api/v1/audit")
        .then()
        .statusCode(200)
        .body("events.resource", everyItem(startsWith("raw.")));
    // paging walks back through older rows without repeating any
    String next =
        admin()
            .queryParam("pageSize", 2)
            .get("/api/v1/audit")
            .then()
            .statusCode(200)
            .extract()
            .path("nextPageToken");
    admin()
        .queryParam("pageSize", 2)
        .queryParam("pageToken", next)
        .get("/api/v1/audit")
        .then()
        .statusCode(200)
        .body(
            "events.id",
            everyItem(org.hamcrest.Matchers.lessThanOrEqualTo(Integer.parseInt(next))));
    admin().delete("/api/v1/audit").then().statusCode(405);
    admin().body("{}").put("/api/v1/audit").then().statusCode(405);
    as("client:spark").get("/api/v1/audit").then().statusCode(403);
    admin().queryParam("decision", "maybe").get("/api/v1/audit").then().statusCode(400);
  }

  @Test
  void adminsSeeEffectiveGrantsAndZones() {
    admin()
        .get("/api/v1/principals/group:analysts/grants")
        .then()
        .statusCode(200)
        .body("tables.find { it.table == 'raw.customers' }.actions", equalTo(List.of("read")))
        .body("tables.find { it.table == 'raw.customers' }.maskedColumns", hasItem("phone (last4)"))
        .body("tables.table", not(hasItem("restricted.customer_profile")));
    admin()
        .get("/api/v1/zones")
        .then()
        .statusCode(200)
        .body("find { it.name == 'silver' }.tables", hasItem("silver.orders"))
        .body("find { it.name == 'raw' }.write", equalTo(List.of("client:ingest")));
    admin()
        .get("/api/v1/principals")
        .then()
        .statusCode(200)
        .body("$", hasItem("group:privacy-office"));
    admin().get("/api/v1/principals/nonsense/grants").then().statusCode(400);
  }
}
