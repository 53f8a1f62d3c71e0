package dev.sluice.catalog.security;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A fresh embedded server enforcing the example policy, with its zones' storage moved to local
 * folders, and accepting OIDC tokens of a test issuer whose signing key the tests hold.
 */
public class SecurityTestProfile implements QuarkusTestProfile {
  static final String ISSUER = "https://idp.test/realms/lakehouse";
  static final Path DIR =
      Path.of("target", "test-data", "security-" + ProcessHandle.current().pid()).toAbsolutePath();
  static final Path POLICIES = DIR.resolve("policies");
  static final Path LAKE = DIR.resolve("lake");
  static final int FAILED_AUTH_LIMIT = 20;
  static final java.time.Duration FAILED_AUTH_WINDOW = java.time.Duration.ofMinutes(1);

  @Override
  public Map<String, String> getConfigOverrides() {
    try {
      Files.createDirectories(DIR);
      copyExampleBundle();
      JwtKeys keys = JwtKeys.atTestLocation();
      return Map.of(
          "sluice.data-dir",
          DIR.resolve("data").toString(),
          "sluice.policy.directory",
          POLICIES.toString(),
          "sluice.auth.oidc.issuer",
          ISSUER,
          "sluice.auth.oidc.jwks-uri",
          keys.publicKeyFile().toUri().toString(),
          "sluice.auth.failed-auth-limit",
          String.valueOf(FAILED_AUTH_LIMIT),
          "sluice.auth.failed-auth-window",
          FAILED_AUTH_WINDOW.toString(),
          // tests close the aggregation window themselves
          "sluice.auth.failed-auth-audit-window",
          "1H");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The example bundle with {@code s3://lake/} roots pointed at a local folder. */
  private static void copyExampleBundle() throws IOException {
    Path source = Path.of("..", "deploy", "policies").toAbsolutePath().normalize();
    try (var files = Files.walk(source)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        Path copy = POLICIES.resolve(source.relativize(file).toString());
        Files.createDirectories(copy.getParent());
        Files.writeString(copy, Files.readString(file).replace("s3://lake/", "file:" + LAKE + "/"));
      }
    }
  }
}
