package dev.sluice.it.governance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.it.Progress;
import dev.sluice.it.S3ProxyServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.io.PositionOutputStream;
import org.apache.iceberg.rest.RESTCatalog;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The canonical path check and the confined purge on PostgreSQL and a real S3 API (S3Proxy), with
 * the example policy's zones rooted at {@code s3://lake/raw/}, {@code s3://lake/silver/} and {@code
 * s3://lake/restricted/}. Every refusal is a 400 with an Iceberg error body, and the bucket holds
 * exactly what it held before.
 */
class StorageSideDoorsIT {
  private static GovernedLakehouse lake;
  private static String ingest;

  private static final String SCHEMA =
      "{\"type\":\"struct\",\"schema-id\":0,\"fields\":["
          + "{\"id\":1,\"name\":\"id\",\"required\":false,\"type\":\"long\"}]}";

  @BeforeAll
  static void start() throws Exception {
    lake = GovernedLakehouse.get();
    ingest = token("client:ingest");
    for (String namespace : List.of("raw", "silver")) {
      HttpResponse<String> created =
          lake.send(
              "POST",
              "/v1/namespaces",
              lake.sluice().adminToken(),
              "{\"namespace\":[\"" + namespace + "\"]}");
      assertThat(created.statusCode()).isIn(200, 409);
    }
  }

  private static String token(String principal) {
    HttpResponse<String> response =
        lake.send(
            "POST",
            "/api/v1/tokens",
            lake.sluice().adminToken(),
            "{\"principal\":\"" + principal + "\"}");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    return GovernedLakehouse.json(response).path("secret").asText();
  }

  private static Set<String> bucket() {
    Path root = lake.s3().dataDir();
    try (Stream<Path> files = Files.walk(root)) {
      return files
          .filter(Files::isRegularFile)
          .map(p -> root.relativize(p).toString())
          .collect(Collectors.toCollection(TreeSet::new));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static HttpResponse<String> create(String name, String location, String properties) {
    return lake.send(
        "POST",
        "/v1/namespaces/raw/tables",
        ingest,
        "{\"name\":\""
            + name
            + "\",\"schema\":"
            + SCHEMA
            + (location == null ? "" : ",\"location\":" + quote(location))
            + ",\"properties\":"
            + properties
            + "}");
  }

  private static String quote(String text) {
    return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static void assertRefused(HttpResponse<String> response, String... fragments) {
    JsonNode error = GovernedLakehouse.json(response).path("error");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
    assertThat(error.path("type").asText()).isEqualTo("BadRequestException");
    assertThat(error.path("code").asInt()).isEqualTo(400);
    for (String fragment : fragments) {
      assertThat(error.path("message").asText()).contains(fragment);
    }
  }

  private static int status(String method, String path) {
    return lake.send(method, path, lake.sluice().adminToken(), null).statusCode();
  }

  @Test
  void locationsOutsideTheZoneRootAreRefusedInEverySpelling() {
    List<String> locations =
        List.of(
            "s3://lake/raw/%2e%2e/silver/x",
            "s3://lake/raw/%2E%2E/silver/x",
            "s3://lake/raw/%2e%2E/silver/x",
            "s3://lake/raw/.%2e/silver/x",
            "s3://lake/raw/%252e%252e/silver/x",
            "s3://lake/raw/../silver/x",
            "s3://lake/raw/a%2f..%2f..%2fsilver",
            "s3://lake/raw-x/t",
            "s3://lake/rawdata/t",
            "s3://lake/ra%77/t",
            "s3://other/raw/t",
            "s3://LAKE/raw/t",
            "S3://lake/raw/t",
            "s3://lake:9000/raw/t",
            "s3://user@lake/raw/t",
            "s3a://lake/silver/t",
            "file:/tmp/raw/t",
            "s3://lake/raw",
            "s3://lake/raw/",
            "s3://lake/raw//");
    Set<String> before = bucket();
    for (String location : locations) {
      String name = "escape_" + UUID.randomUUID().toString().substring(0, 8);
      assertRefused(create(name, location, "{}"), "Refused location for raw." + name);
      assertThat(status("HEAD", "/v1/namespaces/raw/tables/" + name)).isEqualTo(404);
    }
    for (String property : List.of("write.data.path", "write.metadata.path")) {
      String name = "props_" + UUID.randomUUID().toString().substring(0, 8);
      assertRefused(
          create(name, null, "{\"" + property + "\":\"s3://lake/silver/stolen\"}"),
          "property " + property,
          "zone 'raw'");
    }
    assertThat(bucket()).isEqualTo(before);

    // inside the root, s3a:// is the same bucket
    String ok = "inside_" + UUID.randomUUID().toString().substring(0, 8);
    HttpResponse<String> created = create(ok, "s3a://lake/raw/custom/" + ok, "{}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
    Progress.say("storage side doors: %d spellings refused on S3", locations.size() + 2);
  }

  @Test
  void registeringAMetadataFileOutsideTheRootReadsNothing() {
    Set<String> before = bucket();
    for (String file :
        List.of(
            "s3://lake/silver/staged/v1.metadata.json",
            "s3://lake/raw/%2e%2e/silver/staged/v1.metadata.json",
            "s3://other/raw/v1.metadata.json")) {
      HttpResponse<String> response =
          lake.send(
              "POST",
              "/v1/namespaces/raw/register",
              ingest,
              "{\"name\":\"registered\",\"metadata-location\":" + quote(file) + "}");
      assertRefused(response, "Refused metadata file");
    }
    assertThat(status("HEAD", "/v1/namespaces/raw/tables/registered")).isEqualTo(404);
    assertThat(bucket()).isEqualTo(before);
  }

  private static RESTCatalog client(String token) {
    RESTCatalog catalog = new RESTCatalog();
    Map<String, String> properties = new HashMap<>();
    properties.put("uri", lake.catalogUri());
    properties.put("warehouse", ClientCatalogs.WAREHOUSE_NAME);
    properties.put("token", token);
    properties.put("io-impl", "org.apache.iceberg.aws.s3.S3FileIO");
    properties.put("s3.endpoint", lake.s3().endpoint());
    properties.put("s3.path-style-access", "true");
    properties.put("s3.access-key-id", S3ProxyServer.ACCESS_KEY);
    properties.put("s3.secret-access-key", S3ProxyServer.SECRET_KEY);
    properties.put("client.region", S3ProxyServer.REGION);
    catalog.initialize("side-doors", properties);
    return catalog;
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

  @Test
  void purgeOnS3DeletesOnlyTheTablesOwnObjects() throws Exception {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    TableIdentifier victim = TableIdentifier.of(Namespace.of("raw"), "victim_" + suffix);
    TableIdentifier attacker = TableIdentifier.of(Namespace.of("raw"), "attacker_" + suffix);
    String victimData;
    String attackerLocation;
    try (RESTCatalog client = client(ingest)) {
      Table victimTable =
          client.createTable(
              victim,
              new org.apache.iceberg.Schema(
                  org.apache.iceberg.types.Types.NestedField.optional(
                      1, "id", org.apache.iceberg.types.Types.LongType.get())));
      DataFile data = write(victimTable, "precious.parquet");
      victimTable.newFastAppend().appendFile(data).commit();
      victimData = data.location();
      Table attackerTable = client.createTable(attacker, victimTable.schema());
      attackerLocation = attackerTable.location();
      attackerTable
          .newFastAppend()
          .appendFile(write(attackerTable, "own.parquet"))
          .appendFile(file(victimData))
          .commit();
    }
    String attackerPrefix = attackerLocation.substring("s3://lake/".length());
    assertThat(objects(attackerPrefix)).isNotEmpty();

    HttpResponse<String> drop =
        lake.send(
            "DELETE",
            "/v1/namespaces/raw/tables/" + attacker.name() + "?purgeRequested=true",
            ingest,
            null);
    assertThat(drop.statusCode()).as(drop.body()).isEqualTo(204);
    String job = drop.headers().firstValue("X-Sluice-Purge-Job").orElseThrow();
    JsonNode done = awaitJob(job);
    assertThat(done.path("state").asText()).isEqualTo("SUCCEEDED");
    assertThat(done.path("result").path("leftOutside").asInt()).isEqualTo(1);

    assertThat(objects(attackerPrefix)).isEmpty();
    assertThat(lake.s3().objectsOf("lake", victimData.substring("s3://lake/".length()))).exists();
    try (RESTCatalog client = client(ingest)) {
      Table table = client.loadTable(victim);
      assertThat(table.io().newInputFile(victimData).exists()).isTrue();
    }
    JsonNode audit =
        lake.audit(Map.of("action", "table.purge", "resource", "raw." + attacker.name()));
    assertThat(audit.path(0).path("principal").asText()).isEqualTo("system:jobs");
    assertThat(audit.path(0).path("rule").asText()).contains("left 1 files outside it");
    Progress.say("storage side doors: purge on S3 left the victim's object in place");
  }

  private static List<String> objects(String prefix) throws IOException {
    Path root = lake.s3().objectsOf("lake", prefix);
    if (!Files.exists(root)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(Files::isRegularFile).map(Path::toString).toList();
    }
  }

  private static JsonNode awaitJob(String id) throws InterruptedException {
    return lake.awaitJob(id);
  }
}
