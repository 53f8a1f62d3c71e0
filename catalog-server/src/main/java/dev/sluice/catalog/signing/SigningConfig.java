package dev.sluice.catalog.signing;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * S3 remote signing: engines hold no bucket keys and send each S3 request to Sluice, which signs it
 * with {@code sluice.s3.access-key-id}/{@code secret-access-key} only when the request stays under
 * a table the caller may use that way.
 */
@ConfigMapping(prefix = "sluice.signing")
public interface SigningConfig {

  /**
   * Whether the sign endpoints answer and loads offer {@code remote-signing}. It also needs an
   * {@code s3://} warehouse and S3 keys; without them signing stays off and says why.
   */
  @WithDefault("true")
  boolean enabled();

  /**
   * Which signing decisions go to the audit trail: {@code all}, or {@code sample-reads} (every
   * refusal and every write, and a share of the allowed reads: a scan signs one GET per file).
   */
  @WithDefault("all")
  AuditMode audit();

  /** The share of allowed reads recorded when {@code audit=sample-reads}. */
  @WithDefault("0.01")
  double auditSampleRate();

  /**
   * How long the files of a table the catalog does not list can still be reached through signing by
   * writers of its name: a staged create (CREATE TABLE AS SELECT writes its files before the table
   * exists) may write them; after a drop without purge (Spark's {@code DROP TABLE ... PURGE} drops,
   * then deletes the files itself) they may only be deleted.
   */
  @WithDefault("1H")
  java.time.Duration unlistedTableWindow();

  /**
   * Whether clients may reuse a read's signature for the next reads of the same object (Iceberg
   * keeps one 30 s, by method and URI: about one sign request per file of a scan instead of three).
   * Off by default: Iceberg's cache is shared by every catalog of a JVM, so an engine holding two
   * identities could read with one what only the other may, and reused reads are not audited.
   */
  @WithDefault("false")
  boolean reusableReads();

  enum AuditMode {
    ALL,
    SAMPLE_READS
  }
}
