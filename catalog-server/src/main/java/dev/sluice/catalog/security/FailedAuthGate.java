package dev.sluice.catalog.security;

import dev.sluice.catalog.rest.IcebergErrors;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.core.Response;
import java.util.OptionalLong;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Answers 429 to a request that carries credentials from an address over its failed-authentication
 * limit, before anything looks at the credential: no token lookup, no signature check, no database.
 * Requests without credentials are unaffected (they are refused without any lookup anyway), and so
 * is the credential-less Trino decision API.
 */
public class FailedAuthGate {
  public static final String ERROR_TYPE = "TooManyRequestsException";

  private final FailedAuthLimiter limiter;
  private final AuthFailures failures;

  @Inject
  public FailedAuthGate(FailedAuthLimiter limiter, AuthFailures failures) {
    this.limiter = limiter;
    this.failures = failures;
  }

  // after the request id is assigned, before matching and so before authentication
  @ServerRequestFilter(preMatching = true, priority = Priorities.USER + 10)
  public Response check(HttpServerRequest request) {
    if (request.getHeader("Authorization") == null) {
      return null;
    }
    OptionalLong retryAfter = limiter.retryAfterSeconds(AuthFailures.address(request));
    if (retryAfter.isEmpty()) {
      return null;
    }
    failures.throttled(request);
    return Response.fromResponse(
            IcebergErrors.response(
                429,
                ERROR_TYPE,
                "Too many failed authentications from this address; retry after "
                    + retryAfter.getAsLong()
                    + " s"))
        .header("Retry-After", retryAfter.getAsLong())
        .build();
  }
}
