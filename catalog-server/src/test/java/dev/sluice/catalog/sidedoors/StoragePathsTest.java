package dev.sluice.catalog.sidedoors;

import static dev.sluice.catalog.sidedoors.Caller.ADMIN;
import static dev.sluice.catalog.sidedoors.Caller.assertRefused;
import static dev.sluice.catalog.sidedoors.Caller.assertSameFiles;
import static dev.sluice.catalog.sidedoors.Caller.filesOutsideTheDatabase;
import static dev.sluice.catalog.sidedoors.Caller.metadataLocation;
import static dev.sluice.catalog.sidedoors.Caller.tablePath;
import static dev.sluice.catalog.sidedoors.Caller.viewPath;
import static dev.sluice.catalog.sidedoors.SideDoorsProfile.LAKE;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.iceberg.MetadataUpdate;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.rest.requests.UpdateTableRequest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every location the server writes, reads or deletes passes one canonical check: table and view
 * locations, their path properties, manifest lists, statistics files. Each refusal is a 400 naming
 * the rule, and nothing is written, moved or deleted.
 */
@QuarkusTest
@TestProfile(SideDoorsProfile.class)
class StoragePathsTest {
  static final Namespace INTAKE = Namespace.of("intake");
  static final String ROOT = "file:" + LAKE + "/intake";

  private static Caller writer() {
    return Caller.as("client:intake-writer");
  }

  @BeforeEach
  void namespaces() {
    Caller.createNamespace("intake");
    Caller.createNamespace("curated");
  }

  private static String unique(String prefix) {
    return prefix + "_" + UUID.randomUUID().toString().substring(0, 8);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/%2e%2e/%2e%2e/escaped",
        "/%2E%2E/curated/escaped",
        "/%2e%2E/curated/escaped",
        "/.%2e/curated/escaped",
        "/%2e./curated/escaped",
        "/%252e%252e/curated/escaped",
        "/%25252e%25252e/curated/escaped",
        "/../curated/escaped",
        "/./escaped",
        "/a%2f..%2f..%2fcurated%2fescaped",
        "/a%2F%2E%2E%2F%2E%2E%2Fcurated",
        "/x?y=1",
        "/x#y",
        "/x%00y",
        "-x/escaped",
        "x/escaped",
        "",
        "/",
      })
  void tableLocationsThatEscapeOrAliasTheZoneRootAreRefused(String suffix) {
    assertLocationRefused(ROOT + suffix);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "FILE:LAKE/intake/escaped",
        "File:LAKE/intake/escaped",
        "file://evil.example/LAKE/intake/escaped",
        "file:LAKE/curated/escaped",
        "s3://lake/intake/escaped",
        "s3a://LAKE/intake/escaped",
        "LAKE/intake/../curated/escaped",
        "intake/relative",
        "file:LAKE/intake\\..\\curated",
      })
  void otherSchemesHostsAndZonesAreRefused(String location) {
    assertLocationRefused(location.replace("LAKE", LAKE.toString()));
  }

  private static void assertLocationRefused(String location) {
    String name = unique("escape");
    Set<String> before = filesOutsideTheDatabase();
    assertRefused(
        writer().createTable(INTAKE, name, location, Map.of()),
        400,
        "BadRequestException",
        "Refused location for intake." + name);
    assertThat(metadataLocation(TableIdentifier.of(INTAKE, name))).isNull();
    assertSameFiles(before);
  }

  @Test
  void locationsBelowTheRootAreServed() {
    String name = unique("inside");
    writer().createTable(INTAKE, name, ROOT + "/custom/" + name, Map.of()).then().statusCode(200);
    assertThat(metadataLocation(TableIdentifier.of(INTAKE, name)))
        .startsWith(ROOT + "/custom/" + name + "/metadata/");
    // an encoded character that every reading keeps below the root is fine
    String spaced = unique("spaced");
    writer()
        .createTable(INTAKE, spaced, ROOT + "/with%20space/" + spaced, Map.of())
        .then()
        .statusCode(200);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "write.data.path",
        "write.metadata.path",
        "write.object-storage.path",
        "write.folder-storage.path"
      })
  void pathPropertiesOfTablesAreChecked(String property) {
    String name = unique("props");
    Set<String> before = filesOutsideTheDatabase();
    for (String outside :
        List.of(ROOT + "/%2e%2e/curated/x", "file:" + LAKE + "/curated/x", ROOT + "-x/y")) {
      assertRefused(
          writer().createTable(INTAKE, name, null, Map.of(property, outside)),
          400,
          "BadRequestException",
          "property " + property);
    }
    assertThat(metadataLocation(TableIdentifier.of(INTAKE, name))).isNull();
    assertSameFiles(before);

    // a commit that sets one is refused too, and the table stays as it was
    writer().createTable(INTAKE, name, null, Map.of()).then().statusCode(200);
    TableIdentifier table = TableIdentifier.of(INTAKE, name);
    String current = metadataLocation(table);
    Set<String> created = filesOutsideTheDatabase();
    Response commit =
        writer()
            .request()
            .body(
                Caller.json(
                    UpdateTableRequest.create(
                        table,
                        List.of(),
                        List.of(
                            new MetadataUpdate.SetProperties(
                                Map.of(property, "file:" + LAKE + "/curated/stolen"))))))
            .post(tablePath(table));
    assertRefused(commit, 400, "BadRequestException", "property " + property, "zone 'intake'");
    assertThat(metadataLocation(table)).isEqualTo(current);
    assertSameFiles(created);
  }

  @Test
  void aCommitCannotMoveATableOutOfItsRoot() {
    String name = unique("moved");
    writer().createTable(INTAKE, name, null, Map.of()).then().statusCode(200);
    TableIdentifier table = TableIdentifier.of(INTAKE, name);
    String current = metadataLocation(table);
    Set<String> before = filesOutsideTheDatabase();
    for (String location :
        List.of(ROOT + "/%2e%2e/curated/moved", "file:" + LAKE + "/curated/moved", ROOT)) {
      Response commit =
          writer()
              .request()
              .body(
                  Caller.json(
                      UpdateTableRequest.create(
                          table, List.of(), List.of(new MetadataUpdate.SetLocation(location)))))
              .post(tablePath(table));
      assertRefused(commit, 400, "BadRequestException", "Refused location");
    }
    assertThat(metadataLocation(table)).isEqualTo(current);
    assertSameFiles(before);
  }

  @Test
  void viewLocationsAndPathPropertiesAreChecked() {
    Set<String> before = filesOutsideTheDatabase();
    for (Map.Entry<String, Map<String, String>> attempt :
        Map.of(
                "file:" + LAKE + "/curated/v", Map.<String, String>of(),
                ROOT + "/%2e%2e/curated/v", Map.<String, String>of(),
                ROOT + "/views/ok",
                    Map.of("write.metadata.path", "file:" + LAKE + "/curated/view-metadata"),
                ROOT + "/views/ok2", Map.of("write.data.path", ROOT + "/%2E%2E/curated/d"))
            .entrySet()) {
      String name = unique("view");
      assertRefused(
          writer()
              .request()
              .body(View.create(name, attempt.getKey(), attempt.getValue()))
              .post("/v1/namespaces/intake/views"),
          400,
          "BadRequestException",
          "Refused");
      ADMIN.request().head(viewPath(TableIdentifier.of(INTAKE, name))).then().statusCode(404);
    }
    assertSameFiles(before);

    // replacing a view with a metadata path outside its root is refused as well
    String name = unique("view");
    writer()
        .request()
        .body(View.create(name, null, Map.of()))
        .post("/v1/namespaces/intake/views")
        .then()
        .statusCode(200);
    TableIdentifier view = TableIdentifier.of(INTAKE, name);
    String current = ADMIN.request().get(viewPath(view)).path("metadata-location");
    Set<String> created = filesOutsideTheDatabase();
    assertRefused(
        writer()
            .request()
            .body(
                Caller.json(
                    UpdateTableRequest.create(
                        view,
                        List.of(),
                        List.of(
                            new MetadataUpdate.SetProperties(
                                Map.of(
                                    "write.metadata.path",
                                    "file:" + LAKE + "/curated/view-metadata"))))))
            .post(viewPath(view)),
        400,
        "BadRequestException",
        "property write.metadata.path");
    assertThat((String) ADMIN.request().get(viewPath(view)).path("metadata-location"))
        .isEqualTo(current);
    assertSameFiles(created);
  }

  @Test
  void manifestListsAndStatisticsFilesMustLieUnderTheRoot() {
    String name = unique("snapshots");
    writer().createTable(INTAKE, name, null, Map.of()).then().statusCode(200);
    TableIdentifier table = TableIdentifier.of(INTAKE, name);
    // a snapshot whose manifest list sits under the table: statistics may then name it
    String own = ROOT + "/intake/" + name + "/metadata/snap-1.avro";
    commit(table, Metadata.addSnapshot(own)).then().statusCode(200);
    String current = metadataLocation(table);
    Set<String> before = filesOutsideTheDatabase();
    String foreign = "file:" + LAKE + "/curated/other/metadata/snap-1.avro";
    for (String manifestList :
        List.of(foreign, ROOT + "/%2e%2e/curated/other/snap.avro", ROOT + "-evil/snap.avro")) {
      assertRefused(
          commit(table, Metadata.addSnapshot(Metadata.SNAPSHOT_ID + 1, manifestList)),
          400,
          "BadRequestException",
          "manifest list of snapshot");
    }
    assertRefused(
        commit(table, Metadata.setStatistics(Metadata.SNAPSHOT_ID, foreign)),
        400,
        "BadRequestException",
        "statistics file of snapshot");
    assertRefused(
        commit(table, Metadata.setPartitionStatistics(Metadata.SNAPSHOT_ID, foreign)),
        400,
        "BadRequestException",
        "partition statistics file of snapshot");
    assertThat(metadataLocation(table)).isEqualTo(current);
    assertSameFiles(before);
    // the same statistics under the table's own location are fine
    commit(
            table,
            Metadata.setStatistics(Metadata.SNAPSHOT_ID, ROOT + "/intake/" + name + "/s.puffin"))
        .then()
        .statusCode(200);
  }

  private static Response commit(TableIdentifier table, MetadataUpdate update) {
    return writer()
        .request()
        .body(Caller.json(UpdateTableRequest.create(table, List.of(), List.of(update))))
        .post(tablePath(table));
  }

  @Test
  void tablesMayNotShareLocations() {
    String first = unique("shared");
    String location = ROOT + "/shared/" + first;
    writer().createTable(INTAKE, first, location, Map.of()).then().statusCode(200);
    Set<String> before = filesOutsideTheDatabase();
    for (String overlapping :
        List.of(location, location + "/", location + "/inner", ROOT + "/shared")) {
      String name = unique("overlap");
      assertRefused(
          writer().createTable(INTAKE, name, overlapping, Map.of()),
          400,
          "BadRequestException",
          "overlaps the location of intake." + first);
      assertThat(metadataLocation(TableIdentifier.of(INTAKE, name))).isNull();
    }
    assertSameFiles(before);
    // a sibling that only shares a prefix of characters is its own place
    writer()
        .createTable(INTAKE, unique("sibling"), location + "-sibling", Map.of())
        .then()
        .statusCode(200);
  }

  @Test
  void aNameFreedByARenameGetsAFreshDefaultLocation() {
    String name = unique("renamed");
    writer().createTable(INTAKE, name, null, Map.of()).then().statusCode(200);
    TableIdentifier original = TableIdentifier.of(INTAKE, name);
    String oldLocation = ADMIN.request().get(tablePath(original)).path("metadata.location");
    writer()
        .request()
        .body(
            "{\"source\":{\"namespace\":[\"intake\"],\"name\":\""
                + name
                + "\"},\"destination\":{\"namespace\":[\"intake\"],\"name\":\""
                + name
                + "_moved\"}}")
        .post("/v1/tables/rename")
        .then()
        .statusCode(204);
    // the renamed table keeps its files; the old name's default place is taken, so a new table
    // with that name gets a place of its own next to it
    writer().createTable(INTAKE, name, null, Map.of()).then().statusCode(200);
    String newLocation = ADMIN.request().get(tablePath(original)).path("metadata.location");
    assertThat(newLocation).startsWith(oldLocation + "-").isNotEqualTo(oldLocation);
  }

  @Test
  void namespaceLocationsAndDotNamesAreChecked() {
    Set<String> before = filesOutsideTheDatabase();
    for (String location :
        List.of("file:" + LAKE + "/curated/ns", ROOT + "/%2e%2e/curated/ns", ROOT + "-x/ns")) {
      // a storage rule, so it binds the administrator too
      assertRefused(
          ADMIN
              .request()
              .body(
                  "{\"namespace\":[\"intake\",\"sub\"],\"properties\":{\"location\":"
                      + Caller.toJson(location)
                      + "}}")
              .post("/v1/namespaces"),
          400,
          "BadRequestException",
          "Refused location for namespace intake.sub");
      assertRefused(
          ADMIN
              .request()
              .body("{\"updates\":{\"location\":" + Caller.toJson(location) + "},\"removals\":[]}")
              .post("/v1/namespaces/intake/properties"),
          400,
          "BadRequestException",
          "Refused location for namespace intake");
    }
    ADMIN.request().get("/v1/namespaces/intake%1Fsub").then().statusCode(404);
    for (String name : List.of(".", "..")) {
      assertRefused(
          writer().createTable(INTAKE, name, null, Map.of()),
          400,
          "IllegalArgumentException",
          "not '.' or '..'");
    }
    assertRefused(
        ADMIN.request().body("{\"namespace\":[\"intake\",\"..\"]}").post("/v1/namespaces"),
        400,
        "IllegalArgumentException",
        "not '.' or '..'");
    assertSameFiles(before);
  }
}
