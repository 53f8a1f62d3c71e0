package dev.sluice.catalog.rest;

import static dev.sluice.catalog.rest.CatalogApi.api;
import static dev.sluice.catalog.rest.CatalogApi.assertError;
import static dev.sluice.catalog.rest.CatalogApi.createNamespace;
import static dev.sluice.catalog.rest.CatalogApi.createTable;
import static dev.sluice.catalog.rest.CatalogApi.json;
import static dev.sluice.catalog.rest.CatalogApi.loadTable;
import static dev.sluice.catalog.rest.CatalogApi.unique;
import static dev.sluice.catalog.rest.CatalogApi.warehouseFiles;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.iceberg.MetadataUpdate;
import org.apache.iceberg.UpdateRequirement;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.rest.requests.CommitTransactionRequest;
import org.apache.iceberg.rest.requests.UpdateTableRequest;
import org.apache.iceberg.rest.responses.LoadTableResponse;
import org.junit.jupiter.api.Test;

/** {@code POST /v1/transactions/commit}: all tables move, or none does. */
@QuarkusTest
@TestProfile(CatalogTestProfile.class)
class TransactionsTest {

  private static UpdateTableRequest setProperty(
      TableIdentifier table, UpdateRequirement requirement, String key, String value) {
    return UpdateTableRequest.create(
        table, List.of(requirement), List.of(new MetadataUpdate.SetProperties(Map.of(key, value))));
  }

  private static UpdateRequirement uuidOf(LoadTableResponse table) {
    return new UpdateRequirement.AssertTableUUID(table.tableMetadata().uuid());
  }

  @Test
  void bothTablesMoveTogether() {
    Namespace namespace = createNamespace(unique("tx"));
    TableIdentifier a = TableIdentifier.of(namespace, "a");
    TableIdentifier b = TableIdentifier.of(namespace, "b");
    LoadTableResponse loadedA = createTable(a);
    LoadTableResponse loadedB = createTable(b);

    CommitTransactionRequest request =
        new CommitTransactionRequest(
            List.of(
                setProperty(a, uuidOf(loadedA), "batch", "1"),
                setProperty(
                    b,
                    new UpdateRequirement.AssertCurrentSchemaID(
                        loadedB.tableMetadata().currentSchemaId()),
                    "batch",
                    "1")));
    api().body(json(request)).post("/v1/transactions/commit").then().statusCode(204);

    LoadTableResponse afterA = loadTable(a);
    LoadTableResponse afterB = loadTable(b);
    assertThat(afterA.metadataLocation()).isNotEqualTo(loadedA.metadataLocation());
    assertThat(afterB.metadataLocation()).isNotEqualTo(loadedB.metadataLocation());
    assertThat(afterA.tableMetadata().properties()).containsEntry("batch", "1");
    assertThat(afterB.tableMetadata().properties()).containsEntry("batch", "1");
    // the previous metadata file is linked from the new one
    assertThat(afterA.tableMetadata().previousFiles())
        .anyMatch(entry -> entry.file().equals(loadedA.metadataLocation()));
  }

  @Test
  void oneFailedRequirementMovesNeitherTable() {
    Namespace namespace = createNamespace(unique("tx"));
    TableIdentifier a = TableIdentifier.of(namespace, "a");
    TableIdentifier b = TableIdentifier.of(namespace, "b");
    LoadTableResponse loadedA = createTable(a);
    LoadTableResponse loadedB = createTable(b);
    Set<String> files = warehouseFiles();

    // a's change is valid and comes first; b's requirement fails
    CommitTransactionRequest request =
        new CommitTransactionRequest(
            List.of(
                setProperty(a, uuidOf(loadedA), "batch", "2"),
                setProperty(
                    b,
                    new UpdateRequirement.AssertCurrentSchemaID(
                        loadedB.tableMetadata().currentSchemaId() + 1),
                    "batch",
                    "2")));
    assertError(
        api().body(json(request)).post("/v1/transactions/commit"),
        409,
        "CommitFailedException",
        "Requirement failed: current schema changed");

    assertThat(loadTable(a).metadataLocation()).isEqualTo(loadedA.metadataLocation());
    assertThat(loadTable(b).metadataLocation()).isEqualTo(loadedB.metadataLocation());
    assertThat(loadTable(a).tableMetadata().properties()).doesNotContainKey("batch");
    assertThat(warehouseFiles()).isEqualTo(files);

    // a missing table is as fatal as a failed requirement
    TableIdentifier missing = TableIdentifier.of(namespace, "missing");
    assertError(
        api()
            .body(
                json(
                    new CommitTransactionRequest(
                        List.of(
                            setProperty(a, uuidOf(loadedA), "batch", "3"),
                            setProperty(missing, uuidOf(loadedA), "batch", "3")))))
            .post("/v1/transactions/commit"),
        404,
        "NoSuchTableException",
        "Table does not exist: " + missing);
    assertThat(loadTable(a).metadataLocation()).isEqualTo(loadedA.metadataLocation());
    assertThat(warehouseFiles()).isEqualTo(files);

    // the same table twice is refused outright
    assertError(
        api()
            .body(
                json(
                    new CommitTransactionRequest(
                        List.of(
                            setProperty(a, uuidOf(loadedA), "batch", "4"),
                            setProperty(a, uuidOf(loadedA), "batch", "5")))))
            .post("/v1/transactions/commit"),
        400,
        "BadRequestException",
        "changed twice");
    assertThat(loadTable(a).metadataLocation()).isEqualTo(loadedA.metadataLocation());
    assertThat(warehouseFiles()).isEqualTo(files);
  }
}
