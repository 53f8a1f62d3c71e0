package dev.sluice.it.trino;

import static dev.sluice.it.trino.TrinoStack.rows;
import static dev.sluice.it.trino.TrinoStack.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Trino's DDL and inserts on tables with data contracts (the stack's policy declares them in the
 * namespace {@code contracted}): a breaking change fails in Trino with the rule, where it is
 * written and the consumers it would break, and the table is left as it was; a compatible change
 * passes; a file whose metrics prove a violation is refused, or accepted and recorded when the
 * contract only warns.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TrinoContractsIT {
  private TrinoStack stack;

  @BeforeAll
  void startStack() throws Exception {
    stack = TrinoStack.shared();
    try (Connection trino = stack.connect()) {
      update(
          trino,
          "CREATE SCHEMA IF NOT EXISTS contracted WITH (location = '"
              + TrinoStack.WAREHOUSE_LOCATION
              + "contracted')");
    }
  }

  @Test
  void aBreakingSchemaChangeFailsWithTheRuleAndItsConsumersAndChangesNothing() throws Exception {
    try (Connection trino = stack.connect()) {
      update(
          trino,
          "CREATE TABLE contracted.orders (order_id bigint, amount decimal(10,2), note varchar)");
      update(trino, "INSERT INTO contracted.orders VALUES (1, 10.50, 'first')");
      String location = table("orders").get("metadata").get("location").asText();
      readsNoteInLineage(location);
      String before = metadataLocation("orders");

      assertThatThrownBy(() -> update(trino, "ALTER TABLE contracted.orders DROP COLUMN amount"))
          .isInstanceOf(SQLException.class)
          .hasStackTraceContaining("refused by its data contract")
          .hasStackTraceContaining("amount")
          .hasStackTraceContaining("sluice.yaml:")
          .hasStackTraceContaining("team:finance (declared)");
      assertThatThrownBy(
              () -> update(trino, "ALTER TABLE contracted.orders RENAME COLUMN note TO remark"))
          .isInstanceOf(SQLException.class)
          .hasStackTraceContaining("rename-field")
          .hasStackTraceContaining("spark/features.daily (read it per lineage)");
      assertThatThrownBy(() -> update(trino, "ALTER TABLE contracted.orders DROP COLUMN note"))
          .isInstanceOf(SQLException.class)
          .hasStackTraceContaining("drop-field")
          .hasStackTraceContaining("spark/features.daily (read it per lineage)");

      // nothing was written: the pointer and the schema are as before, the rows still read
      assertThat(metadataLocation("orders")).isEqualTo(before);
      assertThat(columns("orders")).containsExactly("order_id", "amount", "note");
      assertThat(rows(trino, "SELECT order_id, amount, note FROM contracted.orders"))
          .containsExactly("1|10.50|first");
      // each refusal is on record with the rule's position
      JsonNode refused =
          stack.sluiceGet("/api/v1/contracts/findings?dataset=contracted.orders&outcome=refused");
      List<String> rules = new ArrayList<>();
      refused.forEach(f -> rules.add(f.get("rule").asText()));
      assertThat(rules).contains("drop-field", "rename-field");
      assertThat(refused.get(0).get("ruleOrigin").asText()).startsWith("sluice.yaml:");

      // a compatible change passes
      update(trino, "ALTER TABLE contracted.orders ADD COLUMN channel varchar");
      update(trino, "INSERT INTO contracted.orders VALUES (2, 99.00, 'second', 'web')");
      assertThat(rows(trino, "SELECT order_id, channel FROM contracted.orders ORDER BY order_id"))
          .containsExactly("1|null", "2|web");
    }
  }

  @Test
  void filesWhoseMetricsProveAViolationAreRefusedAndNothingIsCommitted() throws Exception {
    try (Connection trino = stack.connect()) {
      update(trino, "CREATE TABLE contracted.payments (payment_id bigint, amount decimal(10,2))");
      update(trino, "INSERT INTO contracted.payments VALUES (1, 10)");
      long snapshot = currentSnapshot("payments");

      assertThatThrownBy(() -> update(trino, "INSERT INTO contracted.payments VALUES (NULL, 5)"))
          .isInstanceOf(SQLException.class)
          .hasStackTraceContaining("refused by its data contract")
          .hasStackTraceContaining("payment_id")
          .hasStackTraceContaining(".parquet");
      assertThatThrownBy(() -> update(trino, "INSERT INTO contracted.payments VALUES (7, 20000)"))
          .isInstanceOf(SQLException.class)
          .hasStackTraceContaining("valid-range")
          .hasStackTraceContaining("amount");

      assertThat(currentSnapshot("payments")).isEqualTo(snapshot);
      assertThat(rows(trino, "SELECT payment_id, amount FROM contracted.payments"))
          .containsExactly("1|10.00");
    }
  }

  @Test
  void aWarningContractAcceptsTheCommitAndRecordsTheViolation() throws Exception {
    try (Connection trino = stack.connect()) {
      update(trino, "CREATE TABLE contracted.events (event_id bigint, kind varchar)");
      update(trino, "INSERT INTO contracted.events VALUES (1, 'open'), (NULL, 'close')");

      assertThat(rows(trino, "SELECT count(*) FROM contracted.events")).containsExactly("2");
      JsonNode warned =
          stack.sluiceGet("/api/v1/contracts/findings?dataset=contracted.events&outcome=warned");
      assertThat(warned).isNotEmpty();
      assertThat(warned.get(0).get("rule").asText()).isEqualTo("nullable");
      assertThat(warned.get(0).get("field").asText()).isEqualTo("event_id");
      assertThat(warned.get(0).get("file").asText()).endsWith(".parquet");
    }
  }

  /** A job that read the orders table's {@code note} column into another dataset, just now. */
  private void readsNoteInLineage(String location) throws Exception {
    String bucket = "s3://" + TrinoStack.BUCKET;
    String name = location.substring(bucket.length() + 1);
    String now = java.time.Instant.now().toString();
    String event =
        """
        {"eventType": "COMPLETE", "eventTime": "%s",
         "producer": "https://example.com/spark", "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
         "run": {"runId": "%s"},
         "job": {"namespace": "spark", "name": "features.daily"},
         "inputs": [{"namespace": "%s", "name": "%s"}],
         "outputs": [{"namespace": "%s", "name": "warehouse/features/daily",
           "facets": {"columnLineage": {
             "_producer": "https://example.com/spark",
             "_schemaURL": "https://openlineage.io/spec/facets/1-1-0/ColumnLineageDatasetFacet.json",
             "fields": {"note_length": {"inputFields": [
               {"namespace": "%s", "name": "%s", "field": "note"}]}}}}}]}
        """
            .formatted(now, UUID.randomUUID(), bucket, name, bucket, bucket, name);
    TrinoStack.Answer answer = stack.sluiceSend("POST", "/api/v1/lineage", event);
    assertThat(answer.status()).as(answer.body().toString()).isBetween(200, 299);
  }

  private JsonNode table(String name) throws Exception {
    return stack.sluiceGet("/v1/namespaces/contracted/tables/" + name);
  }

  private String metadataLocation(String name) throws Exception {
    return table(name).get("metadata-location").asText();
  }

  private long currentSnapshot(String name) throws Exception {
    JsonNode id = table(name).get("metadata").get("current-snapshot-id");
    return id == null || id.isNull() ? -1 : id.asLong();
  }

  private List<String> columns(String name) throws Exception {
    JsonNode metadata = table(name).get("metadata");
    int schemaId = metadata.get("current-schema-id").asInt();
    List<String> names = new ArrayList<>();
    for (JsonNode schema : metadata.get("schemas")) {
      if (schema.get("schema-id").asInt() == schemaId) {
        schema.get("fields").forEach(f -> names.add(f.get("name").asText()));
      }
    }
    return names;
  }
}
