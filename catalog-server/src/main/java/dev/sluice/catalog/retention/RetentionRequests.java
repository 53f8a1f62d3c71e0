package dev.sluice.catalog.retention;

import dev.sluice.catalog.catalog.IcebergCatalogService;
import dev.sluice.catalog.jobs.JobsConfig;
import dev.sluice.catalog.json.ServerJson;
import dev.sluice.catalog.persistence.JobEntity;
import dev.sluice.catalog.persistence.JobStore;
import dev.sluice.policy.model.Retention;
import dev.sluice.policy.model.TableName;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;
import org.apache.iceberg.exceptions.BadRequestException;
import org.apache.iceberg.exceptions.NoSuchTableException;

/** Checks and queues a retention sweep someone asked for. */
@ApplicationScoped
public class RetentionRequests {
  private final RetentionSweep sweep;
  private final IcebergCatalogService catalog;
  private final JobStore jobs;
  private final JobsConfig config;

  @Inject
  public RetentionRequests(
      RetentionSweep sweep, IcebergCatalogService catalog, JobStore jobs, JobsConfig config) {
    this.sweep = sweep;
    this.catalog = catalog;
    this.jobs = jobs;
    this.config = config;
  }

  /**
   * Queues a sweep of {@code table} ({@code ns.table}), or of every table with a retention when
   * null. Nothing is queued when the table is malformed, missing or has no retention.
   */
  public JobEntity request(String table, String requestedBy) {
    String subject = RetentionSweep.ALL_TABLES;
    if (table != null) {
      TableName name;
      try {
        name = TableName.of(table);
      } catch (IllegalArgumentException e) {
        throw new BadRequestException("Invalid table name '%s': %s", table, e.getMessage());
      }
      Optional<Retention> retention = sweep.retentionOf(name);
      if (retention.isEmpty()) {
        throw new BadRequestException(
            "Table %s has no retention in the active policy; there is nothing to sweep", name);
      }
      if (!catalog.catalog().tableExists(RetentionSweep.identifier(name))) {
        throw new NoSuchTableException("Table does not exist: %s", name);
      }
      subject = name.toString();
      table = name.toString();
    }
    return jobs.enqueue(
        new JobStore.NewJob(
            RetentionSweep.KIND,
            subject,
            ServerJson.write(new RetentionSweep.Request(table)),
            requestedBy,
            config.maxAttempts()));
  }
}
