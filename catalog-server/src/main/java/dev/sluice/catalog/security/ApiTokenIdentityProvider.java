package dev.sluice.catalog.security;

import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;

/**
 * Turns an API token into an identity. A token this replica validated moments ago is answered from
 * memory on the calling thread; only a lookup in the database, which blocks, runs off the event
 * loop: the hop to a worker thread and back cost every request more than the lookup it guards.
 */
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
    Optional<ApiTokenService.Authenticated> known = tokens.authenticatedInMemory(request.secret());
    if (known.isPresent()) {
      return Uni.createFrom().item(identity(known.get()));
    }
    return context.runBlocking(() -> identity(tokens.authenticate(request.secret())));
  }

  private static SecurityIdentity identity(ApiTokenService.Authenticated who) {
    return Identities.of(who.principal(), Identities.apiTokenCredential(who.tokenId()));
  }
}
