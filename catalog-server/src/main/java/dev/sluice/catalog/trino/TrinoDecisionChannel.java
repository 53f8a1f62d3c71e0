package dev.sluice.catalog.trino;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.tls.TlsConfiguration;
import io.quarkus.tls.TlsConfigurationRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.security.cert.X509Certificate;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import javax.security.auth.x500.X500Principal;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Who may ask the decision API. An answer tells what any user may see, and Trino's {@code opa}
 * plugin puts no credentials into its requests, so the connection must carry them: the plugin
 * presents a client certificate on Sluice's HTTPS port, the TLS handshake verifies it against the
 * trust store of the HTTP server's TLS configuration ({@code quarkus.tls.*}), and this channel then
 * requires that a verified certificate came with the request, that its subject is one of {@code
 * sluice.trino.allowed-client-subjects} (when set), and that the caller's address is one of {@code
 * sluice.trino.allowed-clients}. Plain HTTP, TLS without a certificate and a server without mutual
 * TLS are all refused; {@code sluice.trino.development-plain-http} lifts the certificate checks for
 * a developer's machine only.
 */
@ApplicationScoped
public class TrinoDecisionChannel {
  private static final Logger LOG = Logger.getLogger(TrinoDecisionChannel.class);

  static final String NOT_CONFIGURED =
      "The Trino decision API answers only over mutual TLS, which is not configured: give the"
          + " HTTPS port a key store and a trust store holding the CA of Trino's client"
          + " certificates (quarkus.tls.<name>.key-store.*, quarkus.tls.<name>.trust-store.*,"
          + " quarkus.http.tls-configuration-name=<name>, quarkus.http.ssl-port), and give Trino's"
          + " opa plugin https:// URIs and a key store (opa.http-client.key-store-path); see the"
          + " README, 'Masks and row filters in Trino'";

  private final Set<String> allowedAddresses;
  private final Set<X500Principal> allowedSubjects;
  private final boolean plainHttpAllowed;
  private final Optional<String> tlsProblem;
  private final String tlsName;

  @Inject
  public TrinoDecisionChannel(
      TrinoConfig config,
      TlsConfigurationRegistry registry,
      @ConfigProperty(name = "quarkus.http.tls-configuration-name")
          Optional<String> tlsConfigurationName) {
    this(
        config.allowedClients(),
        config.allowedClientSubjects().orElse(List.of()),
        config.developmentPlainHttp(),
        tlsProblem(registry, tlsConfigurationName),
        tlsConfigurationName.map(n -> "quarkus.tls." + n).orElse("quarkus.tls"));
  }

  TrinoDecisionChannel(
      List<String> allowedAddresses,
      List<String> allowedSubjects,
      boolean plainHttpAllowed,
      Optional<String> tlsProblem,
      String tlsName) {
    this.allowedAddresses = Set.copyOf(allowedAddresses);
    Set<X500Principal> subjects = new LinkedHashSet<>();
    for (String subject : allowedSubjects) {
      try {
        subjects.add(new X500Principal(subject.trim()));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "sluice.trino.allowed-client-subjects: not an X.500 name: '" + subject + "'", e);
      }
    }
    this.allowedSubjects = Set.copyOf(subjects);
    this.plainHttpAllowed = plainHttpAllowed;
    this.tlsProblem = tlsProblem;
    this.tlsName = tlsName;
  }

  void atStart(@Observes StartupEvent event) {
    if (plainHttpAllowed) {
      LOG.warn(
          "!!! sluice.trino.development-plain-http=true: the Trino decision API answers without a"
              + " client certificate, over plain HTTP too; whoever reaches it from an allowed"
              + " address can ask what any user may see. Never run like this outside a"
              + " developer's machine. !!!");
    } else if (tlsProblem.isPresent()) {
      LOG.infof("The Trino decision API refuses every request: %s", tlsProblem.get());
    } else {
      LOG.infof(
          "The Trino decision API answers HTTPS callers with a client certificate trusted by %s"
              + ".trust-store%s, from %s",
          tlsName,
          allowedSubjects.isEmpty()
              ? ""
              : ", subject one of "
                  + allowedSubjects.stream()
                      .map(X500Principal::getName)
                      .collect(Collectors.joining("; ")),
          allowedAddresses);
    }
  }

  /** Why this caller gets no answer, or empty when it may ask. */
  public Optional<String> refusal(TrinoCaller caller) {
    if (!plainHttpAllowed) {
      if (tlsProblem.isPresent()) {
        return tlsProblem;
      }
      if (!caller.tls()) {
        return Optional.of(
            "The Trino decision API answers only over mutual TLS and this request came over plain"
                + " HTTP: call it on the HTTPS port (quarkus.http.ssl-port) with a client"
                + " certificate");
      }
      if (caller.certificate().isEmpty()) {
        return Optional.of(
            "The Trino decision API answers only callers with a client certificate trusted by "
                + tlsName
                + ".trust-store, and this connection presented none");
      }
      X509Certificate certificate = caller.certificate().get();
      if (!allowedSubjects.isEmpty()
          && !allowedSubjects.contains(certificate.getSubjectX500Principal())) {
        return Optional.of(
            "The client certificate of "
                + certificate.getSubjectX500Principal().getName()
                + " is not one of sluice.trino.allowed-client-subjects");
      }
    }
    if (!allowedAddresses.contains(caller.address())) {
      return Optional.of(
          "The Trino decision API does not answer "
              + caller.address()
              + " (sluice.trino.allowed-clients)");
    }
    return Optional.empty();
  }

  /**
   * What keeps the HTTP server's TLS configuration from verifying client certificates, if anything:
   * no configuration with a key store (no HTTPS port), no trust store, or one that trusts all.
   */
  static Optional<String> tlsProblem(TlsConfigurationRegistry registry, Optional<String> name) {
    Optional<TlsConfiguration> tls =
        name.isPresent()
            ? registry.get(name.get())
            : registry.getDefault().filter(t -> t.getKeyStoreOptions() != null);
    if (tls.isEmpty() || tls.get().getKeyStoreOptions() == null) {
      return Optional.of(NOT_CONFIGURED);
    }
    String prefix = name.map(n -> "quarkus.tls." + n).orElse("quarkus.tls");
    if (tls.get().isTrustAll()) {
      return Optional.of(
          "The Trino decision API refuses every request: "
              + prefix
              + ".trust-all=true would let any client certificate in; configure "
              + prefix
              + ".trust-store.* with the CA of Trino's client certificates instead");
    }
    if (tls.get().getTrustStore() == null) {
      return Optional.of(
          "The Trino decision API refuses every request: "
              + prefix
              + ".trust-store.* is not set, so no client certificate can be verified; configure it"
              + " with the CA of Trino's client certificates");
    }
    return Optional.empty();
  }
}
