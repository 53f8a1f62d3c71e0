package dev.sluice.catalog.contracts;

import dev.sluice.catalog.lineage.BackgroundLoop;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.jboss.logging.Logger;

/**
 * Deletes contract findings older than {@code sluice.contracts.findings-retention}, hourly. Every
 * replica may run it: the delete is the same whoever runs it.
 */
@ApplicationScoped
public class ContractFindingsCleanup {
  private static final Logger LOG = Logger.getLogger(ContractFindingsCleanup.class);

  private final ContractFindingStore findings;
  private final ContractsConfig config;
  private final BackgroundLoop loop;

  @Inject
  ContractFindingsCleanup(ContractFindingStore findings, ContractsConfig config) {
    this.findings = findings;
    this.config = config;
    this.loop = new BackgroundLoop("sluice-contract-findings", Duration.ofHours(1), this::pass);
  }

  void start(@Observes StartupEvent event) {
    if (config.findingsRetention().isNegative() || config.findingsRetention().isZero()) {
      throw new IllegalArgumentException(
          "sluice.contracts.findings-retention must be positive: " + config.findingsRetention());
    }
    loop.start();
  }

  void stop(@Observes ShutdownEvent event) {
    loop.stop();
  }

  private boolean pass() {
    try {
      int deleted =
          findings.deleteBefore(
              OffsetDateTime.now(ZoneOffset.UTC).minus(config.findingsRetention()));
      if (deleted > 0) {
        LOG.infof(
            "Deleted %d contract findings older than %s", deleted, config.findingsRetention());
      }
    } catch (RuntimeException e) {
      LOG.warnf(e, "Old contract findings not deleted; trying again in an hour");
    }
    return false;
  }
}
