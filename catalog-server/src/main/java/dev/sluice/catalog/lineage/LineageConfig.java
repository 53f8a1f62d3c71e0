package dev.sluice.catalog.lineage;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/** OpenLineage: who may send events, the events the catalog emits and where they are forwarded. */
@ConfigMapping(prefix = "sluice.lineage")
public interface LineageConfig {

  /** The role that may send OpenLineage events (the admin role may too). */
  @WithDefault("sluice-lineage-writer")
  String writerRole();

  /**
   * How long the table a dataset's location maps to is remembered: a table created, dropped or
   * renamed changes what lineage readers see within this time. Policy changes apply at once.
   */
  @WithDefault("5s")
  Duration tableLookupTtl();

  /** Emit an OpenLineage event for every table commit. */
  @WithDefault("true")
  boolean emitCommits();

  /**
   * The job namespace of catalog-emitted events. Only the catalog writes jobs in it: events that
   * claim it are refused from the API.
   */
  @WithDefault("sluice")
  String jobNamespace();

  /** An external OpenLineage endpoint (e.g. Marquez's /api/v1/lineage) to forward events to. */
  Optional<URI> forwardUrl();

  /** How long one forward may take; a slow endpoint never delays a commit. */
  @WithDefault("5s")
  Duration forwardTimeout();

  /**
   * Events waiting to be forwarded (all replicas); beyond this, the oldest are dropped and counted.
   */
  @WithDefault("10000")
  int forwardQueueSize();

  /** Attempts to forward one event before it is dropped and counted. */
  @WithDefault("20")
  int forwardMaxAttempts();

  /** The wait after a first failed forward; it doubles with each failure, up to 5 minutes. */
  @WithDefault("1s")
  Duration forwardRetryDelay();

  /**
   * How often each replica looks for stored events that are not projected yet: a catalog commit
   * event left by a replica that stopped before projecting it, or events stored before the
   * projection existed. A commit's own event is projected as soon as the commit is.
   */
  @WithDefault("1s")
  Duration projectionInterval();
}
