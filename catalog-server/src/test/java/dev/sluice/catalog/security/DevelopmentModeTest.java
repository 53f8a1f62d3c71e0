package dev.sluice.catalog.security;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.hasItem;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one way to run without credentials: an explicit development flag. */
@QuarkusTest
@TestProfile(DevelopmentModeTest.Unauthenticated.class)
class DevelopmentModeTest {

  public static class Unauthenticated implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "sluice.data-dir",
          Path.of("target", "test-data", "dev-" + ProcessHandle.current().pid())
              .toAbsolutePath()
              .toString(),
          "sluice.auth.development-unauthenticated",
          "true");
    }
  }

  @Test
  void requestsWithoutCredentialsActAsAnAuditedAdministrator() throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(RestAssured.baseURI + ":" + RestAssured.port + "/v1/namespaces"))
                    .GET()
                    .build(),
                HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    given()
        .queryParam("principal", "user:anonymous")
        .get("/api/v1/audit")
        .then()
        .statusCode(200)
        .body("events.action", hasItem("namespace.list"));
  }
}
