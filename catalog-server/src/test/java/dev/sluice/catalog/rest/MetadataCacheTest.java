package dev.sluice.catalog.rest;

import static dev.sluice.catalog.rest.CatalogApi.api;
import static dev.sluice.catalog.rest.CatalogApi.createNamespace;
import static dev.sluice.catalog.rest.CatalogApi.createTable;
import static dev.sluice.catalog.rest.CatalogApi.json;
import static dev.sluice.catalog.rest.CatalogApi.loadTable;
import static dev.sluice.catalog.rest.CatalogApi.local;
import static dev.sluice.catalog.rest.CatalogApi.tablePath;
import static dev.sluice.catalog.rest.CatalogApi.unique;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.iceberg.MetadataUpdate;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableMetadataParser;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.rest.requests.ImmutableRegisterTableRequest;
import org.apache.iceberg.rest.requests.UpdateTableRequest;
import org.apache.iceberg.rest.responses.LoadTableResponse;
import org.apache.iceberg.util.JsonUtil;
import org.junit.jupiter.api.Test;

/**
 * Metadata files never change, so a load whose pointer names a file already parsed does not read it
 * again, only checks that it is still there; the pointer itself is read on every load, so a pointer
 * moved by anyone is followed at once.
 */
@QuarkusTest
@TestProfile(CatalogTestProfile.class)
class MetadataCacheTest {
  private static TableIdentifier newTable() {
    return TableIdentifier.of(createNamespace(unique("cache")), "events");
  }

  private static UpdateTableRequest setOwnerRequest() {
    return new UpdateTableRequest(
        List.of(), List.of(new MetadataUpdate.SetProperties(Map.of("owner", "sales"))));
  }

  /** Registers {@code table} anew, over its current pointer, from the file at {@code location}. */
  private static Response registerOver(TableIdentifier table, String location) {
    Response registered =
        api()
            .body(
                json(
                    ImmutableRegisterTableRequest.builder()
                        .name(table.name())
                        .metadataLocation(location)
                        .overwrite(true)
                        .build()))
            .post("/v1/namespaces/" + CatalogApi.path(table.namespace()) + "/register");
    registered.then().statusCode(200);
    return registered;
  }

  /** Commits {@code owner = sales} to {@code table}; returns the metadata file written. */
  private static String setOwner(TableIdentifier table) {
    Response committed = api().body(json(setOwnerRequest())).post(tablePath(table));
    committed.then().statusCode(200);
    return CatalogApi.parse(committed, LoadTableResponse.class).metadataLocation();
  }

  @Test
  void aLoadWhosePointerDidNotMoveDoesNotReadTheFileAgain() throws IOException {
    TableIdentifier table = newTable();
    LoadTableResponse created = createTable(table);
    Response first = api().get(tablePath(table));
    first.then().statusCode(200);

    // the file's bytes change behind the server's back (files are written once, so only a
    // tampering hand does this): the parsed copy still answers, so the bytes were not read again
    Files.writeString(local(created.metadataLocation()), "{ not metadata");
    LoadTableResponse again = loadTable(table);
    assertThat(again.metadataLocation()).isEqualTo(created.metadataLocation());
    assertThat(again.tableMetadata().schema().sameSchema(created.tableMetadata().schema()))
        .isTrue();
    assertThat(again.tableMetadata().uuid()).isEqualTo(created.tableMetadata().uuid());
    assertThat(api().get(tablePath(table)).header("ETag")).isEqualTo(first.header("ETag"));
  }

  @Test
  void registrationsLoadsAndCommitsAnswerWithTheMetadataFileAsItIsWritten() throws IOException {
    TableIdentifier table = newTable();
    LoadTableResponse created = createTable(table);
    // a file another tool wrote, laid out unlike the server's own JSON: only its text has this
    String pretty =
        JsonUtil.mapper()
            .writerWithDefaultPrettyPrinter()
            .writeValueAsString(
                JsonUtil.mapper().readTree(Files.readString(local(created.metadataLocation()))));
    String location =
        created.tableMetadata().location()
            + "/metadata/00001-"
            + UUID.randomUUID()
            + ".metadata.json";
    Files.writeString(local(location), pretty);

    Response registered = registerOver(table, location);
    Response loaded = api().get(tablePath(table));
    loaded.then().statusCode(200);

    for (Response answer : List.of(registered, loaded)) {
      assertThat(answer.asString()).contains("\"metadata\":" + pretty);
      LoadTableResponse parsed = CatalogApi.parse(answer, LoadTableResponse.class);
      assertThat(parsed.metadataLocation()).isEqualTo(location);
      assertThat(parsed.tableMetadata().uuid()).isEqualTo(created.tableMetadata().uuid());
    }
    Response committed = api().body(json(setOwnerRequest())).post(tablePath(table));
    committed.then().statusCode(200);
    String written = CatalogApi.parse(committed, LoadTableResponse.class).metadataLocation();
    assertThat(committed.asString()).contains("\"metadata\":" + Files.readString(local(written)));
    assertThat(loadTable(table).tableMetadata().properties()).containsEntry("owner", "sales");
  }

  @Test
  void aCommitIsServedWithoutReadingTheFileItWrote() throws IOException {
    TableIdentifier table = newTable();
    createTable(table);
    String written = setOwner(table);

    Files.writeString(local(written), "{ not metadata");
    LoadTableResponse loaded = loadTable(table);
    assertThat(loaded.metadataLocation()).isEqualTo(written);
    assertThat(loaded.tableMetadata().properties()).containsEntry("owner", "sales");
  }

  @Test
  void aMetadataFileRemovedBehindTheCatalogsBackFailsTheLoadEvenWhenParsed() throws IOException {
    TableIdentifier table = newTable();
    LoadTableResponse created = createTable(table);
    api().get(tablePath(table)).then().statusCode(200);

    Files.delete(local(created.metadataLocation()));
    Response load = api().get(tablePath(table));
    load.then().statusCode(404);
    assertThat(load.jsonPath().getString("error.type")).isEqualTo("NotFoundException");
    assertThat(load.jsonPath().getString("error.message"))
        .contains("Failed to open input stream for file: " + created.metadataLocation());
  }

  @Test
  void aPointerMovedElsewhereIsFollowedAtOnce() throws IOException {
    TableIdentifier table = newTable();
    LoadTableResponse created = createTable(table);
    String before = created.metadataLocation();
    String etag = api().get(tablePath(table)).header("ETag");

    // someone else writes the next file and registers it over the table: no commit of this
    // server wrote it
    TableMetadata current =
        TableMetadataParser.read(org.apache.iceberg.Files.localInput(local(before).toFile()));
    TableMetadata next =
        TableMetadata.buildFrom(current).setProperties(Map.of("moved", "elsewhere")).build();
    String after = next.location() + "/metadata/00001-" + UUID.randomUUID() + ".metadata.json";
    Files.writeString(local(after), TableMetadataParser.toJson(next));
    registerOver(table, after);
    // the old file's parsed copy is no answer any more, even with it gone
    Files.delete(local(before));

    LoadTableResponse loaded = loadTable(table);
    assertThat(loaded.metadataLocation()).isEqualTo(after);
    assertThat(loaded.tableMetadata().properties()).containsEntry("moved", "elsewhere");
    Response conditional = api().header("If-None-Match", etag).get(tablePath(table));
    conditional.then().statusCode(200);
    assertThat(conditional.header("ETag")).isNotEqualTo(etag);
  }

  @Test
  void aTableAskingForGzippedMetadataGetsGzippedFilesThatLoad() throws IOException {
    TableIdentifier table = newTable();
    LoadTableResponse created =
        createTable(table, Map.of("write.metadata.compression-codec", "gzip"));
    String written = setOwner(table);

    for (String location : List.of(created.metadataLocation(), written)) {
      assertThat(location).endsWith(".gz.metadata.json");
      byte[] bytes = Files.readAllBytes(local(location));
      assertThat(bytes[0] & 0xff).as("gzip magic").isEqualTo(0x1f);
      assertThat(bytes[1] & 0xff).as("gzip magic").isEqualTo(0x8b);
    }
    // as Iceberg itself reads it (TableMetadataCacheTest reads gzipped files through the cache)
    TableMetadata read =
        TableMetadataParser.read(org.apache.iceberg.Files.localInput(local(written).toFile()));
    assertThat(read.properties()).containsEntry("owner", "sales");
    assertThat(read.uuid()).isEqualTo(created.tableMetadata().uuid());
    assertThat(loadTable(table).tableMetadata().properties()).containsEntry("owner", "sales");
  }
}
