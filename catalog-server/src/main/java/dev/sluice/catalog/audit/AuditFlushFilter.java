package dev.sluice.catalog.audit;

import dev.sluice.catalog.persistence.DatabaseFailures;
import dev.sluice.catalog.rest.IcebergErrors;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.MediaType;
import org.apache.iceberg.exceptions.ServiceUnavailableException;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * Queues the decisions a request made but no change carried, once its answer is known. When they
 * cannot be queued (the queue is full: the database is down or too slow), a read's answer is
 * withheld (503: nothing is served without its audit row); a refusal or a failure stays as it is,
 * and so does a change, which committed with its own rows.
 */
public class AuditFlushFilter {
  private static final Logger LOG = Logger.getLogger(AuditFlushFilter.class);

  private final AuditTrail audit;

  @Inject
  public AuditFlushFilter(AuditTrail audit) {
    this.audit = audit;
  }

  @ServerResponseFilter
  public void onResponse(ContainerRequestContext request, ContainerResponseContext response) {
    try {
      audit.flush();
    } catch (RuntimeException e) {
      boolean read = "GET".equals(request.getMethod()) || "HEAD".equals(request.getMethod());
      boolean served = response.getStatus() < 400;
      LOG.errorf(
          "Audit rows of %s %s not written (%s): %s",
          request.getMethod(),
          request.getUriInfo().getPath(),
          read && served ? "answer withheld" : "answer kept",
          e.toString());
      if (read && served) {
        String message =
            e instanceof ServiceUnavailableException
                ? e.getMessage()
                : DatabaseFailures.isUnavailable(e)
                    ? "The catalog database is unavailable; retry later"
                    : "The audit trail could not be written; retry later";
        response.setStatus(503);
        response.setEntity(
            IcebergErrors.response(503, ServiceUnavailableException.class.getSimpleName(), message)
                .getEntity(),
            null,
            MediaType.APPLICATION_JSON_TYPE);
        response.getHeaders().remove("ETag");
      }
    }
  }
}
