package dev.sluice.catalog.security;

import dev.sluice.policy.eval.Principal;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;

/** The bridge between Quarkus security identities and the plain principal the policy judges. */
public final class Identities {
  /** Identity attribute holding the {@link Principal}. */
  public static final String PRINCIPAL = "sluice.principal";

  /**
   * Identity attribute naming the credential that authenticated the request, never its secret:
   * {@code api-token:<tokenId>} or {@code oidc:<issuer>#<subject>}.
   */
  public static final String CREDENTIAL = "sluice.credential";

  /**
   * Principal names starting with this belong to the server itself (the bootstrap administrator);
   * an OIDC token claiming one is refused and no API token can be issued for one.
   */
  public static final String RESERVED_PREFIX = "sluice:";

  private Identities() {}

  /** An identity for a principal; its roles become identity roles so role checks work. */
  public static SecurityIdentity of(Principal principal, String credential) {
    return QuarkusSecurityIdentity.builder()
        .setPrincipal(new QuarkusPrincipal(principal.self().toString()))
        .addRoles(principal.roles())
        .addAttribute(PRINCIPAL, principal)
        .addAttribute(CREDENTIAL, credential)
        .build();
  }

  /** The principal of an authenticated identity, or null for the anonymous one. */
  public static Principal principalOf(SecurityIdentity identity) {
    return identity == null || identity.isAnonymous() ? null : identity.getAttribute(PRINCIPAL);
  }

  /** The credential of an authenticated identity, or null for the anonymous one. */
  public static String credentialOf(SecurityIdentity identity) {
    return identity == null || identity.isAnonymous() ? null : identity.getAttribute(CREDENTIAL);
  }

  public static boolean isReserved(String principalName) {
    return principalName.startsWith(RESERVED_PREFIX);
  }

  /** The credential an API token stands for in audit rows. */
  public static String apiTokenCredential(String tokenId) {
    return "api-token:" + tokenId;
  }
}
