package dev.sluice.catalog.sidedoors;

import static dev.sluice.catalog.sidedoors.Caller.ADMIN;
import static dev.sluice.catalog.sidedoors.Caller.metadataLocation;
import static dev.sluice.catalog.sidedoors.Caller.tablePath;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.io.PositionOutputStream;
import org.apache.iceberg.rest.RESTCatalog;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Purge deletes only a table's own files, from a job in the background: a writer that slips another
 * table's data file into its own metadata cannot make a purge delete it.
 */
@QuarkusTest
@TestProfile(SideDoorsProfile.class)
class PurgeTest {
  private static final Namespace INTAKE = Namespace.of("intake");

  @BeforeEach
  void namespaces() {
    Caller.createNamespace("intake");
  }

  private static DataFile write(Table table, String name) throws IOException {
    String location = table.locationProvider().newDataLocation(name);
    OutputFile out = table.io().newOutputFile(location);
    try (PositionOutputStream stream = out.create()) {
      stream.write(new byte[16]);
    }
    return file(location);
  }

  private static DataFile file(String location) {
    return DataFiles.builder(PartitionSpec.unpartitioned())
        .withPath(location)
        .withFileSizeInBytes(16)
        .withRecordCount(1)
        .withFormat("parquet")
        .build();
  }

  private static Path local(String location) {
    return Path.of(location.substring("file:".length()));
  }

  @Test
  void purgeDeletesOnlyFilesUnderTheTablesOwnLocation() throws Exception {
    Caller writer = Caller.as("client:intake-writer");
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    TableIdentifier victim = TableIdentifier.of(INTAKE, "victim_" + suffix);
    TableIdentifier attacker = TableIdentifier.of(INTAKE, "attacker_" + suffix);
    writer.createTable(INTAKE, victim.name(), null, Map.of()).then().statusCode(200);
    writer.createTable(INTAKE, attacker.name(), null, Map.of()).then().statusCode(200);
    String victimData;
    String attackerData;
    try (RESTCatalog client = writer.client()) {
      Table victimTable = client.loadTable(victim);
      DataFile data = write(victimTable, "precious.parquet");
      victimTable.newFastAppend().appendFile(data).commit();
      victimData = data.location();
      Table attackerTable = client.loadTable(attacker);
      DataFile own = write(attackerTable, "own.parquet");
      // Iceberg does not check where a data file lives: the attacker lists the victim's file
      attackerTable.newFastAppend().appendFile(own).appendFile(file(victimData)).commit();
      attackerData = own.location();
    }
    String attackerMetadata = metadataLocation(attacker);

    Response drop = writer.request().delete(tablePath(attacker) + "?purgeRequested=true");
    drop.then().statusCode(204);
    String job = drop.header("X-Sluice-Purge-Job");
    Response done = awaitJob(job);
    done.then()
        .body("state", equalTo("SUCCEEDED"))
        .body("kind", equalTo("table.purge"))
        .body("createdBy", equalTo("client:intake-writer"))
        .body("result.leftOutside", equalTo(1))
        .body("result.outsideExamples", equalTo(List.of(victimData)));

    assertThat(local(victimData)).exists();
    assertThat(local(attackerData)).doesNotExist();
    assertThat(local(attackerMetadata)).doesNotExist();
    ADMIN.request().head(tablePath(attacker)).then().statusCode(404);
    // the victim still reads, data and all
    try (RESTCatalog client = writer.client()) {
      assertThat(
              client
                  .loadTable(victim)
                  .currentSnapshot()
                  .addedDataFiles(client.loadTable(victim).io()))
          .extracting(DataFile::location)
          .containsExactly(victimData);
    }
    // the purge is in the audit trail, by the job, naming what it left alone
    ADMIN
        .request()
        .get("/api/v1/audit?action=table.purge&resource=" + Caller.path(attacker.toString()))
        .then()
        .statusCode(200)
        .body("events[0].principal", equalTo("system:jobs"))
        .body("events[0].rule", org.hamcrest.Matchers.containsString("left 1 files outside it"));
  }

  @Test
  void purgeOfAMissingTableIs404AndQueuesNothing() {
    TableIdentifier missing = TableIdentifier.of(INTAKE, "missing_" + UUID.randomUUID());
    Response drop =
        Caller.as("client:intake-writer")
            .request()
            .delete(tablePath(missing) + "?purgeRequested=true");
    Caller.assertRefused(drop, 404, "NoSuchTableException", "Table does not exist");
    assertThat(drop.header("X-Sluice-Purge-Job")).isNull();
  }

  @Test
  void onlyAdministratorsSeeJobs() {
    Caller.assertRefused(
        Caller.as("client:intake-writer").request().get("/api/v1/jobs"),
        403,
        "ForbiddenException",
        "only role sluice-admin");
    ADMIN.request().get("/api/v1/jobs?state=bogus").then().statusCode(400);
    ADMIN.request().get("/api/v1/jobs/" + UUID.randomUUID()).then().statusCode(404);
  }

  static Response awaitJob(String id) throws InterruptedException {
    assertThat(id).isNotNull();
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (true) {
      Response job = ADMIN.request().get("/api/v1/jobs/" + id);
      job.then().statusCode(200);
      String state = job.path("state");
      if (state.equals("SUCCEEDED") || state.equals("FAILED")) {
        return job;
      }
      assertThat(System.nanoTime()).as("job %s still %s", id, state).isLessThan(deadline);
      Thread.sleep(100);
    }
  }
}
