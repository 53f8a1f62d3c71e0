package dev.sluice.catalog.erasure;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Without a subject key there is no silent default: every erasure request is refused. */
@QuarkusTest
@TestProfile(ErasureNotConfiguredTest.NoKey.class)
class ErasureNotConfiguredTest {

  public static class NoKey implements QuarkusTestProfile {
    static final Path DATA =
        Path.of("target", "test-data", "erasure-no-key-" + ProcessHandle.current().pid())
            .toAbsolutePath();

    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "sluice.erasure.subject-key",
          "",
          "sluice.data-dir",
          DATA.toString(),
          "sluice.warehouse.location",
          "file:" + DATA.resolve("warehouse"),
          "quarkus.datasource.\"embedded\".jdbc.url",
          "jdbc:h2:file:" + DATA.resolve("catalog") + ";DB_CLOSE_ON_EXIT=FALSE");
    }
  }

  @Test
  void erasureRequestsAreRefusedUntilAKeyIsConfigured() {
    given()
        .contentType(ContentType.JSON)
        .body("{\"subject\":\"c-1\",\"reason\":\"r\",\"requestId\":\"no-key-1\"}")
        .post("/api/v1/erasures")
        .then()
        .statusCode(503)
        .body("error.code", equalTo(503))
        .body("error.type", equalTo("ServiceUnavailableException"))
        .body("error.message", containsString("sluice.erasure.subject-key must be configured"));
    given()
        .contentType(ContentType.JSON)
        .get("/api/v1/jobs?kind=erasure")
        .then()
        .statusCode(200)
        .body("size()", equalTo(0));
  }
}
