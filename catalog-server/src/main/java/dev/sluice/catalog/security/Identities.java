package dev.sluice.catalog.security;

import dev.sluice.policy.eval.Principal;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;

/** The bridge between Quarkus security identities and the plain principal the policy judges. */
public final class Identities {
  /** Identity attribute holding the {@link Principal}. */
  public static final String PRINCIPAL = "sluice.principal";

  private Identities() {}

  /** An identity for a principal; its roles become identity roles so role checks work. */
  public static SecurityIdentity of(Principal principal) {
    return QuarkusSecurityIdentity.builder()
        .setPrincipal(new QuarkusPrincipal(principal.self().toString()))
        .addRoles(principal.roles())
        .addAttribute(PRINCIPAL, principal)
        .build();
  }

  /** The principal of an authenticated identity, or null for the anonymous one. */
  public static Principal principalOf(SecurityIdentity identity) {
    return identity == null || identity.isAnonymous() ? null : identity.getAttribute(PRINCIPAL);
  }
}
