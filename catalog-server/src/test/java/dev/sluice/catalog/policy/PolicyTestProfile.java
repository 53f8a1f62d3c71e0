package dev.sluice.catalog.policy;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** A fresh embedded server that loads the example bundle from deploy/policies at start. */
public class PolicyTestProfile implements QuarkusTestProfile {
  static final Path EXAMPLE_BUNDLE =
      Path.of("..", "deploy", "policies").toAbsolutePath().normalize();

  @Override
  public Map<String, String> getConfigOverrides() {
    try {
      Path dataDir = Files.createTempDirectory("sluice-policy-test-");
      return Map.of(
          "sluice.data-dir",
          dataDir.toString(),
          "sluice.warehouse.location",
          "file:" + dataDir.resolve("warehouse"),
          "quarkus.datasource.\"embedded\".jdbc.url",
          "jdbc:h2:file:" + dataDir.resolve("catalog") + ";DB_CLOSE_ON_EXIT=FALSE",
          "sluice.policy.directory",
          EXAMPLE_BUNDLE.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
