package dev.sluice.catalog.security;

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
        () -> {
          ApiTokenService.Authenticated who = tokens.authenticate(request.secret());
          return Identities.of(who.principal(), Identities.apiTokenCredential(who.tokenId()));
        });
  }
}
