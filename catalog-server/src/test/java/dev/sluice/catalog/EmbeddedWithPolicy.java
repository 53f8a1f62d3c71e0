package dev.sluice.catalog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The settings of a fresh embedded server (H2 and a {@code file:} warehouse under {@code dir})
 * enforcing a policy bundle written to {@code dir/policies}; {@code file:LAKE/} in the bundle names
 * {@code dir/lake}. Jobs are polled every 200 ms, so a test waits little for one.
 */
public final class EmbeddedWithPolicy {
  private EmbeddedWithPolicy() {}

  public static Map<String, String> settings(Path dir, String bundle, Map<String, String> more) {
    try {
      Path policies = Files.createDirectories(dir.resolve("policies"));
      Path lake = Files.createDirectories(dir.resolve("lake"));
      Files.writeString(
          policies.resolve("sluice.yaml"), bundle.replace("file:LAKE/", "file:" + lake + "/"));
      Path data = dir.resolve("data");
      Map<String, String> settings = new HashMap<>();
      settings.put("sluice.data-dir", data.toString());
      settings.put("sluice.warehouse.location", "file:" + data.resolve("warehouse"));
      settings.put(
          "quarkus.datasource.\"embedded\".jdbc.url",
          "jdbc:h2:file:" + data.resolve("catalog") + ";DB_CLOSE_ON_EXIT=FALSE");
      settings.put("sluice.policy.directory", policies.toString());
      settings.put("sluice.jobs.poll-interval", "200ms");
      settings.putAll(more);
      return settings;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
