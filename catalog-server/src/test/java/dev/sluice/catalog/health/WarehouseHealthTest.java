package dev.sluice.catalog.health;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Readiness follows the warehouse: while its directory is gone the server answers 503 on {@code
 * /q/health/ready} (and stays live), and comes back by itself when the directory returns.
 */
@QuarkusTest
@TestProfile(WarehouseHealthTest.Profile.class)
class WarehouseHealthTest {
  static final Path DATA_DIR = tempDir();

  public static class Profile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "sluice.data-dir",
          DATA_DIR.toString(),
          "sluice.warehouse.location",
          "file:" + DATA_DIR.resolve("warehouse"),
          "quarkus.datasource.\"embedded\".jdbc.url",
          "jdbc:h2:file:" + DATA_DIR.resolve("catalog") + ";DB_CLOSE_ON_EXIT=FALSE");
    }
  }

  private static Path tempDir() {
    try {
      return Files.createTempDirectory("sluice-health-test-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void readinessFailsWhileTheWarehouseIsUnreachableAndRecovers() throws Exception {
    Path warehouse = DATA_DIR.resolve("warehouse");
    Path away = DATA_DIR.resolve("warehouse-unmounted");
    given()
        .get("/q/health/ready")
        .then()
        .statusCode(200)
        .body("checks.name", hasItem(WarehouseHealthCheck.NAME))
        .body("checks.name", hasItem("Database connections health check"));

    Files.move(warehouse, away);
    try {
      awaitReadiness(503);
      given()
          .get("/q/health/ready")
          .then()
          .statusCode(503)
          .body(
              "checks.find { it.name == '" + WarehouseHealthCheck.NAME + "' }.status",
              equalTo("DOWN"));
      given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    } finally {
      Files.move(away, warehouse);
    }
    awaitReadiness(200);
  }

  private static void awaitReadiness(int status) throws InterruptedException {
    // answers are cached for CACHED_FOR; allow a few of those
    long deadline = System.nanoTime() + WarehouseHealthCheck.CACHED_FOR.multipliedBy(4).toNanos();
    while (given().get("/q/health/ready").statusCode() != status) {
      if (System.nanoTime() > deadline) {
        given().get("/q/health/ready").then().statusCode(status);
      }
      Thread.sleep(100);
    }
  }
}
