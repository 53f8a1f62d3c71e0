package dev.sluice.catalog.audit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Not ready while this replica's audit queue is full: its reads are answered 503 until the queued
 * rows are written, so a load balancer should send them elsewhere.
 */
@Readiness
@ApplicationScoped
public class AuditBacklogHealthCheck implements HealthCheck {
  static final String NAME = "audit-backlog";

  private final AuditBatchWriter writer;

  @Inject
  public AuditBacklogHealthCheck(AuditBatchWriter writer) {
    this.writer = writer;
  }

  @Override
  public HealthCheckResponse call() {
    AuditBatchWriter.Backlog backlog = writer.backlog();
    var response =
        HealthCheckResponse.named(NAME)
            .status(!backlog.full())
            .withData("queued", backlog.queued())
            .withData("capacity", backlog.capacity());
    backlog.failingSince().ifPresent(since -> response.withData("failingSince", since.toString()));
    return response.build();
  }
}
