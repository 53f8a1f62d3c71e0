package dev.sluice.catalog.rest;

import dev.sluice.catalog.catalog.CatalogMetrics;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Inject;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.Optional;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.exceptions.BadRequestException;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.CommitStateUnknownException;
import org.apache.iceberg.exceptions.ForbiddenException;
import org.apache.iceberg.exceptions.NamespaceNotEmptyException;
import org.apache.iceberg.exceptions.NoSuchNamespaceException;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.exceptions.NoSuchViewException;
import org.apache.iceberg.exceptions.NotAuthorizedException;
import org.apache.iceberg.exceptions.NotFoundException;
import org.apache.iceberg.exceptions.ServiceUnavailableException;
import org.apache.iceberg.exceptions.UnprocessableEntityException;
import org.apache.iceberg.exceptions.ValidationException;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * Turns every failure into an Iceberg error body whose {@code type} is the exception's simple name,
 * which is what clients choose their exception from. Refusals are 4xx; only faults are 5xx.
 */
@Provider
public class IcebergExceptionMapper implements ExceptionMapper<Throwable> {
  private static final Logger LOG = Logger.getLogger(IcebergExceptionMapper.class);

  private final CatalogMetrics metrics;
  private final HttpServerRequest request;

  @Inject
  public IcebergExceptionMapper(CatalogMetrics metrics, HttpServerRequest request) {
    this.metrics = metrics;
    this.request = request;
  }

  /** A GET or HEAD: its transactions changed nothing, whatever became of them. */
  private boolean isRead() {
    try {
      return request.method() == HttpMethod.GET || request.method() == HttpMethod.HEAD;
    } catch (RuntimeException e) {
      return false; // no request in scope: decide as for a change
    }
  }

  @Override
  public Response toResponse(Throwable failure) {
    Optional<String> unavailable =
        failure instanceof CommitStateUnknownException
                || failure instanceof ServiceUnavailableException
                // a conflict says nothing was written, whatever failed below it: engines retry
                || failure instanceof CommitFailedException
            ? Optional.empty()
            : DependencyFailures.unavailable(failure, isRead());
    if (unavailable.isPresent()) {
      LOG.warnf("Request %s failed: %s", MDC.get(RequestIdFilter.MDC_KEY), failure.toString());
      return IcebergErrors.response(
          503, ServiceUnavailableException.class.getSimpleName(), unavailable.get());
    }
    int status = status(failure);
    if (failure instanceof CommitFailedException) {
      metrics.commitConflictReturned();
    }
    if (status >= 500) {
      Object requestId = MDC.get(RequestIdFilter.MDC_KEY);
      LOG.errorf(failure, "Request %s failed", requestId);
      String message =
          failure instanceof CommitStateUnknownException
                  || failure instanceof ServiceUnavailableException
              ? failure.getMessage()
              : "Internal server error (request id " + requestId + ")";
      return IcebergErrors.response(status, failure.getClass().getSimpleName(), message);
    }
    if (failure instanceof WebApplicationException web) {
      return IcebergErrors.response(
          status, web.getClass().getSimpleName(), String.valueOf(web.getMessage()));
    }
    String type =
        failure instanceof BadRequestException
            ? BadRequestException.class.getSimpleName()
            : failure.getClass().getSimpleName();
    return IcebergErrors.response(status, type, failure.getMessage());
  }

  static int status(Throwable failure) {
    if (failure instanceof RequestTooLargeException) {
      return 413;
    }
    if (failure instanceof NoSuchNamespaceException
        || failure instanceof NoSuchTableException
        || failure instanceof NoSuchViewException
        || failure instanceof NotFoundException) {
      return 404;
    }
    if (failure instanceof AlreadyExistsException
        || failure instanceof CommitFailedException
        || failure instanceof NamespaceNotEmptyException) {
      return 409;
    }
    if (failure instanceof BadRequestException
        || failure instanceof IllegalArgumentException
        || failure instanceof ValidationException) {
      return 400;
    }
    if (failure instanceof UnprocessableEntityException) {
      // the spec's answer to a property both set and removed in one namespace update, and a
      // contract's refusal: well formed, not a conflict, not to be retried
      return 422;
    }
    if (failure instanceof NotAuthorizedException) {
      return 401;
    }
    if (failure instanceof ForbiddenException) {
      return 403;
    }
    if (failure instanceof UnsupportedOperationException) {
      return 406;
    }
    if (failure instanceof ServiceUnavailableException) {
      return 503;
    }
    if (failure instanceof WebApplicationException web) {
      return web.getResponse().getStatus();
    }
    return 500;
  }
}
