package dev.sluice.it.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.it.Progress;
import java.util.List;
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
}
