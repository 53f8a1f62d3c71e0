package dev.sluice.catalog.security;

import dev.sluice.policy.eval.Principal;
import io.quarkus.security.UnauthorizedException;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** The principal of the request being served. */
@ApplicationScoped
public class CurrentPrincipal {
  private final SecurityIdentity identity;

  @Inject
  public CurrentPrincipal(SecurityIdentity identity) {
    this.identity = identity;
  }

  /** The caller; a request that reached this far without one is refused, never served. */
  public Principal get() {
    Principal principal = Identities.principalOf(identity);
    if (principal == null) {
      throw new UnauthorizedException("Authentication required");
    }
    return principal;
  }
}
