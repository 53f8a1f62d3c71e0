package dev.sluice.catalog.rest;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.nio.file.Path;
import java.util.Map;

/**
 * The embedded default (H2 file database, {@code file:} warehouse) in a fresh directory per test
 * JVM, with a small request body limit so 413 is cheap to provoke. Every test class uses this one
 * profile, so the application starts once.
 */
public class CatalogTestProfile implements QuarkusTestProfile {
  /** Small enough to exceed cheaply, large enough for every ordinary request of the tests. */
  public static final int MAX_BODY_BYTES = 65536;

  /** Same value in every class loader: derived from the process id, not from a random name. */
  static final Path DATA_DIR =
      Path.of("target", "test-data", "run-" + ProcessHandle.current().pid()).toAbsolutePath();

  @Override
  public Map<String, String> getConfigOverrides() {
    return Map.of(
        "sluice.data-dir",
        DATA_DIR.toString(),
        "sluice.warehouse.name",
        "sluice",
        "sluice.http.max-request-body-bytes",
        String.valueOf(MAX_BODY_BYTES),
        "quarkus.log.console.level",
        "INFO",
        // clients in this JVM retry their conflicts on purpose; one line per retry is noise
        "quarkus.log.category.\"org.apache.iceberg.util.Tasks\".level",
        "ERROR");
  }
}
