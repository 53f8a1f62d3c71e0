package dev.sluice.catalog.security;

import dev.sluice.catalog.rest.IcebergErrors;
import io.quarkus.oidc.OIDCException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Authentication and role failures as Iceberg error bodies, so engines report them as what they
 * are. The reason a token was refused is not echoed: it would help an attacker probe tokens. It is
 * counted against the client's address and audited instead.
 */
public class SecurityExceptionMappers {
  @Inject AuthFailures failures;

  @ServerExceptionMapper
  public Response unauthenticated(AuthenticationFailedException e, HttpServerRequest request) {
    failures.refused(request, e);
    return notAuthorized();
  }

  @ServerExceptionMapper
  public Response unauthorized(UnauthorizedException e, HttpServerRequest request) {
    failures.refused(request, e);
    return notAuthorized();
  }

  /**
   * The OIDC provider could not be reached to fetch its keys: the token may well be valid, so this
   * is the server's trouble (503, which engines retry), not the caller's.
   */
  @ServerExceptionMapper
  public Response providerUnavailable(OIDCException e) {
    return IcebergErrors.response(
        503,
        "ServiceUnavailableException",
        "The OIDC provider cannot be reached to verify the access token; try again later");
  }

  @ServerExceptionMapper
  public Response forbidden(ForbiddenException e) {
    return IcebergErrors.response(
        403,
        "ForbiddenException",
        e.getMessage() == null || e.getMessage().isEmpty()
            ? "Forbidden: this operation needs another role"
            : e.getMessage());
  }

  private static Response notAuthorized() {
    return Response.fromResponse(
            IcebergErrors.response(
                401,
                "NotAuthorizedException",
                "Not authorized: a valid bearer token is required (missing, expired, revoked or"
                    + " not issued for this server)"))
        .header("WWW-Authenticate", "Bearer")
        .build();
  }
}
