package dev.sluice.it;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.net.ssl.SSLContext;

/**
 * The certificates of the Trino decision channel, made for one run by one authority, as a
 * deployment has them (README, "The decision channel: mutual TLS"): Sluice's server key store, one
 * trust store holding the authority (Sluice's for client certificates, the clients' for Sluice's),
 * and the coordinator's client key store, whose subject is the only one Sluice accepts ({@code
 * sluice.trino.allowed-client-subjects}).
 */
public record DecisionTls(
    CertificateAuthority authority,
    CertificateAuthority.Store server,
    CertificateAuthority.Store trust,
    CertificateAuthority.Store coordinator,
    String coordinatorSubject) {

  /** Makes the authority and the stores in {@code dir}; {@code owner} names the run's authority. */
  public static DecisionTls create(Path dir, String owner) throws IOException {
    CertificateAuthority authority = CertificateAuthority.create(dir, owner + " CA");
    String subject = "CN=trino-coordinator,O=" + owner;
    return new DecisionTls(
        authority,
        authority.server("sluice"),
        authority.trustStore(),
        authority.client("trino-coordinator", subject),
        subject);
  }

  /** Sluice's settings: HTTPS on {@code port} with this authority as its client trust store. */
  public Map<String, String> sluiceConfig(int port) {
    Map<String, String> config = new LinkedHashMap<>();
    config.put("quarkus.http.ssl-port", String.valueOf(port));
    config.put("quarkus.http.tls-configuration-name", "https");
    config.put("quarkus.tls.https.key-store.p12.path", server.path().toString());
    config.put("quarkus.tls.https.key-store.p12.password", server.password());
    config.put("quarkus.tls.https.trust-store.p12.path", trust.path().toString());
    config.put("quarkus.tls.https.trust-store.p12.password", trust.password());
    // a subject with a comma takes an indexed property
    config.put("sluice.trino.allowed-client-subjects[0]", coordinatorSubject);
    return config;
  }

  /** A client context presenting the coordinator's certificate and trusting Sluice's. */
  public SSLContext coordinatorContext() {
    return coordinator.sslContext(trust);
  }

  /** A client that trusts Sluice but presents no certificate: Sluice must refuse it. */
  public SSLContext anonymousContext() {
    return trust.trustingContext();
  }
}
