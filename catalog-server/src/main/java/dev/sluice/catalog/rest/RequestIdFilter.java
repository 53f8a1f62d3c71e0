package dev.sluice.catalog.rest;

import dev.sluice.catalog.config.HttpLimitsConfig;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jboss.logging.MDC;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * Gives every request an id (the caller's {@code X-Request-Id} when well-formed), logs it with each
 * line and echoes it; refuses bodies announced larger than the limit before reading them.
 */
public class RequestIdFilter {
  public static final String HEADER = "X-Request-Id";
  public static final String MDC_KEY = "requestId";
  private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  private final long maxBodyBytes;

  @Inject
  public RequestIdFilter(HttpLimitsConfig limits) {
    this.maxBodyBytes = limits.maxRequestBodyBytes();
  }

  @ServerRequestFilter(preMatching = true)
  public Response onRequest(ContainerRequestContext request) {
    String requestId = request.getHeaderString(HEADER);
    if (requestId == null || !SAFE_ID.matcher(requestId).matches()) {
      requestId = UUID.randomUUID().toString();
    }
    request.setProperty(MDC_KEY, requestId);
    MDC.put(MDC_KEY, requestId);
    String length = request.getHeaderString(HttpHeaders.CONTENT_LENGTH);
    if (length != null) {
      try {
        if (Long.parseLong(length.trim()) > maxBodyBytes) {
          return withId(
              IcebergErrors.response(
                  413,
                  RequestTooLargeException.class.getSimpleName(),
                  new RequestTooLargeException(maxBodyBytes).getMessage()),
              requestId);
        }
      } catch (NumberFormatException e) {
        return withId(
            IcebergErrors.response(400, "BadRequestException", "Invalid Content-Length"),
            requestId);
      }
    }
    return null;
  }

  @ServerResponseFilter
  public void onResponse(ContainerRequestContext request, ContainerResponseContext response) {
    Object requestId = request.getProperty(MDC_KEY);
    if (requestId != null) {
      response.getHeaders().putSingle(HEADER, requestId);
    }
  }

  private static Response withId(Response response, String requestId) {
    return Response.fromResponse(response).header(HEADER, requestId).build();
  }
}
