package dev.sluice.catalog.jobs;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/**
 * The Trino that rewrites large tables for retention and erasure jobs. Unset, every rewrite runs in
 * this process. Set, tables whose current data exceed {@link #inProcessMaxBytes()} are rewritten by
 * Trino over JDBC, through a Trino catalog that is an Iceberg REST catalog on this Sluice.
 */
@ConfigMapping(prefix = "sluice.jobs.trino")
public interface TrinoJobsConfig {

  /** JDBC URL of the Trino coordinator, e.g. {@code jdbc:trino://trino.internal:8080}. */
  Optional<String> url();

  /** The Trino catalog that reaches this Sluice's tables (an Iceberg catalog of type rest). */
  @WithDefault("iceberg")
  String catalog();

  /** The Trino user jobs run as. */
  @WithDefault("sluice-jobs")
  String user();

  /** Password of that user, when the coordinator asks for one (HTTPS only). */
  Optional<String> password();

  /**
   * Tables whose current snapshot holds more bytes of data than this are rewritten by Trino;
   * smaller ones stay in this process. 0 sends every table to Trino.
   */
  @WithDefault("268435456")
  long inProcessMaxBytes();
}
