package dev.sluice.catalog.sidedoors;

import static dev.sluice.catalog.sidedoors.Caller.ADMIN;
import static dev.sluice.catalog.sidedoors.Caller.assertRefused;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.util.Map;
import org.apache.iceberg.Schema;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A conditional load is decided exactly as a full one: a caller who would be refused the table is
 * refused it with the current ETag in hand, never told 304.
 */
@QuarkusTest
@TestProfile(SideDoorsProfile.class)
class ConditionalLoadsTest {
  private static final Namespace INTAKE = Namespace.of("intake");
  private static final String TABLE = "/v1/namespaces/intake/tables/etag_calls";
  private static final Schema CALLS =
      new Schema(
          Types.NestedField.optional(1, "call_id", Types.LongType.get()),
          Types.NestedField.optional(2, "caller_email", Types.StringType.get()));

  @BeforeEach
  void table() {
    Caller.createNamespace("intake");
    if (ADMIN.request().head(TABLE).statusCode() == 404) {
      ADMIN.createTable(INTAKE, "etag_calls", CALLS, null, Map.of()).then().statusCode(200);
    }
  }

  private static String currentEtag() {
    Response full = ADMIN.request().get(TABLE);
    full.then().statusCode(200);
    return full.header("ETag");
  }

  @Test
  void aCallerWithoutAccessIsRefusedWithTheCurrentTag() {
    String etag = currentEtag();
    assertRefused(
        Caller.as("user:mallory").request().header("If-None-Match", etag).get(TABLE),
        403,
        "ForbiddenException",
        "table.load");
    assertRefused(
        Caller.as("user:mallory").request().header("If-None-Match", "*").get(TABLE),
        403,
        "ForbiddenException",
        "table.load");
  }

  @Test
  void aReaderWhoMayNotGetTheRawFilesIsRefusedWithTheCurrentTag() {
    String etag = currentEtag();
    assertRefused(
        Caller.as("user:alice", "analysts").request().header("If-None-Match", etag).get(TABLE),
        403,
        "ForbiddenException",
        "has masked columns [caller_email]",
        "only a mask-enforcing engine");
    // the reader allowed the raw files gets the 304
    Caller.as("user:priya", "privacy-office")
        .request()
        .header("If-None-Match", etag)
        .get(TABLE)
        .then()
        .statusCode(304);
  }
}
