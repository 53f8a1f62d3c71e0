package dev.sluice.catalog.policy;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

@QuarkusTest
@TestProfile(PolicyTestProfile.class)
class PolicyResourceTest {

  private static Map<String, String> exampleFiles() throws IOException {
    Path root = PolicyTestProfile.EXAMPLE_BUNDLE;
    Map<String, String> files = new HashMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path file : walk.filter(p -> p.toString().endsWith(".yaml")).toList()) {
        files.put(root.relativize(file).toString(), Files.readString(file));
      }
    }
    return files;
  }

  private static int activeVersion() {
    return given().get("/api/v1/policy").then().statusCode(200).extract().path("version");
  }

  @Test
  void loadsTheConfiguredBundleAtStart() {
    given().get("/api/v1/policy").then().statusCode(200).body("files", hasItem("sluice.yaml"));
    given()
        .get("/api/v1/policy/versions/1")
        .then()
        .statusCode(200)
        .body("version.source", equalTo("directory"))
        .body("version.appliedBy", containsString("deploy/policies"))
        .body("files.keySet()", hasItem("domains/growth.yaml"));
    given()
        .get("/api/v1/policy")
        .then()
        .statusCode(200)
        .body("files", hasItem("sluice.yaml"))
        .body("contentHash.length()", equalTo(64));
  }

  @Test
  void reviewShowsTheEffectiveChangeAndAppliesNothing() throws IOException {
    int before = activeVersion();
    Map<String, String> files = exampleFiles();
    String growth = files.get("domains/growth.yaml");
    files.put(
        "domains/growth.yaml",
        growth.replace(
            "unmasked-for: [group:support]", "unmasked-for: [group:support, group:analysts]"));

    Response review =
        given()
            .contentType(ContentType.JSON)
            .body(Map.of("files", files))
            .post("/api/v1/policy/review")
            .then()
            .statusCode(200)
            .extract()
            .response();

    assertThat(review.<Boolean>path("valid")).isTrue();
    // rules that load but would not work as they read come back as warnings
    List<Map<String, Object>> warnings = review.path("warnings");
    assertThat(warnings)
        .anySatisfy(
            warning ->
                assertThat((String) warning.get("message"))
                    .contains("group:data-platform may write")
                    .contains("Trino refuses INSERT"));
    List<Map<String, Object>> items = review.path("diff.items");
    assertThat(items)
        .anySatisfy(
            item -> {
              assertThat(item.get("dataset")).isEqualTo("raw.customers");
              assertThat(item.get("subject")).isEqualTo("group:analysts");
              assertThat(item.get("column")).isEqualTo("phone");
              assertThat(item.get("risk")).isEqualTo("pii-widening");
            });
    assertThat(review.<String>path("markdown")).contains("pii-widening");
    assertThat(activeVersion()).isEqualTo(before);
  }

  @Test
  void anInvalidBundleIsRefusedWithEveryErrorAndTheActiveOneStays() throws IOException {
    int before = activeVersion();
    Map<String, String> files = exampleFiles();
    files.put("sluice.yaml", files.get("sluice.yaml") + "\nbogus: 1\n");
    files.put("domains/extra.yaml", "apiVersion: sluice.dev/v1\ndomain: extra\nnonsense: true\n");

    given()
        .contentType(ContentType.JSON)
        .body(Map.of("files", files))
        .post("/api/v1/policy/apply")
        .then()
        .statusCode(422)
        .body("error.type", equalTo("InvalidPolicyBundleException"))
        .body("errors.size()", equalTo(2))
        .body("errors.file", hasItem("sluice.yaml"))
        .body("errors.file", hasItem("domains/extra.yaml"))
        .body("errors[0].line", org.hamcrest.Matchers.greaterThan(0));

    assertThat(activeVersion()).isEqualTo(before);
  }

  @Test
  void applyStoresANewVersionWithTheAuthenticatedAuthorAndDiff() throws IOException {
    int before = activeVersion();
    Map<String, String> files = exampleFiles();
    files.put(
        "domains/growth.yaml",
        files
            .get("domains/growth.yaml")
            .replace(
                "unmasked-for: [group:support]", "unmasked-for: [group:support, group:analysts]"));

    given()
        .contentType(ContentType.JSON)
        .body(Map.of("files", files))
        .post("/api/v1/policy/apply")
        .then()
        .statusCode(200)
        .body("version.version", equalTo(before + 1))
        .body("version.appliedBy", equalTo("user:sluice:bootstrap-admin"))
        .body("diff.risky", org.hamcrest.Matchers.greaterThan(0));

    assertThat(activeVersion()).isEqualTo(before + 1);
    given()
        .get("/api/v1/policy/versions")
        .then()
        .statusCode(200)
        .body("version", hasItem(before))
        .body("version", hasItem(before + 1));
    given()
        .get("/api/v1/policy/versions/" + (before + 1))
        .then()
        .statusCode(200)
        .body("version.appliedBy", equalTo("user:sluice:bootstrap-admin"))
        .body("markdown", containsString("group:analysts"));
  }

  @Test
  void refusesRequestsWithoutFilesOrWithUnsafePaths() throws IOException {
    given()
        .contentType(ContentType.JSON)
        .body(Map.of())
        .post("/api/v1/policy/apply")
        .then()
        .statusCode(400)
        .body("error.message", containsString("files is required"));
    given()
        .contentType(ContentType.JSON)
        .body(Map.of("files", Map.of("../etc/x.yaml", "apiVersion: sluice.dev/v1\n")))
        .post("/api/v1/policy/review")
        .then()
        .statusCode(400)
        .body("error.message", containsString("Invalid policy file path"));
    given().get("/api/v1/policy/versions/9999").then().statusCode(404);
  }
}
