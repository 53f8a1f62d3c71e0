package dev.sluice.it;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the build put the components (system properties set by the integration modules). */
public final class Components {
  private Components() {}

  public static String required(String property) {
    String value = System.getProperty(property);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException(
          "System property " + property + " is not set; run the tests through Maven");
    }
    return value;
  }

  /** The JDK 17 java launcher the server and S3Proxy run on. */
  public static String java17() {
    String home = System.getProperty("sluice.it.java17.home");
    if (home == null || home.isBlank()) {
      home = System.getProperty("java.home");
    }
    return Path.of(home, "bin", "java").toString();
  }

  /** A JDK 24 or newer (Trino needs it). */
  public static Path modernJavaHome() {
    String configured = System.getProperty("sluice.it.java24.home");
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured);
    }
    for (String candidate :
        new String[] {
          "/usr/lib/jvm/temurin-25-jdk-amd64", "/usr/lib/jvm/temurin-24-jdk-amd64",
          "/usr/lib/jvm/java-25-openjdk-amd64", "/usr/lib/jvm/java-24-openjdk-amd64"
        }) {
      if (Files.isExecutable(Path.of(candidate, "bin", "java"))) {
        return Path.of(candidate);
      }
    }
    throw new IllegalStateException(
        "No JDK >= 24 found for Trino; set -Dsluice.it.java24.home=/path/to/jdk");
  }
}
