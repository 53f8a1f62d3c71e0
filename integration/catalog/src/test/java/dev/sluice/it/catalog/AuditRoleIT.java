package dev.sluice.it.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.it.PostgresServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.rest.RESTCatalog;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The server runs as an app role that its migrations (run as the owner) allow ordinary work on
 * every table but only SELECT and INSERT on the audit trail: a client holding the server's own
 * database credentials cannot rewrite history, by privilege, before the trigger is even asked.
 */
class AuditRoleIT {
  private static SluiceOnPostgres server;
  private static PostgresServer postgres;

  @BeforeAll
  static void start() throws Exception {
    // failed authentications are written only when their window closes, and the rows of reads
    // when their flush interval ends: here, both at the stop
    server =
        SluiceOnPostgres.start(
            "audit-role",
            Map.of(
                "sluice.auth.failed-auth-audit-window", "1H", "sluice.audit.flush-interval", "1H"));
    postgres = server.postgres();
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  private static PostgresServer.SqlResult asApp(String statement) throws Exception {
    return postgres.sqlAs(PostgresServer.APP_ROLE, SluiceOnPostgres.DATABASE, statement);
  }

  private static PostgresServer.SqlResult asOwner(String statement) throws Exception {
    return postgres.sqlAs(PostgresServer.OWNER_ROLE, SluiceOnPostgres.DATABASE, statement);
  }

  /**
   * Every create, register and rename asks whether its location overlaps another table's with a
   * prefix match; in a collation other than "C" (this cluster's is the machine's) a plain B-tree
   * cannot serve it, and the check would read the whole catalog.
   */
  @Test
  void theLocationOverlapCheckIsAnIndexLookup() throws Exception {
    PostgresServer.SqlResult plan =
        asOwner(
            "SET enable_seqscan = off; EXPLAIN SELECT namespace_name, name FROM catalog_entity"
                + " WHERE location IN ('s3://b/ns/t', 's3://b/ns', 's3://b')"
                + " OR location LIKE 's3://b/ns/t/%' ESCAPE '\\'");
    assertThat(plan.exitCode()).as(plan.output()).isZero();
    assertThat(plan.output())
        .contains("Index Cond: (((location)::text ~>=~ 's3://b/ns/t/'::text)")
        .doesNotContain("Seq Scan");
  }

  @Test
  void theServerWorksAsTheAppRoleAndCannotChangeTheAuditTrail() throws Exception {
    try (RESTCatalog catalog = server.client()) {
      catalog.createNamespace(Namespace.of("audited"));
      catalog.createTable(TableIdentifier.of("audited", "events"), ConcurrentCommitsIT.SCHEMA);
      assertThat(catalog.listTables(Namespace.of("audited")))
          .containsExactly(TableIdentifier.of("audited", "events"));
    }
    assertThat(asOwner("SELECT DISTINCT installed_by FROM flyway_schema_history").output())
        .as("migrations ran as the owner")
        .isEqualTo(PostgresServer.OWNER_ROLE);
    PostgresServer.SqlResult rows =
        asApp(
            "SELECT count(*) FROM audit_event WHERE action = 'table.create' AND allowed"
                + " AND resource = 'audited.events' AND credential LIKE 'api-token:%'");
    assertThat(rows.exitCode()).as(rows.output()).isZero();
    assertThat(rows.output()).isEqualTo("1");
    long before = Long.parseLong(asApp("SELECT count(*) FROM audit_event").output());

    for (String statement :
        List.of(
            "UPDATE audit_event SET allowed = NOT allowed",
            "DELETE FROM audit_event",
            "TRUNCATE audit_event",
            "ALTER TABLE audit_event DISABLE TRIGGER USER",
            "DROP TABLE audit_event")) {
      PostgresServer.SqlResult refused = asApp(statement);
      assertThat(refused.exitCode()).as(statement).isNotZero();
      assertThat(refused.output())
          .as(statement)
          .containsAnyOf("permission denied for table audit_event", "must be owner of table");
    }
    assertThat(Long.parseLong(asApp("SELECT count(*) FROM audit_event").output()))
        .isEqualTo(before);
    assertThat(
            asApp("SELECT count(*) FROM audit_event WHERE NOT allowed AND action = 'table.create'")
                .output())
        .as("no allowed row was turned into a denial")
        .isEqualTo("0");
  }

  @Test
  void failedAuthenticationsAreWrittenByTheAppRoleAtACleanStop() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> refused =
          http.send(
              HttpRequest.newBuilder(URI.create(server.baseUri() + "/v1/namespaces"))
                  .header("Authorization", "Bearer sluice_stale_token_000000000000000000000000")
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(refused.statusCode()).isEqualTo(401);
    }
    String query =
        "SELECT attempts || ' ' || credential || ' ' || resource FROM audit_event"
            + " WHERE action = 'auth.failed' AND rule = 'api-token-unknown'";
    assertThat(asApp(query).output()).as("nothing written while the window is open").isEmpty();

    server.restart();

    assertThat(asApp(query).output()).isEqualTo("3 api-token /v1/namespaces");
  }

  @Test
  void queuedRowsOfReadsAreWrittenByTheAppRoleAtACleanStop() throws Exception {
    try (RESTCatalog catalog = server.client()) {
      catalog.createNamespace(Namespace.of("read_often"));
      catalog.createTable(TableIdentifier.of("read_often", "events"), ConcurrentCommitsIT.SCHEMA);
    }
    int reads = 0;
    // 18 rows, more than a batch the server inserts row by row: they are streamed with COPY
    for (int i = 0; i < 6; i++) {
      assertThat(server.send("GET", "/v1/namespaces/read_often/tables/events").statusCode())
          .isEqualTo(200);
      assertThat(server.send("HEAD", "/v1/namespaces/read_often/tables/events").statusCode())
          .isEqualTo(204);
      assertThat(server.send("GET", "/v1/namespaces/read_often/tables").statusCode())
          .isEqualTo(200);
      reads += 3;
    }
    String requests =
        "SELECT count(DISTINCT request_id) FROM audit_event WHERE resource LIKE 'read_often%'"
            + " AND action IN ('table.load', 'table.exists', 'table.list') AND allowed";
    assertThat(asApp(requests).output()).as("queued, not yet written").isEqualTo("0");

    server.restart();

    assertThat(asApp(requests).output()).as("one request, its rows").isEqualTo("" + reads);
    String order =
        "SELECT string_agg(action, ',' ORDER BY first_id) FROM (SELECT request_id,"
            + " min(id) AS first_id, min(action) AS action FROM audit_event"
            + " WHERE resource LIKE 'read_often%' AND action IN ('table.load', 'table.exists',"
            + " 'table.list') GROUP BY request_id) AS requests";
    assertThat(asApp(order).output())
        .as("in the order the requests were answered")
        .isEqualTo(String.join(",", Collections.nCopies(6, "table.load,table.exists,table.list")));
  }

  @Test
  void theOwnerIsStillStoppedByTheTrigger() throws Exception {
    PostgresServer.SqlResult refused = asOwner("DELETE FROM audit_event");
    assertThat(refused.exitCode()).isNotZero();
    assertThat(refused.output()).contains("audit_event is append-only");
  }

  @Test
  void tablesOfLaterMigrationsAreTheAppRolesToUse() throws Exception {
    assertThat(asApp("DELETE FROM api_token WHERE token_id = 'none'").exitCode())
        .as("ordinary DML on the other tables")
        .isZero();
    // a table the owner creates later, as a later migration would
    assertThat(asOwner("CREATE TABLE later_migration_table (id INTEGER)").exitCode()).isZero();
    try {
      PostgresServer.SqlResult insert = asApp("INSERT INTO later_migration_table VALUES (1)");
      assertThat(insert.exitCode()).as(insert.output()).isZero();
      assertThat(asApp("SELECT count(*) FROM later_migration_table").output()).isEqualTo("1");
    } finally {
      asOwner("DROP TABLE later_migration_table");
    }
  }
}
