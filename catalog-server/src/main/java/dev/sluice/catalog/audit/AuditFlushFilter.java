package dev.sluice.catalog.audit;

import jakarta.inject.Inject;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/** Writes the decisions a request made but no change carried, once its answer is known. */
public class AuditFlushFilter {
  private final AuditTrail audit;

  @Inject
  public AuditFlushFilter(AuditTrail audit) {
    this.audit = audit;
  }

  @ServerResponseFilter
  public void onResponse() {
    audit.flush();
  }
}
