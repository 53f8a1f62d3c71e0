package dev.sluice.catalog.sidedoors;

import static dev.sluice.catalog.sidedoors.Caller.ADMIN;
import static dev.sluice.catalog.sidedoors.Caller.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.catalog.trino.TrinoDecisions;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Schema;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Tables no dataset declares fail closed: a column named like personal data is that classification
 * everywhere, for Trino's masks, the grants API, the untrusted-engine load check and consent.
 */
@QuarkusTest
@TestProfile(SideDoorsProfile.class)
class UndeclaredTablesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Namespace INTAKE = Namespace.of("intake");
  private static final Schema CALLS =
      new Schema(
          Types.NestedField.optional(1, "call_id", Types.LongType.get()),
          Types.NestedField.optional(2, "caller_email", Types.StringType.get()),
          Types.NestedField.optional(3, "region", Types.StringType.get()));
  private static final Schema STATS =
      new Schema(
          Types.NestedField.optional(1, "day", Types.DateType.get()),
          Types.NestedField.optional(2, "calls", Types.LongType.get()));

  @Inject TrinoDecisions trino;

  @BeforeEach
  void tables() {
    Caller.createNamespace("intake");
    for (Map.Entry<String, Schema> table :
        Map.of("support_calls", CALLS, "call_stats", STATS, "customers", CALLS).entrySet()) {
      if (ADMIN.request().head("/v1/namespaces/intake/tables/" + table.getKey()).statusCode()
          == 404) {
        ADMIN.createTable(INTAKE, table.getKey(), table.getValue(), null, Map.of());
      }
    }
  }

  private static JsonNode input(String user, List<String> groups, JsonNode action) {
    return JSON.createObjectNode()
        .<com.fasterxml.jackson.databind.node.ObjectNode>set(
            "context",
            JSON.createObjectNode()
                .set(
                    "identity",
                    JSON.createObjectNode()
                        .put("user", user)
                        .set("groups", JSON.valueToTree(groups))))
        .set("action", action);
  }

  private static JsonNode maskRequest(String table, String column) {
    return JSON.valueToTree(
        Map.of(
            "operation",
            "GetColumnMask",
            "filterResources",
            List.of(
                Map.of(
                    "column",
                    Map.of(
                        "catalogName", "lake",
                        "schemaName", "intake",
                        "tableName", table,
                        "columnName", column,
                        "columnType", "varchar")))));
  }

  private static JsonNode select(String table, String column) {
    return JSON.valueToTree(
        Map.of(
            "operation",
            "SelectFromColumns",
            "resource",
            Map.of(
                "table",
                Map.of(
                    "catalogName",
                    "lake",
                    "schemaName",
                    "intake",
                    "tableName",
                    table,
                    "columns",
                    List.of(column)))));
  }

  @Test
  void trinoMasksTheColumnForEveryReaderOutsideUnmaskedFor() {
    assertThat(
            trino.columnMasks(
                input("alice", List.of("analysts"), maskRequest("support_calls", "caller_email"))))
        .extracting(TrinoDecisions.IndexedMask::expression)
        .containsExactly("CAST('REDACTED' AS varchar)");
    assertThat(
            trino.columnMasks(
                input(
                    "priya",
                    List.of("privacy-office"),
                    maskRequest("support_calls", "caller_email"))))
        .isEmpty();
    assertThat(
            trino.columnMasks(
                input("alice", List.of("analysts"), maskRequest("support_calls", "region"))))
        .isEmpty();
    // a view's columns are not masked again by name: its base tables' masks already apply
    if (ADMIN.request().head("/v1/namespaces/intake/views/calls_view").statusCode() == 404) {
      ADMIN
          .request()
          .body(View.create("calls_view", null, Map.of()))
          .post("/v1/namespaces/intake/views")
          .then()
          .statusCode(200);
    }
    assertThat(
            trino.columnMasks(
                input("alice", List.of("analysts"), maskRequest("calls_view", "caller_email"))))
        .isEmpty();
  }

  @Test
  void aPurposeNeedingConsentIsRefusedOnUndeclaredPersonalData() {
    // the trainer would read only harmless columns, but the rows are people's who gave no consent
    String trinoTrainer = "service-account-trainer";
    assertThat(trino.allow(input(trinoTrainer, List.of(), select("support_calls", "region"))))
        .isFalse();
    assertThat(trino.allow(input(trinoTrainer, List.of(), select("call_stats", "calls")))).isTrue();
    Caller trainer = Caller.as("client:trainer");
    assertRefused(
        trainer.request().get("/v1/namespaces/intake/tables/support_calls"),
        403,
        "ForbiddenException",
        "purpose training requires consent",
        "holds personal data and declares no consent columns");
    trainer.request().get("/v1/namespaces/intake/tables/call_stats").then().statusCode(200);
    // a declared dataset with a consent rule is served through its consent filter instead
    assertRefused(
        trainer.request().get("/v1/namespaces/intake/tables/customers"),
        403,
        "ForbiddenException",
        "row filters");
  }

  @Test
  void theUntrustedEngineLoadCheckCountsNameRuleColumns() {
    assertRefused(
        Caller.as("user:alice", "analysts")
            .request()
            .get("/v1/namespaces/intake/tables/support_calls"),
        403,
        "ForbiddenException",
        "has masked columns [caller_email]",
        "only a mask-enforcing engine");
    Caller.as("user:priya", "privacy-office")
        .request()
        .get("/v1/namespaces/intake/tables/support_calls")
        .then()
        .statusCode(200);
  }

  @Test
  void theGrantsApiShowsNameRuleMasks() {
    JsonPath analysts =
        ADMIN
            .request()
            .get("/api/v1/principals/group:analysts/grants")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    assertThat(
            analysts.getList("tables.findAll { it.table == 'intake.support_calls' }.maskedColumns"))
        .containsExactly(List.of("caller_email (redact)"));
    assertThat(analysts.getList("tables.findAll { it.table == 'intake.call_stats' }.maskedColumns"))
        .containsExactly(List.of());
    ADMIN
        .request()
        .get("/api/v1/principals/group:privacy-office/grants")
        .then()
        .statusCode(200)
        .body(
            "tables.find { it.table == 'intake.support_calls' }.maskedColumns",
            not(hasItem("caller_email (redact)")));
  }
}
