package dev.sluice.it.trino;

import static dev.sluice.it.trino.TrinoStack.rows;
import static dev.sluice.it.trino.TrinoStack.update;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.it.Progress;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Sluice's jobs with the Trino executor: the stack's Sluice sends every rewrite of a job to its
 * Trino ({@code sluice.jobs.trino.in-process-max-bytes=0}). Trino deletes and optimizes the main
 * branch; a tag's snapshot, which Trino cannot write, is rewritten in process; the result is the
 * same as in process: the rows are gone from every snapshot and no delete file hides them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TrinoJobsIT {
  private TrinoStack stack;

  @BeforeAll
  void startStack() throws Exception {
    stack = TrinoStack.shared();
    try (Connection trino = stack.connect()) {
      update(trino, "CREATE SCHEMA IF NOT EXISTS " + TrinoStack.JOBS_NAMESPACE);
    }
  }

  @Test
  void erasureDeletesThroughTrinoAndRepointsTheTag() throws Exception {
    try (Connection trino = stack.connect()) {
      update(
          trino,
          "CREATE TABLE gdpr.customers (customer_id varchar, record_id varchar, region varchar,"
              + " consent_status varchar) WITH (partitioning = ARRAY['region'], format_version = 2)");
      update(
          trino,
          "INSERT INTO gdpr.customers VALUES ('c-2', 'r1', 'eu', 'granted'), ('c-3', 'r2', 'us', 'granted')");
      long beforeCustomer = head(trino, "customers");
      update(
          trino,
          "INSERT INTO gdpr.customers VALUES ('c-1', 'r3', 'eu', 'granted'), ('c-2', 'r4', 'eu', 'granted'),"
              + " ('c-1', 'r5', 'us', 'granted')");
      long tagged = head(trino, "customers");
      tag("customers", "training-2026-q3", tagged);
      update(
          trino,
          "INSERT INTO gdpr.customers VALUES ('c-3', 'r6', 'us', 'granted'), ('c-1', 'r7', 'eu', 'granted'),"
              + " ('c-3', 'r8', 'eu', 'granted')");
      // merge-on-read deletes: r8 of another customer, and r7 of c-1, which readers no longer see
      // but its file still holds
      update(trino, "DELETE FROM gdpr.customers WHERE record_id IN ('r7', 'r8')");
      assertThat(rows(trino, "SELECT count(*) > 0 FROM gdpr.\"customers$files\" WHERE content = 1"))
          .containsExactly("true");

      TrinoStack.Answer accepted =
          stack.sluiceSend(
              "POST",
              "/api/v1/erasures",
              "{\"subject\":\"c-1\",\"reason\":\"right to erasure\","
                  + "\"requestId\":\"trino-erasure-1\"}");
      assertThat(accepted.status()).as("%s", accepted.body()).isEqualTo(202);
      JsonNode erasure = awaitErasure(accepted.body().path("id").asText());
      assertThat(erasure.path("state").asText()).as("%s", erasure).isEqualTo("VERIFIED");

      JsonNode table = erasure.path("receipt").path("tables").get(0);
      assertThat(table.path("table").asText()).isEqualTo("gdpr.customers");
      // visible rows: r3 and r5 at the head, r3 and r5 at the tag; r7 was hidden already
      assertThat(table.path("rowsDeleted").asLong()).isEqualTo(4);
      assertThat(table.path("bytesRewritten").asLong()).isPositive();
      List<String> refs = new ArrayList<>();
      table
          .path("refsRepointed")
          .forEach(ref -> refs.add(ref.path("ref").asText() + ":" + ref.path("executor").asText()));
      assertThat(refs).containsExactlyInAnyOrder("main:trino", "training-2026-q3:in-process");
      assertThat(table.path("verification").path("matches").asLong()).isZero();

      // Trino made the head: its query id is in the snapshot's summary
      assertThat(
              rows(
                  trino,
                  "SELECT element_at(s.summary, 'trino_query_id') IS NOT NULL"
                      + " FROM gdpr.\"customers$snapshots\" s JOIN gdpr.\"customers$refs\" r"
                      + " ON s.snapshot_id = r.snapshot_id WHERE r.name = 'main'"))
          .containsExactly("true");
      assertThat(rows(trino, "SELECT count(*) FROM gdpr.\"customers$files\" WHERE content = 1"))
          .as("no delete file left hiding a row")
          .containsExactly("0");

      assertThat(rows(trino, "SELECT record_id FROM gdpr.customers ORDER BY 1"))
          .containsExactly("r1", "r2", "r4", "r6");
      assertThat(
              rows(
                  trino,
                  "SELECT record_id FROM gdpr.customers FOR VERSION AS OF 'training-2026-q3'"
                      + " ORDER BY 1"))
          .containsExactly("r1", "r2", "r4");
      List<String> snapshots = rows(trino, "SELECT snapshot_id FROM gdpr.\"customers$snapshots\"");
      assertThat(snapshots).contains(String.valueOf(beforeCustomer));
      for (String snapshot : snapshots) {
        assertThat(
                rows(
                    trino,
                    "SELECT count(*) FROM gdpr.customers FOR VERSION AS OF "
                        + snapshot
                        + " WHERE customer_id = 'c-1'"))
            .as("snapshot %s", snapshot)
            .containsExactly("0");
      }
      assertThat(
              rows(
                  trino,
                  "SELECT record_id FROM gdpr.customers FOR VERSION AS OF "
                      + beforeCustomer
                      + " ORDER BY 1"))
          .containsExactly("r1", "r2");
    }
  }

  @Test
  void retentionSweepRemovesExpiredRowsThroughTrino() throws Exception {
    try (Connection trino = stack.connect()) {
      update(
          trino,
          "CREATE TABLE gdpr.pings (ping_id bigint, retention_until timestamp(6) with time zone)"
              + " WITH (format_version = 2)");
      update(
          trino,
          "INSERT INTO gdpr.pings VALUES (1, TIMESTAMP '2020-01-01 00:00:00 UTC'),"
              + " (2, TIMESTAMP '2999-01-01 00:00:00 UTC'), (3, NULL)");
      update(
          trino,
          "INSERT INTO gdpr.pings VALUES (4, TIMESTAMP '2021-06-01 00:00:00 UTC'),"
              + " (5, TIMESTAMP '2999-06-01 00:00:00 UTC'),"
              + " (6, TIMESTAMP '2022-01-01 00:00:00 UTC')");

      TrinoStack.Answer accepted =
          stack.sluiceSend(
              "POST", "/api/v1/jobs", "{\"kind\":\"retention.sweep\",\"table\":\"gdpr.pings\"}");
      assertThat(accepted.status()).as("%s", accepted.body()).isEqualTo(202);
      JsonNode job = awaitJob(accepted.body().path("id").asText());
      assertThat(job.path("state").asText()).as("%s", job).isEqualTo("SUCCEEDED");
      JsonNode result = job.path("result").path("results").get(0);
      assertThat(result.path("executor").asText()).as("%s", job).isEqualTo("trino");
      assertThat(result.path("rowsRemoved").asLong()).isEqualTo(3);

      assertThat(rows(trino, "SELECT ping_id FROM gdpr.pings ORDER BY 1"))
          .containsExactly("2", "3", "5");
      assertThat(rows(trino, "SELECT count(*) FROM gdpr.\"pings$files\" WHERE content = 1"))
          .as("the rows are rewritten away, not hidden by a delete file")
          .containsExactly("0");
      assertThat(rows(trino, "SELECT sum(record_count) FROM gdpr.\"pings$files\""))
          .containsExactly("3");
    }
  }

  private static long head(Connection trino, String table) throws Exception {
    return Long.parseLong(
        rows(
                trino,
                "SELECT snapshot_id FROM gdpr.\""
                    + table
                    + "$snapshots\" ORDER BY committed_at DESC LIMIT 1")
            .get(0));
  }

  /** Trino 476 cannot create a tag: an Iceberg REST commit does, as the admin. */
  private void tag(String table, String name, long snapshot) throws Exception {
    JsonNode config = stack.sluiceSend("GET", "/v1/config?warehouse=sluice", null).body();
    String prefix = config.path("overrides").path("prefix").asText("");
    String path =
        "/v1/"
            + (prefix.isEmpty() ? "" : prefix + "/")
            + "namespaces/"
            + TrinoStack.JOBS_NAMESPACE
            + "/tables/"
            + table;
    TrinoStack.Answer committed =
        stack.sluiceSend(
            "POST",
            path,
            "{\"requirements\":[],\"updates\":[{\"action\":\"set-snapshot-ref\",\"ref-name\":\""
                + name
                + "\",\"type\":\"tag\",\"snapshot-id\":"
                + snapshot
                + "}]}");
    assertThat(committed.status()).as("%s", committed.body()).isEqualTo(200);
  }

  private JsonNode awaitErasure(String id) throws Exception {
    return await("/api/v1/erasures/" + id, List.of("VERIFIED", "FAILED"));
  }

  private JsonNode awaitJob(String id) throws Exception {
    return await("/api/v1/jobs/" + id, List.of("SUCCEEDED", "FAILED"));
  }

  private JsonNode await(String path, List<String> ends) throws Exception {
    long deadline = System.nanoTime() + 240_000_000_000L;
    while (true) {
      TrinoStack.Answer answer = stack.sluiceSend("GET", path, null);
      assertThat(answer.status()).as("%s", answer.body()).isEqualTo(200);
      String state = answer.body().path("state").asText();
      if (ends.contains(state)) {
        return answer.body();
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(path + " still " + state + ": " + answer.body());
      }
      Progress.say("%s: %s", path, state);
      Thread.sleep(1000);
    }
  }
}
