package dev.sluice.it.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.it.Progress;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericFileWriterFactory;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetReaders;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.rest.RESTCatalog;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A job whose replica is killed (SIGKILL) while it runs: once its lease runs out, the replica that
 * starts next on the same PostgreSQL takes it over, and the erasure it was running ends verified,
 * with every row that is not the subject's still there and the subject's rows gone from every
 * snapshot and data file. Nothing is done twice to harm: the second attempt starts from what the
 * first committed.
 */
class JobCrashIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TableIdentifier CUSTOMERS =
      TableIdentifier.of(Namespace.of("crm"), "customers");
  private static final Schema SCHEMA =
      new Schema(
          Types.NestedField.required(1, "id", Types.LongType.get()),
          Types.NestedField.optional(2, "customer_id", Types.StringType.get()),
          Types.NestedField.optional(3, "consent_status", Types.StringType.get()));
  private static final String SUBJECT = "c-crash";
  private static final int FILES = 40;

  private static SluiceOnPostgres server;

  @BeforeAll
  static void start() throws Exception {
    Path root =
        Path.of(System.getProperty("sluice.it.workdir", "target/it-catalog")).toAbsolutePath();
    Path policies = Files.createDirectories(root.resolve("job-crash-policies"));
    Files.writeString(
        policies.resolve("sluice.yaml"),
        """
        apiVersion: sluice.dev/v1
        zones:
          crm:
            namespaces: [crm]
            storage: file:%s/
            read: [group:crm]
            write: [group:crm]
        datasets:
          crm.customers:
            columns:
              customer_id:
              consent_status:
            consent: {subject-column: customer_id, status-column: consent_status}
        """
            .formatted(root.resolve("job-crash").resolve("warehouse")));
    server =
        SluiceOnPostgres.start(
            "job-crash",
            Map.of(
                "sluice.policy.directory", policies.toString(),
                "sluice.erasure.subject-key", "job-crash-test-key",
                // a dead replica's job is taken over after at most this long
                "sluice.jobs.lease", "6s",
                "sluice.jobs.poll-interval", "200ms"));
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void anErasureWhoseReplicaIsKilledIsTakenOverAndEndsVerified() throws Exception {
    Set<Long> kept = new TreeSet<>();
    try (RESTCatalog catalog = server.client()) {
      catalog.createNamespace(CUSTOMERS.namespace());
      Table table =
          catalog.createTable(
              CUSTOMERS, SCHEMA, PartitionSpec.unpartitioned(), Map.of("format-version", "2"));
      Progress.say("writing %d commits of one data file each", FILES);
      for (long i = 0; i < FILES; i++) {
        append(table, row(i, SUBJECT), row(1000 + i, "c-keep-" + i), row(2000 + i, "c-other"));
        kept.add(1000 + i);
        kept.add(2000 + i);
      }
    }

    HttpResponse<String> accepted =
        server.send(
            "POST",
            "/api/v1/erasures",
            "{\"subject\":\""
                + SUBJECT
                + "\",\"reason\":\"crash test\",\"requestId\":\"crash-1\"}");
    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
    JsonNode erasure = JSON.readTree(accepted.body());
    String id = erasure.path("id").asText();
    String jobId = erasure.path("jobId").asText();

    // kill the replica while it runs the job, a moment into it
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (!job(jobId).path("state").asText().equals("RUNNING")) {
      assertThat(System.nanoTime()).as("job %s never ran", jobId).isLessThan(deadline);
      Thread.sleep(20);
    }
    Thread.sleep(300);
    JsonNode atKill = job(jobId);
    Progress.say("killing Sluice while job %s is %s", jobId, atKill.path("state").asText());
    assertThat(atKill.path("state").asText()).as("%s", atKill).isEqualTo("RUNNING");
    server.crashAndStart();

    JsonNode done = awaitErasure(id);
    assertThat(done.path("state").asText()).as("%s", done).isEqualTo("VERIFIED");
    // the job row is closed in its own transaction, just after the erasure is verified
    JsonNode job = job(jobId);
    long closing = System.nanoTime() + 30_000_000_000L;
    while (job.path("state").asText().equals("RUNNING") && System.nanoTime() < closing) {
      Thread.sleep(100);
      job = job(jobId);
    }
    assertThat(job.path("state").asText()).isEqualTo("SUCCEEDED");
    assertThat(job.path("attempts").asInt()).as("taken over after the kill").isGreaterThan(1);
    JsonNode table = done.path("receipt").path("tables").get(0);
    assertThat(table.path("verification").path("matches").asLong()).isZero();

    try (RESTCatalog catalog = server.client()) {
      Table customers = catalog.loadTable(CUSTOMERS);
      assertThat(ids(customers, customers.currentSnapshot().snapshotId()))
          .containsExactlyElementsOf(kept);
      assertThat(customers.refs().keySet()).allMatch(ref -> !ref.startsWith("sluice-erasure-"));
      for (Snapshot snapshot : customers.snapshots()) {
        try (CloseableIterable<Record> rows =
            IcebergGenerics.read(customers).useSnapshot(snapshot.snapshotId()).build()) {
          for (Record row : rows) {
            assertThat(row.getField("customer_id")).isNotEqualTo(SUBJECT);
          }
        }
      }
      List<String> values = parquetValues(Path.of(customers.location().substring(5)));
      assertThat(values).doesNotContain(SUBJECT).contains("c-other");
    }
  }

  private static JsonNode job(String id) throws IOException, InterruptedException {
    HttpResponse<String> response = server.send("GET", "/api/v1/jobs/" + id);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  private static JsonNode awaitErasure(String id) throws Exception {
    long deadline = System.nanoTime() + 180_000_000_000L;
    while (true) {
      HttpResponse<String> response = server.send("GET", "/api/v1/erasures/" + id);
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      JsonNode erasure = JSON.readTree(response.body());
      String state = erasure.path("state").asText();
      if (state.equals("VERIFIED") || state.equals("FAILED")) {
        return erasure;
      }
      assertThat(System.nanoTime()).as("erasure %s still %s", id, state).isLessThan(deadline);
      Thread.sleep(250);
    }
  }

  private static Record row(long id, String customer) {
    Record row = GenericRecord.create(SCHEMA);
    row.setField("id", id);
    row.setField("customer_id", customer);
    row.setField("consent_status", "granted");
    return row;
  }

  private static void append(Table table, Record... rows) throws IOException {
    GenericFileWriterFactory writers =
        new GenericFileWriterFactory.Builder(table).dataFileFormat(FileFormat.PARQUET).build();
    OutputFileFactory files =
        OutputFileFactory.builderFor(table, 1, System.nanoTime())
            .format(FileFormat.PARQUET)
            .build();
    DataWriter<Record> writer = writers.newDataWriter(files.newOutputFile(), table.spec(), null);
    try (writer) {
      for (Record row : rows) {
        writer.write(row);
      }
    }
    DataFile file = writer.toDataFile();
    table.newAppend().appendFile(file).commit();
  }

  private static Set<Long> ids(Table table, long snapshot) throws IOException {
    Set<Long> ids = new TreeSet<>();
    try (CloseableIterable<Record> rows =
        IcebergGenerics.read(table).useSnapshot(snapshot).build()) {
      rows.forEach(row -> ids.add((Long) row.getField("id")));
    }
    return ids;
  }

  /** The customer ids in every Parquet file under the directory, read behind the catalog. */
  private static List<String> parquetValues(Path directory) throws IOException {
    List<String> values = new ArrayList<>();
    Schema projection = SCHEMA.select("customer_id");
    try (Stream<Path> walk = Files.walk(directory)) {
      for (Path file : walk.filter(f -> f.toString().endsWith(".parquet")).toList()) {
        try (CloseableIterable<Record> rows =
            Parquet.read(org.apache.iceberg.Files.localInput(file.toFile()))
                .project(projection)
                .createReaderFunc(type -> GenericParquetReaders.buildReader(projection, type))
                .build()) {
          rows.forEach(row -> values.add((String) row.getField("customer_id")));
        }
      }
    }
    return values;
  }
}
