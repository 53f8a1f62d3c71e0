package dev.sluice.catalog.trino;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;

/** The decision API that Trino's {@code opa} access-control plugin calls. */
@ConfigMapping(prefix = "sluice.trino")
public interface TrinoConfig {

  /** Trino catalogs whose tables are this catalog's; decisions on any other catalog are denials. */
  @WithDefault("lake")
  List<String> catalogs();

  /**
   * Addresses allowed to call the decision API. Trino's plugin sends no credentials, so the API is
   * closed to every other caller (403).
   */
  @WithDefault("127.0.0.1,::1,0:0:0:0:0:0:0:1")
  List<String> allowedClients();

  /**
   * Trino users named with this prefix are clients: Keycloak names the service account of client
   * {@code ingest} {@code service-account-ingest}, and Sluice judges it as {@code client:ingest}.
   */
  @WithDefault("service-account-")
  String clientUserPrefix();

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
