package dev.sluice.bench;

import dev.sluice.it.CertificateAuthority;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.net.ssl.SSLContext;

/**
 * The decision channel's certificates, made for one run by one authority, as a deployment has them
 * (README, "The decision channel: mutual TLS"): Sluice's server key store, one trust store holding
 * the authority (Sluice's for client certificates, the clients' for Sluice's), and the
 * coordinator's client key store, whose subject is the only one Sluice accepts. Trino's {@code opa}
 * plugin and the benchmark's own decision client both present the coordinator's certificate.
 */
record DecisionTls(
    CertificateAuthority authority,
    CertificateAuthority.Store server,
    CertificateAuthority.Store trust,
    CertificateAuthority.Store coordinator) {
  static final String COORDINATOR_SUBJECT = "CN=trino-coordinator,O=Sluice benchmark";

  static DecisionTls create(Path dir) throws IOException {
    CertificateAuthority authority = CertificateAuthority.create(dir, "Sluice benchmark CA");
    return new DecisionTls(
        authority,
        authority.server("sluice"),
        authority.trustStore(),
        authority.client("trino-coordinator", COORDINATOR_SUBJECT));
  }

  /** Sluice's settings: HTTPS on {@code port}, this authority as its client trust store. */
  Map<String, String> sluiceConfig(int port) {
    Map<String, String> config = new LinkedHashMap<>();
    config.put("quarkus.http.ssl-port", String.valueOf(port));
    config.put("quarkus.http.tls-configuration-name", "https");
    config.put("quarkus.tls.https.key-store.p12.path", server.path().toString());
    config.put("quarkus.tls.https.key-store.p12.password", server.password());
    config.put("quarkus.tls.https.trust-store.p12.path", trust.path().toString());
    config.put("quarkus.tls.https.trust-store.p12.password", trust.password());
    // a subject with a comma takes an indexed property
    config.put("sluice.trino.allowed-client-subjects[0]", COORDINATOR_SUBJECT);
    return config;
  }

  /** What the benchmark's decision client uses: the coordinator's certificate, Sluice trusted. */
  SSLContext coordinatorContext() {
    return coordinator.sslContext(trust);
  }

  /** A client that trusts Sluice but presents no certificate: Sluice must refuse it. */
  SSLContext anonymousContext() {
    return trust.trustingContext();
  }
}
