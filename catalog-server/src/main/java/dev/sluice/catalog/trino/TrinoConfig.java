package dev.sluice.catalog.trino;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;
import java.util.Optional;

/** The decision API that Trino's {@code opa} access-control plugin calls. */
@ConfigMapping(prefix = "sluice.trino")
public interface TrinoConfig {

  /** Trino catalogs whose tables are this catalog's; decisions on any other catalog are denials. */
  @WithDefault("lake")
  List<String> catalogs();

  /**
   * Addresses allowed to call the decision API, a fence behind the client certificate: a caller
   * with a trusted certificate from any other address is refused (403).
   */
  @WithDefault("127.0.0.1,::1,0:0:0:0:0:0:0:1")
  List<String> allowedClients();

  /**
   * Subjects (X.500 names such as {@code CN=trino-coordinator,O=Example}) whose client certificates
   * may call the decision API; empty lets every certificate the trust store trusts. A name with
   * commas needs its own indexed property ({@code allowed-client-subjects[0]=…}).
   */
  Optional<List<String>> allowedClientSubjects();

  /**
   * Trino users that are engine clients, as {@code <trino user>=client:<name>} (Keycloak names the
   * service account of client {@code ingest} {@code service-account-ingest}). Every other Trino
   * user is the user of that name: a name alone never makes anyone a client.
   */
  Optional<List<String>> clientUsers();

  /**
   * Development only: the decision API answers without a client certificate, over plain HTTP too,
   * fenced by {@link #allowedClients()} alone. Logged loudly at start.
   */
  @WithDefault("false")
  boolean developmentPlainHttp();

  /** Which decisions go to the audit trail: all, denials only, or denials and a sample. */
  @WithDefault("all")
  AuditMode audit();

  /** The share of allowed decisions recorded when {@code audit=sample}. */
  @WithDefault("0.01")
  double auditSampleRate();

  /** How much of the decision traffic is recorded; Trino asks many questions per query. */
  enum AuditMode {
    ALL,
    DENIALS,
    SAMPLE
  }
}
