package dev.sluice.catalog.sidedoors;

import dev.sluice.catalog.EmbeddedWithPolicy;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.nio.file.Path;
import java.util.Map;

/**
 * A fresh embedded server enforcing a bundle built to probe side doors: zones with local storage
 * roots (one of them for a nested namespace), a classification with name rules, a purpose that
 * needs consent, and grants on a table-name pattern.
 */
public class SideDoorsProfile implements QuarkusTestProfile {
  static final Path DIR =
      Path.of("target", "test-data", "side-doors-" + ProcessHandle.current().pid())
          .toAbsolutePath();
  static final Path LAKE = DIR.resolve("lake");

  static final String BUNDLE =
      """
      apiVersion: sluice.dev/v1
      zones:
        intake:
          namespaces: [intake]
          storage: file:LAKE/intake/
          read: [group:analysts, group:privacy-office, client:trainer]
          write: [client:intake-writer]
        curated:
          namespaces: [curated]
          storage: file:LAKE/curated/
          read: [group:analysts]
          write: [client:transform]
          forbid: [pii.direct]
        lab:
          namespaces: [curated.lab]
          storage: file:LAKE/lab/
          read: [group:lab]
          write: [client:lab-writer]
        shared:
          namespaces: [shared]
          storage: file:LAKE/shared/
          write: [client:intake-writer]
      classifications:
        pii.direct:
          default-mask: redact
          unmasked-for: [group:privacy-office]
          column-names: [email, "*_email", phone, "*_phone"]
      purposes:
        training: {requires-consent: training}
      principals:
        client:trainer: {purposes: [training]}
      datasets:
        intake.customers:
          columns:
            customer_id: {type: varchar}
            email: {type: varchar, classification: pii.direct}
            allowed_purposes:
          consent: {subject-column: customer_id, purposes-column: allowed_purposes}
      grants:
        - principal: group:analysts
          read: [shared.visible_*]
      """;

  @Override
  public Map<String, String> getConfigOverrides() {
    return EmbeddedWithPolicy.settings(
        DIR, BUNDLE, Map.of("sluice.trino.client-users", "service-account-trainer=client:trainer"));
  }
}
