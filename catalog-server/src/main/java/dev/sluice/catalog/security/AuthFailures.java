package dev.sluice.catalog.security;

import dev.sluice.catalog.audit.FailedAuthAudit;
import dev.sluice.catalog.config.AuthConfig;
import dev.sluice.catalog.rest.RequestIdFilter;
import io.quarkus.security.AuthenticationFailedException;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.MDC;
import org.jose4j.jwt.consumer.InvalidJwtException;

/**
 * Where refused authentications go: the per-address limit counts those that presented a credential,
 * and the audit trail gets every one (aggregated).
 */
@ApplicationScoped
public class AuthFailures {
  private static final String BEARER = "Bearer ";

  private final FailedAuthLimiter limiter;
  private final FailedAuthAudit audit;
  private final boolean oidcConfigured;

  @Inject
  public AuthFailures(FailedAuthLimiter limiter, FailedAuthAudit audit, AuthConfig config) {
    this.limiter = limiter;
    this.audit = audit;
    this.oidcConfigured = config.oidc().issuer().isPresent();
  }

  /** A request refused with 401; {@code cause} is what refused it (null: no identity at all). */
  public void refused(HttpServerRequest request, Throwable cause) {
    AuthFailure failure = classify(request, cause);
    if (failure.reason().counted()) {
      limiter.failed(failure.address());
    }
    audit.record(failure);
  }

  /** A request refused with 429 before its credential was looked at. */
  public void throttled(HttpServerRequest request) {
    audit.record(failure(request, AuthFailure.Reason.TOO_MANY_FAILURES, kindOf(header(request))));
  }

  public static String address(HttpServerRequest request) {
    var remote = request.remoteAddress();
    return remote == null ? "unknown" : remote.hostAddress();
  }

  AuthFailure classify(HttpServerRequest request, Throwable cause) {
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof AuthenticationFailedException failed
          && failed.getAttribute(AuthFailure.REASON_ATTRIBUTE) != null) {
        return failure(
            request,
            failed.getAttribute(AuthFailure.REASON_ATTRIBUTE),
            failed.getAttribute(AuthFailure.CREDENTIAL_ATTRIBUTE));
      }
    }
    String header = header(request);
    String kind = kindOf(header);
    AuthFailure.Reason reason;
    if (header == null) {
      reason = AuthFailure.Reason.MISSING;
    } else if (kind.equals(AuthFailure.OTHER)) {
      reason =
          isBearer(header) ? AuthFailure.Reason.MALFORMED : AuthFailure.Reason.UNSUPPORTED_SCHEME;
    } else if (kind.equals(AuthFailure.API_TOKEN)) {
      reason = AuthFailure.Reason.API_TOKEN_UNKNOWN;
    } else if (!oidcConfigured) {
      reason = AuthFailure.Reason.OIDC_NOT_CONFIGURED;
    } else {
      reason = expired(cause) ? AuthFailure.Reason.OIDC_EXPIRED : AuthFailure.Reason.OIDC_INVALID;
    }
    return failure(request, reason, kind);
  }

  private static AuthFailure failure(
      HttpServerRequest request, AuthFailure.Reason reason, String credential) {
    Object requestId = MDC.get(RequestIdFilter.MDC_KEY);
    return new AuthFailure(
        address(request),
        reason,
        credential,
        request.path() == null ? "" : request.path(),
        requestId == null ? null : requestId.toString());
  }

  private static String header(HttpServerRequest request) {
    return request.getHeader("Authorization");
  }

  private static boolean isBearer(String header) {
    return header.regionMatches(true, 0, BEARER, 0, BEARER.length());
  }

  /** The kind of credential a header holds: nothing, an API token, a JWT, or something else. */
  static String kindOf(String header) {
    if (header == null) {
      return AuthFailure.NONE;
    }
    if (!isBearer(header)) {
      return AuthFailure.OTHER;
    }
    String token = header.substring(BEARER.length()).trim();
    if (token.startsWith(ApiTokenService.PREFIX)) {
      return AuthFailure.API_TOKEN;
    }
    return token.chars().filter(c -> c == '.').count() == 2 && token.length() > 2
        ? AuthFailure.OIDC
        : AuthFailure.OTHER;
  }

  private static boolean expired(Throwable cause) {
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof InvalidJwtException invalid && invalid.hasExpired()) {
        return true;
      }
    }
    return false;
  }
}
