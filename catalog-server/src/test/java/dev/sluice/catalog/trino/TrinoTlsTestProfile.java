package dev.sluice.catalog.trino;

import dev.sluice.catalog.security.SecurityTestProfile;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * {@link SecurityTestProfile} with HTTPS whose trust store holds the test authority, the decision
 * API pinned to the coordinator's certificate subject, and Keycloak's service accounts of the
 * example policy's clients mapped to those clients.
 */
public class TrinoTlsTestProfile extends SecurityTestProfile {
  /** The subject of Trino's client certificate; it has a comma, so it takes an indexed property. */
  static final String COORDINATOR = "CN=trino-coordinator,O=Sluice tests";

  /** Certificates for every test of this JVM, made once. */
  static final class Certificates {
    static final TestCertificates AUTHORITY;
    static final TestCertificates.Store SERVER;
    static final TestCertificates.Store TRUST;
    static final TestCertificates.Store COORDINATOR_CLIENT;
    static final TestCertificates.Store OTHER_CLIENT;
    static final TestCertificates.Store STRANGER_CLIENT;

    static {
      Path dir =
          Path.of("target", "test-certs", "trino-" + ProcessHandle.current().pid())
              .toAbsolutePath();
      AUTHORITY = TestCertificates.authority(dir.resolve("ca"), "Sluice test CA");
      SERVER = AUTHORITY.server("sluice");
      TRUST = AUTHORITY.trustStore();
      COORDINATOR_CLIENT = AUTHORITY.client("coordinator", COORDINATOR);
      OTHER_CLIENT = AUTHORITY.client("other", "CN=other-service,O=Sluice tests");
      // the same subject as the coordinator's, from an authority the server does not trust
      STRANGER_CLIENT =
          TestCertificates.authority(dir.resolve("stranger"), "Stranger CA")
              .client("stranger", COORDINATOR);
    }

    private Certificates() {}
  }

  @Override
  public Map<String, String> getConfigOverrides() {
    Map<String, String> config = new HashMap<>(super.getConfigOverrides());
    config.put("quarkus.http.tls-configuration-name", "https");
    config.put("quarkus.tls.https.key-store.p12.path", Certificates.SERVER.path().toString());
    config.put("quarkus.tls.https.key-store.p12.password", Certificates.SERVER.password());
    config.put("quarkus.tls.https.trust-store.p12.path", Certificates.TRUST.path().toString());
    config.put("quarkus.tls.https.trust-store.p12.password", Certificates.TRUST.password());
    config.put("sluice.trino.allowed-client-subjects[0]", COORDINATOR);
    config.put(
        "sluice.trino.client-users",
        "service-account-training-pipeline=client:training-pipeline,"
            + "service-account-ingest=client:ingest");
    return config;
  }

  /** The same server, with an address fence that keeps loopback callers out. */
  public static class Fenced extends TrinoTlsTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      Map<String, String> config = new HashMap<>(super.getConfigOverrides());
      config.put("sluice.trino.allowed-clients", "192.0.2.10");
      return config;
    }
  }
}
