package dev.sluice.catalog.sidedoors;

import static dev.sluice.catalog.sidedoors.Caller.ADMIN;
import static dev.sluice.catalog.sidedoors.Caller.assertRefused;
import static dev.sluice.catalog.sidedoors.Caller.assertSameFiles;
import static dev.sluice.catalog.sidedoors.Caller.filesOutsideTheDatabase;
import static dev.sluice.catalog.sidedoors.Caller.metadataLocation;
import static dev.sluice.catalog.sidedoors.SideDoorsProfile.LAKE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Names are judged by their real levels: a dotted table name is one name, a dotted namespace level
 * is one level. Zone {@code lab} holds namespace {@code curated.lab} (two levels) with its own root
 * and writers; zone {@code curated} holds {@code curated}.
 */
@QuarkusTest
@TestProfile(SideDoorsProfile.class)
class NameLevelsTest {
  private static final Namespace CURATED = Namespace.of("curated");
  private static final Namespace NESTED = Namespace.of("curated", "lab");
  private static final Namespace DOTTED = Namespace.of("curated.lab");

  @BeforeEach
  void namespaces() {
    Caller.createNamespace("curated");
    Caller.createNamespace("curated", "lab");
    Caller.createNamespace("curated.lab");
  }

  private static String unique(String prefix) {
    return prefix + "." + UUID.randomUUID().toString().substring(0, 8);
  }

  @Test
  void aDottedTableNameBelongsToItsNamespacesZone() {
    Caller labWriter = Caller.as("client:lab-writer");
    Caller transform = Caller.as("client:transform");
    String name = unique("lab");
    Set<String> before = filesOutsideTheDatabase();
    // judged as table "lab.x" of curated, not as table "x" of curated.lab: lab's writer is refused
    assertRefused(
        labWriter.createTable(CURATED, name, null, Map.of()),
        403,
        "ForbiddenException",
        "client:lab-writer may not table.create curated.\"" + name + "\"",
        "no zone or grant gives client:lab-writer write");
    assertThat(metadataLocation(TableIdentifier.of(CURATED, name))).isNull();
    assertSameFiles(before);

    // curated's writer creates it, under curated's root
    transform.createTable(CURATED, name, null, Map.of()).then().statusCode(200);
    assertThat(metadataLocation(TableIdentifier.of(CURATED, name)))
        .startsWith("file:" + LAKE + "/curated/curated/" + name + "/metadata/");
    // and the audit row names it with its levels
    ADMIN
        .request()
        .get(
            "/api/v1/audit?action=table.create&principal=client:transform&resource="
                + Caller.path("curated.\"" + name + "\""))
        .then()
        .statusCode(200)
        .body("events.resource", hasItem("curated.\"" + name + "\""))
        // which policy decided, and which credential asked
        .body("events[0].policyVersion", org.hamcrest.Matchers.greaterThanOrEqualTo(1))
        .body("events[0].credential", org.hamcrest.Matchers.startsWith("api-token:"));
  }

  @Test
  void aNestedNamespaceIsItsZonesAndADottedLevelIsInNoZone() {
    Caller labWriter = Caller.as("client:lab-writer");
    Caller transform = Caller.as("client:transform");
    String table = "people_" + UUID.randomUUID().toString().substring(0, 8);
    labWriter.createTable(NESTED, table, null, Map.of()).then().statusCode(200);
    assertThat(metadataLocation(TableIdentifier.of(NESTED, table)))
        .startsWith("file:" + LAKE + "/lab/curated/lab/" + table + "/metadata/");
    assertRefused(
        transform.createTable(NESTED, table + "_2", null, Map.of()),
        403,
        "ForbiddenException",
        "client:transform may not table.create curated.lab." + table + "_2");

    // one level spelled "curated.lab" is neither curated nor curated.lab: no zone, no writers
    Set<String> before = filesOutsideTheDatabase();
    for (Caller writer : List.of(labWriter, transform)) {
      assertRefused(
          writer.createTable(DOTTED, table, null, Map.of()),
          403,
          "ForbiddenException",
          "\"curated.lab\"." + table,
          "no zone holds");
    }
    assertThat(metadataLocation(TableIdentifier.of(DOTTED, table))).isNull();
    assertSameFiles(before);
    // lab's readers cannot list it either
    Caller.as("user:lou", "lab")
        .request()
        .get("/v1/namespaces/" + Caller.path(DOTTED) + "/tables")
        .then()
        .statusCode(403);
    Caller.as("user:lou", "lab")
        .request()
        .get("/v1/namespaces?parent=curated")
        .then()
        .statusCode(200)
        .body("namespaces", hasItem(List.of("curated", "lab")));
    Caller.as("user:lou", "lab")
        .request()
        .get("/v1/namespaces")
        .then()
        .statusCode(200)
        .body("namespaces", hasItem(List.of("curated")))
        .body("namespaces", not(hasItem(List.of("curated.lab"))));
  }
}
