package dev.sluice.catalog.retention;

import dev.sluice.catalog.EmbeddedWithPolicy;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.nio.file.Path;
import java.util.Map;

/**
 * A fresh embedded server whose policy gives two tables a retention: one by a per-row expiry
 * column, one by a maximum age on an event-time column; both keep one minute of time travel (the
 * shortest window a policy can say), so a test can wait it out. A third table has no retention; a
 * fourth dataset has a retention but no table. The schedule is off: the tests ask for every sweep.
 */
public class RetentionProfile implements QuarkusTestProfile {
  static final Path DIR =
      Path.of("target", "test-data", "retention-" + ProcessHandle.current().pid()).toAbsolutePath();
  static final Path LAKE = DIR.resolve("lake");

  static final String BUNDLE =
      """
      apiVersion: sluice.dev/v1
      zones:
        kept:
          namespaces: [kept]
          storage: file:LAKE/kept/
          read: [group:analysts]
          write: [client:keeper]
      datasets:
        kept.events:
          columns:
            id: {type: bigint}
            retention_until:
          retention:
            expires-column: retention_until
            time-travel: 1m
        kept.pings:
          columns:
            id: {type: bigint}
            event_time:
          retention:
            max-age: 30d
            event-time-column: event_time
            time-travel: 1m
        kept.ledger:
          columns:
            id: {type: bigint}
        kept.planned:
          columns:
            retention_until:
          retention: {expires-column: retention_until}
      """;

  @Override
  public Map<String, String> getConfigOverrides() {
    return EmbeddedWithPolicy.settings(
        DIR, BUNDLE, Map.of("sluice.retention.sweep-interval", "off"));
  }
}
