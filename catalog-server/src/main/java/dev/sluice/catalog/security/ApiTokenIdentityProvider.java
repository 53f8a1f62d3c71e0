package dev.sluice.catalog.security;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Turns an API token into an identity; the lookup is blocking, so it runs off the event loop. */
@ApplicationScoped
public class ApiTokenIdentityProvider implements IdentityProvider<ApiTokenAuthenticationRequest> {
  private final ApiTokenService tokens;

  @Inject
  public ApiTokenIdentityProvider(ApiTokenService tokens) {
    this.tokens = tokens;
  }

  @Override
  public Class<ApiTokenAuthenticationRequest> getRequestType() {
    return ApiTokenAuthenticationRequest.class;
  }

  @Override
  public Uni<SecurityIdentity> authenticate(
      ApiTokenAuthenticationRequest request, AuthenticationRequestContext context) {
    return context.runBlocking(
        () ->
            tokens
                .authenticate(request.secret())
                .map(Identities::of)
                .orElseThrow(
                    () ->
                        new AuthenticationFailedException(
                            "Unknown, revoked or expired API token")));
  }
}
