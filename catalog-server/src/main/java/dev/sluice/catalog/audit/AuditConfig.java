package dev.sluice.catalog.audit;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * How the decisions written at the end of a request (reads, refusals, failed changes) reach the
 * database: queued in memory and written in batches. Decisions that allow a change are not queued;
 * they commit with the change.
 */
@ConfigMapping(prefix = "sluice.audit")
public interface AuditConfig {

  /**
   * The longest a queued row waits before its batch is written: what a crash can lose while the
   * database keeps up, and how late other replicas see this replica's rows.
   */
  @WithDefault("200ms")
  Duration flushInterval();

  /**
   * Rows this replica may hold unwritten. When the database is down or too slow and the queue is
   * full, a read is answered 503 instead of being served without its audit row.
   */
  @WithDefault("50000")
  int queueCapacity();

  /** The most rows one transaction writes; a queue this long is written without waiting. */
  @WithDefault("2000")
  int batchSize();
}
