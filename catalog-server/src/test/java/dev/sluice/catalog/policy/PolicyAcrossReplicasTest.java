package dev.sluice.catalog.policy;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.equalTo;

import dev.sluice.catalog.persistence.PolicyStore;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.junit.jupiter.api.Test;

/**
 * A version stored by another replica (written straight to the policy table, as that replica's
 * apply would) is what review and apply on this one work against: no stale diff, no 409 for an
 * apply that did not race anything.
 */
@QuarkusTest
@TestProfile(PolicyAcrossReplicasTest.Profile.class)
class PolicyAcrossReplicasTest {
  /** Its own server: the versions this test stores must not meet other tests' expectations. */
  public static class Profile extends PolicyTestProfile {}

  @Inject PolicyStore store;
  @Inject PolicyService policies;

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

  private static Map<String, String> analystsUnmasked() throws IOException {
    Map<String, String> files = exampleFiles();
    files.put(
        "domains/growth.yaml",
        files
            .get("domains/growth.yaml")
            .replace(
                "unmasked-for: [group:support]", "unmasked-for: [group:support, group:analysts]"));
    return files;
  }

  @Test
  void reviewAndApplyWorkAgainstAVersionAnotherReplicaStored() throws IOException {
    int before = given().get("/api/v1/policy").then().statusCode(200).extract().path("version");
    Map<String, String> elsewhere = analystsUnmasked();
    store.append(
        before,
        PolicyBundleFiles.hash(elsewhere),
        PolicyBundleFiles.toJson(elsewhere),
        "user:someone-on-another-replica",
        "api",
        "{\"items\":[]}",
        "");

    // reviewing the very bundle the other replica applied changes nothing
    Response review =
        given()
            .contentType(ContentType.JSON)
            .body(Map.of("files", elsewhere))
            .post("/api/v1/policy/review")
            .then()
            .statusCode(200)
            .extract()
            .response();
    assertThat(review.<Boolean>path("valid")).isTrue();
    assertThat(review.<List<?>>path("diff.items")).isEmpty();

    // going back to the example is the change that masks phone for analysts again
    Response applied =
        given()
            .contentType(ContentType.JSON)
            .body(Map.of("files", exampleFiles()))
            .post("/api/v1/policy/apply")
            .then()
            .statusCode(200)
            .body("version.version", equalTo(before + 2))
            .extract()
            .response();
    List<Map<String, Object>> items = applied.path("diff.items");
    assertThat(items)
        .anySatisfy(
            item -> {
              assertThat(item.get("dataset")).isEqualTo("raw.customers");
              assertThat(item.get("subject")).isEqualTo("group:analysts");
              assertThat(item.get("column")).isEqualTo("phone");
            });
    given().get("/api/v1/policy").then().statusCode(200).body("version", equalTo(before + 2));
  }

  @Test
  void anApplyThatLosesARaceIsAConflictAndTheWinnerBecomesActive() throws IOException {
    int before = policies.refresh().orElseThrow().version();
    Map<String, String> files = analystsUnmasked();
    // another replica's apply commits between this one's read of the latest version and its own
    store.append(
        before,
        PolicyBundleFiles.hash(exampleFiles()),
        PolicyBundleFiles.toJson(exampleFiles()),
        "user:someone-on-another-replica",
        "api",
        "{\"items\":[]}",
        "");
    assertThatThrownBy(
            () ->
                store.append(
                    before,
                    PolicyBundleFiles.hash(files),
                    PolicyBundleFiles.toJson(files),
                    "user:sluice:bootstrap-admin",
                    "api",
                    "{\"items\":[]}",
                    ""))
        .isInstanceOf(CommitFailedException.class)
        .hasMessageContaining("Policy changed concurrently");
    assertThat(store.latestVersion()).isEqualTo(before + 1);
    assertThat(policies.refresh().orElseThrow().version()).isEqualTo(before + 1);
  }
}
