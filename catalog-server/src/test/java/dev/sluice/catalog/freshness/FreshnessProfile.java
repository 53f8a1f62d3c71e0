package dev.sluice.catalog.freshness;

import dev.sluice.catalog.EmbeddedWithPolicy;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.nio.file.Path;
import java.util.Map;

/**
 * A fresh embedded server whose policy promises {@code gold.user_features} within 3 seconds and
 * {@code gold.ledger} within an hour (a zone default overridden by the dataset); {@code
 * silver.orders} promises nothing; {@code gold.features_v2} promises 3 seconds too. Freshness is
 * checked every 300 ms; no webhook is configured.
 */
public class FreshnessProfile implements QuarkusTestProfile {
  static final Path DIR =
      Path.of("target", "test-data", "freshness-" + ProcessHandle.current().pid()).toAbsolutePath();
  static final String CHECK_INTERVAL = "300ms";

  static final String BUNDLE =
      """
      apiVersion: sluice.dev/v1
      zones:
        curated:
          namespaces: [silver, gold]
          storage: file:LAKE/curated/
          read: [group:analysts]
          write: [client:transform]
      datasets:
        gold.user_features:
          contract:
            freshness: {max-staleness: 3s}
        gold.ledger:
          contract:
            freshness: 1h
        gold.features_v2:
          contract:
            freshness: {max-staleness: 3s}
      """;

  @Override
  public Map<String, String> getConfigOverrides() {
    return EmbeddedWithPolicy.settings(
        DIR, BUNDLE, Map.of("sluice.freshness.check-interval", CHECK_INTERVAL));
  }
}
