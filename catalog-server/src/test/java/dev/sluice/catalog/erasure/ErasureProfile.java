package dev.sluice.catalog.erasure;

import dev.sluice.catalog.EmbeddedWithPolicy;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.nio.file.Path;
import java.util.Map;

/**
 * A fresh embedded server whose policy declares three datasets with a consent subject column {@code
 * customer_id}: the customers table, a table derived from it, a table that lacks the column, and an
 * orders table that exists only while the test of an erasure racing a writer runs.
 */
public class ErasureProfile implements QuarkusTestProfile {
  static final Path DIR =
      Path.of("target", "test-data", "erasure-" + ProcessHandle.current().pid()).toAbsolutePath();
  static final Path LAKE = DIR.resolve("lake");

  static final String BUNDLE =
      """
      apiVersion: sluice.dev/v1
      zones:
        crm:
          namespaces: [crm]
          storage: file:LAKE/crm/
          read: [group:analysts]
          write: [client:keeper]
      datasets:
        crm.customers:
          columns:
            customer_id:
            consent_status:
          consent: {subject-column: customer_id, status-column: consent_status}
        crm.customer_features:
          columns:
            buyer:
        crm.notes:
          columns:
            customer_id:
            author_id:
            consent_status:
          consent:
            subject-column: customer_id
            subject-columns: [author_id]
            status-column: consent_status
        crm.orders:
          columns:
            customer_id:
            consent_status:
          consent: {subject-column: customer_id, status-column: consent_status}
        crm.visits:
          columns:
            customer_id:
            consent_status:
          consent: {subject-column: customer_id, status-column: consent_status}
      """;

  @Override
  public Map<String, String> getConfigOverrides() {
    return EmbeddedWithPolicy.settings(DIR, BUNDLE, Map.of());
  }
}
