package dev.sluice.it.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.it.Progress;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.rest.RESTCatalog;
import org.apache.iceberg.view.View;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Catalog state lives in PostgreSQL: a restarted server serves the same tables and views. */
class RestartIT {
  private static SluiceOnPostgres server;

  @BeforeAll
  static void start() throws Exception {
    server = SluiceOnPostgres.start("restart");
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  private static String location(Table table) {
    return ((HasTableOperations) table).operations().current().metadataFileLocation();
  }

  @Test
  void tablesAndViewsSurviveARestart() throws Exception {
    Namespace namespace = Namespace.of("durable", "nested");
    TableIdentifier identifier = TableIdentifier.of(namespace, "events");
    TableIdentifier viewIdentifier = TableIdentifier.of(namespace, "recent_events");
    String metadataLocation;
    long firstPid = server.pid();
    try (RESTCatalog catalog = server.client()) {
      catalog.createNamespace(Namespace.of("durable"));
      catalog.createNamespace(
          namespace, new java.util.HashMap<>(java.util.Map.of("owner", "platform")));
      Table table = catalog.createTable(identifier, ConcurrentCommitsIT.SCHEMA);
      for (int i = 0; i < 3; i++) {
        table.newFastAppend().appendFile(ConcurrentCommitsIT.dataFile(table, "f" + i)).commit();
      }
      catalog
          .buildView(viewIdentifier)
          .withSchema(ConcurrentCommitsIT.SCHEMA)
          .withDefaultNamespace(namespace)
          .withQuery("spark", "select * from events")
          .create();
      metadataLocation = location(catalog.loadTable(identifier));
    }

    server.restart();
    assertThat(server.pid()).isNotEqualTo(firstPid);

    try (RESTCatalog catalog = server.client()) {
      assertThat(catalog.listNamespaces(Namespace.of("durable"))).containsExactly(namespace);
      assertThat(catalog.loadNamespaceMetadata(namespace)).containsEntry("owner", "platform");
      assertThat(catalog.listTables(namespace)).containsExactly(identifier);
      Table table = catalog.loadTable(identifier);
      assertThat(location(table)).isEqualTo(metadataLocation);
      assertThat(table.snapshots()).hasSize(3);
      assertThat(ConcurrentCommitsIT.dataFiles(table)).containsExactlyInAnyOrder("f0", "f1", "f2");
      View view = catalog.loadView(viewIdentifier);
      assertThat(view.sqlFor("spark").sql()).isEqualTo("select * from events");
      assertThat(catalog.listViews(namespace)).isEqualTo(List.of(viewIdentifier));

      // and the restarted server keeps committing from where the old one stopped
      table.newFastAppend().appendFile(ConcurrentCommitsIT.dataFile(table, "f3")).commit();
      assertThat(catalog.loadTable(identifier).snapshots()).hasSize(4);
    }
    Progress.say("restart: tables, views and namespaces were served again after a restart");
  }

  @Test
  void aQueuedPurgeSurvivesARestartAndRunsAfterIt() throws Exception {
    // a replica that runs no jobs takes the drop; the purge waits in the job table
    server.restart(Map.of("sluice.jobs.enabled", "false"));
    Namespace namespace = Namespace.of("purged");
    TableIdentifier identifier = TableIdentifier.of(namespace, "events");
    Set<Path> files;
    try (RESTCatalog catalog = server.client()) {
      catalog.createNamespace(namespace);
      Table table = catalog.createTable(identifier, ConcurrentCommitsIT.SCHEMA);
      for (int i = 0; i < 2; i++) {
        table.newFastAppend().appendFile(ConcurrentCommitsIT.dataFile(table, "p" + i)).commit();
      }
      files = filesUnder(Path.of(java.net.URI.create(table.location())));
    }
    assertThat(files).anyMatch(f -> f.toString().endsWith(".metadata.json"));
    HttpResponse<String> drop =
        server.send("DELETE", "/v1/namespaces/purged/tables/events?purgeRequested=true");
    assertThat(drop.statusCode()).isEqualTo(204);
    String job = drop.headers().firstValue("X-Sluice-Purge-Job").orElseThrow();
    assertThat(jobState(job)).isEqualTo("QUEUED");
    assertThat(files).allMatch(Files::exists);

    server.restart(Map.of("sluice.jobs.enabled", "true"));
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (!jobState(job).equals("SUCCEEDED")) {
      assertThat(System.nanoTime()).as("purge job still " + jobState(job)).isLessThan(deadline);
      Thread.sleep(200);
    }
    assertThat(files).as(server.send("GET", "/api/v1/jobs/" + job).body()).noneMatch(Files::exists);
    HttpResponse<String> audit = server.send("GET", "/api/v1/audit?action=table.purge");
    assertThat(audit.body()).contains("system:jobs").contains("purged.events").contains(job);
    Progress.say("restart: a purge queued before a restart ran after it, %d files", files.size());
  }

  private static String jobState(String id) throws Exception {
    HttpResponse<String> response = server.send("GET", "/api/v1/jobs/" + id);
    assertThat(response.statusCode()).isEqualTo(200);
    return new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(response.body())
        .path("state")
        .asText();
  }

  private static Set<Path> filesUnder(Path root) throws java.io.IOException {
    try (java.util.stream.Stream<Path> walk = Files.walk(root)) {
      // the client's Hadoop file system leaves .crc side files no metadata names
      return walk.filter(Files::isRegularFile)
          .filter(f -> !f.getFileName().toString().endsWith(".crc"))
          .collect(java.util.stream.Collectors.toSet());
    }
  }
}
