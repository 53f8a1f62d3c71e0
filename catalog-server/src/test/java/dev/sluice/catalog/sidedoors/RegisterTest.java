package dev.sluice.catalog.sidedoors;

import static dev.sluice.catalog.sidedoors.Caller.ADMIN;
import static dev.sluice.catalog.sidedoors.Caller.assertRefused;
import static dev.sluice.catalog.sidedoors.Caller.assertSameFiles;
import static dev.sluice.catalog.sidedoors.Caller.filesOutsideTheDatabase;
import static dev.sluice.catalog.sidedoors.Caller.metadataLocation;
import static dev.sluice.catalog.sidedoors.Caller.tablePath;
import static dev.sluice.catalog.sidedoors.SideDoorsProfile.LAKE;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.iceberg.MetadataUpdate;
import org.apache.iceberg.Schema;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.rest.requests.UpdateTableRequest;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Registering a metadata file someone else wrote: the file's own location, every path inside it and
 * its columns (in every schema, since time travel reads old ones) are judged like a create.
 */
@QuarkusTest
@TestProfile(SideDoorsProfile.class)
class RegisterTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Namespace INTAKE = Namespace.of("intake");
  private static final Namespace CURATED = Namespace.of("curated");
  private static final String INTAKE_ROOT = "file:" + LAKE + "/intake";
  private static final String CURATED_ROOT = "file:" + LAKE + "/curated";

  @BeforeEach
  void namespaces() {
    Caller.createNamespace("intake");
    Caller.createNamespace("curated");
  }

  private static String unique(String prefix) {
    return prefix + "_" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** A table's current metadata as JSON, created by the admin in {@code intake}. */
  private static ObjectNode metadataOf(Schema schema) throws IOException {
    String name = unique("source");
    ADMIN.createTable(INTAKE, name, schema, null, Map.of()).then().statusCode(200);
    String location = metadataLocation(TableIdentifier.of(INTAKE, name));
    return (ObjectNode) JSON.readTree(Files.readString(local(location)));
  }

  /** Writes edited metadata at {@code location} (a file: URI) for registration. */
  private static String write(ObjectNode metadata, String location) throws IOException {
    Path file = local(location.replace("%2e%2e", ".."));
    Files.createDirectories(file.getParent());
    Files.writeString(file, JSON.writeValueAsString(metadata));
    return location;
  }

  private static Path local(String location) {
    return Path.of(location.substring("file:".length())).normalize();
  }

  private static Response register(Caller caller, Namespace namespace, String name, String file) {
    return caller
        .request()
        .body(
            "{\"name\":"
                + Caller.toJson(name)
                + ",\"metadata-location\":"
                + Caller.toJson(file)
                + "}")
        .post("/v1/namespaces/" + Caller.path(namespace) + "/register");
  }

  /** Registers an edited copy of a fresh table's metadata and expects a refusal. */
  private void assertRegisterRefused(
      Consumer<ObjectNode> edit, String file, int status, String type, String... rule)
      throws IOException {
    ObjectNode metadata = metadataOf(Caller.SCHEMA);
    String name = unique("registered");
    metadata.put("location", INTAKE_ROOT + "/registered/" + name);
    edit.accept(metadata);
    write(metadata, file);
    Set<String> before = filesOutsideTheDatabase();
    assertRefused(
        register(Caller.as("client:intake-writer"), INTAKE, name, file), status, type, rule);
    assertThat(metadataLocation(TableIdentifier.of(INTAKE, name))).isNull();
    assertSameFiles(before);
  }

  private static String staged() {
    return INTAKE_ROOT + "/staged/" + UUID.randomUUID() + ".metadata.json";
  }

  @Test
  void theMetadataFileItselfMustLieUnderTheZoneRoot() throws IOException {
    assertRegisterRefused(
        m -> {},
        CURATED_ROOT + "/staged/" + UUID.randomUUID() + ".metadata.json",
        400,
        "BadRequestException",
        "Refused metadata file",
        "outside the storage root");
    assertRegisterRefused(
        m -> {},
        INTAKE_ROOT + "/%2e%2e/curated/" + UUID.randomUUID() + ".metadata.json",
        400,
        "BadRequestException",
        "Refused metadata file",
        "'..' segment");
  }

  @Test
  void everyPathInsideTheMetadataIsChecked() throws IOException {
    String foreign = CURATED_ROOT + "/t/metadata/";
    assertRegisterRefused(
        m -> m.put("location", CURATED_ROOT + "/t"),
        staged(),
        400,
        "BadRequestException",
        "Refused location");
    assertRegisterRefused(
        m -> ((ObjectNode) m.with("properties")).put("write.data.path", foreign + "data"),
        staged(),
        400,
        "BadRequestException",
        "property write.data.path");
    assertRegisterRefused(
        m -> {
          ObjectNode snapshot = ((ArrayNode) m.withArray("snapshots")).addObject();
          snapshot.put("snapshot-id", 77);
          snapshot.put("sequence-number", 1);
          snapshot.put("timestamp-ms", System.currentTimeMillis());
          snapshot.putObject("summary").put("operation", "append");
          snapshot.put("manifest-list", foreign + "snap-77.avro");
          snapshot.put("schema-id", 0);
          m.put("current-snapshot-id", 77);
          m.put("last-sequence-number", 1);
        },
        staged(),
        400,
        "BadRequestException",
        "manifest list of snapshot 77");
    assertRegisterRefused(
        m -> {
          ObjectNode entry = ((ArrayNode) m.withArray("metadata-log")).addObject();
          entry.put("timestamp-ms", 1);
          entry.put("metadata-file", foreign + "00000-x.metadata.json");
        },
        staged(),
        400,
        "BadRequestException",
        "earlier metadata file");
  }

  @Test
  void columnsAZoneForbidsAreRefusedOnRegisterInEverySchema() throws IOException {
    Caller transform = Caller.as("client:transform");
    // a current schema with a phone column, relocated under the curated root
    ObjectNode withPhone =
        metadataOf(
            new Schema(
                Types.NestedField.optional(1, "id", Types.LongType.get()),
                Types.NestedField.optional(2, "contact_phone", Types.StringType.get())));
    String name = unique("contacts");
    withPhone.put("location", CURATED_ROOT + "/registered/" + name);
    String file =
        write(withPhone, CURATED_ROOT + "/staged/" + UUID.randomUUID() + ".metadata.json");
    Set<String> before = filesOutsideTheDatabase();
    assertRefused(
        register(transform, CURATED, name, file),
        403,
        "ForbiddenException",
        "column contact_phone is classified pii.direct by name rule '*_phone'",
        "zone 'curated' forbids");
    assertThat(metadataLocation(TableIdentifier.of(CURATED, name))).isNull();
    // the administrator is refused too: the rule is about the data
    assertRefused(register(ADMIN, CURATED, name, file), 403, "ForbiddenException", "contact_phone");
    assertSameFiles(before);

    // a phone column dropped from the current schema still exists in an old one
    String source = unique("history");
    ADMIN
        .createTable(
            INTAKE,
            source,
            new Schema(
                Types.NestedField.optional(1, "id", Types.LongType.get()),
                Types.NestedField.optional(2, "phone", Types.StringType.get())),
            null,
            Map.of())
        .then()
        .statusCode(200);
    TableIdentifier sourceTable = TableIdentifier.of(INTAKE, source);
    ADMIN
        .request()
        .body(
            Caller.json(
                UpdateTableRequest.create(
                    sourceTable,
                    List.of(),
                    List.of(
                        new MetadataUpdate.AddSchema(
                            new Schema(
                                1,
                                List.of(
                                    Types.NestedField.optional(1, "id", Types.LongType.get())))),
                        new MetadataUpdate.SetCurrentSchema(-1)))))
        .post(tablePath(sourceTable))
        .then()
        .statusCode(200);
    ObjectNode history =
        (ObjectNode) JSON.readTree(Files.readString(local(metadataLocation(sourceTable))));
    assertThat(history.get("current-schema-id").asInt()).isEqualTo(1);
    history.withArray("metadata-log").removeAll();
    String old = unique("old_schema");
    history.put("location", CURATED_ROOT + "/registered/" + old);
    String oldFile =
        write(history, CURATED_ROOT + "/staged/" + UUID.randomUUID() + ".metadata.json");
    assertRefused(
        register(transform, CURATED, old, oldFile),
        403,
        "ForbiddenException",
        "column phone is classified pii.direct");
    assertThat(metadataLocation(TableIdentifier.of(CURATED, old))).isNull();
  }

  @Test
  void aCleanMetadataFileRegisters() throws IOException {
    ObjectNode metadata = metadataOf(Caller.SCHEMA);
    String name = unique("clean");
    metadata.put("location", CURATED_ROOT + "/registered/" + name);
    String file = write(metadata, CURATED_ROOT + "/staged/" + UUID.randomUUID() + ".metadata.json");
    register(Caller.as("client:transform"), CURATED, name, file).then().statusCode(200);
    assertThat(metadataLocation(TableIdentifier.of(CURATED, name))).isEqualTo(file);
  }
}
