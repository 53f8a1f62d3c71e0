package dev.sluice.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The questions the decision API benchmark sends, shaped as Trino 476's {@code opa} plugin shapes
 * them: user {@value #USER} of group {@value #GROUP} about table {@code lake.raw.customers} of the
 * example policy.
 */
final class DecisionRequests {
  static final String USER = "alice";
  static final String GROUP = "analysts";
  static final String CATALOG = "lake";

  /**
   * The columns the example policy declares for raw.customers, with the types Trino would send;
   * name is redacted and phone shows its last four digits for analysts.
   */
  static final Map<String, String> DECLARED_COLUMNS = declaredColumns();

  /** Types of the synthetic columns that fill a batch up to its size, in turn. */
  private static final List<String> EXTRA_TYPES =
      List.of("varchar", "bigint", "double", "date", "boolean");

  /** Schemas of the FilterTables batch, in turn: alice reads raw and silver, not restricted. */
  private static final List<String> SCHEMAS = List.of("raw", "silver", "restricted");

  /** One benchmark case: its name, the decision API path and the request body. */
  record Request(String name, String endpoint, String body, String what) {}

  private DecisionRequests() {}

  static List<Request> all(int batchSize) {
    return List.of(
        new Request(
            "SelectFromColumns",
            "allow",
            selectFromColumns(),
            "single decision: may alice select customer_id, name, phone of raw.customers"),
        new Request(
            "GetColumnMask x" + batchSize,
            "column-masks",
            columnMasks(batchSize),
            "column masks of "
                + batchSize
                + " columns of raw.customers ("
                + Math.min(batchSize, DECLARED_COLUMNS.size())
                + " declared, the rest synthetic)"),
        new Request(
            "FilterTables x" + batchSize,
            "batch",
            filterTables(batchSize),
            "which of " + batchSize + " tables in raw, silver and restricted alice may see"));
  }

  static String selectFromColumns() {
    ObjectNode body = request("SelectFromColumns");
    ObjectNode table = action(body).putObject("resource").putObject("table");
    table.put("catalogName", CATALOG).put("schemaName", "raw").put("tableName", "customers");
    table.putArray("columns").add("customer_id").add("name").add("phone");
    return body.toString();
  }

  static String columnMasks(int columns) {
    ObjectNode body = request("GetColumnMask");
    ArrayNode resources = action(body).putArray("filterResources");
    for (Map.Entry<String, String> column : columns(columns).entrySet()) {
      resources
          .addObject()
          .putObject("column")
          .put("catalogName", CATALOG)
          .put("schemaName", "raw")
          .put("tableName", "customers")
          .put("columnName", column.getKey())
          .put("columnType", column.getValue());
    }
    return body.toString();
  }

  static String filterTables(int tables) {
    ObjectNode body = request("FilterTables");
    ArrayNode resources = action(body).putArray("filterResources");
    List<String[]> names = new ArrayList<>();
    names.add(new String[] {"raw", "customers"});
    names.add(new String[] {"raw", "delivery_addresses"});
    names.add(new String[] {"restricted", "customer_profile"});
    for (int i = names.size(); i < tables; i++) {
      names.add(new String[] {SCHEMAS.get(i % SCHEMAS.size()), String.format("table_%02d", i)});
    }
    for (String[] name : names.subList(0, tables)) {
      resources
          .addObject()
          .putObject("table")
          .put("catalogName", CATALOG)
          .put("schemaName", name[0])
          .put("tableName", name[1]);
    }
    return body.toString();
  }

  /** The declared columns, then synthetic ones up to {@code count}. */
  static Map<String, String> columns(int count) {
    Map<String, String> columns = new LinkedHashMap<>();
    for (Map.Entry<String, String> column : DECLARED_COLUMNS.entrySet()) {
      if (columns.size() < count) {
        columns.put(column.getKey(), column.getValue());
      }
    }
    for (int i = columns.size(); i < count; i++) {
      columns.put(String.format("attribute_%02d", i), EXTRA_TYPES.get(i % EXTRA_TYPES.size()));
    }
    return columns;
  }

  private static Map<String, String> declaredColumns() {
    Map<String, String> columns = new LinkedHashMap<>();
    columns.put("customer_id", "varchar");
    columns.put("name", "varchar");
    columns.put("phone", "varchar");
    columns.put("record_id", "varchar");
    columns.put("source_system", "varchar");
    columns.put("ingested_at", "timestamp(6) with time zone");
    columns.put("data_category", "varchar");
    columns.put("pii_class", "varchar");
    columns.put("consent_status", "varchar");
    columns.put("consent_version", "integer");
    columns.put("allowed_purposes", "array(varchar)");
    columns.put("region", "varchar");
    columns.put("retention_until", "date");
    columns.put("delete_request_id", "varchar");
    columns.put("owner_team", "varchar");
    return Collections.unmodifiableMap(columns);
  }

  private static ObjectNode request(String operation) {
    ObjectNode body = RestCatalogClient.JSON.createObjectNode();
    ObjectNode input = body.putObject("input");
    ObjectNode identity = input.putObject("context").putObject("identity");
    identity.put("user", USER).putArray("groups").add(GROUP);
    input.putObject("action").put("operation", operation);
    return body;
  }

  private static ObjectNode action(ObjectNode body) {
    return (ObjectNode) body.path("input").path("action");
  }
}
