package dev.sluice.catalog.security;

import dev.sluice.catalog.config.AuthConfig;
import dev.sluice.policy.eval.Principal;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Names the principal of an OIDC access token from configurable claims: a token carrying the
 * client-id claim is a client (client credentials), any other a user; groups and roles become the
 * principal's, and the roles also the identity's so role checks work. The credential is the token's
 * issuer and subject; a token naming a principal reserved for the server is refused.
 */
@ApplicationScoped
public class OidcPrincipalAugmentor implements SecurityIdentityAugmentor {
  private final AuthConfig.Oidc claims;

  @Inject
  public OidcPrincipalAugmentor(AuthConfig config) {
    this.claims = config.oidc();
  }

  @Override
  public Uni<SecurityIdentity> augment(
      SecurityIdentity identity, AuthenticationRequestContext context) {
    if (identity.isAnonymous()
        || identity.getAttribute(Identities.PRINCIPAL) != null
        || !(identity.getPrincipal() instanceof JsonWebToken token)) {
      return Uni.createFrom().item(identity);
    }
    Principal principal = principalOf(token);
    if (Identities.isReserved(principal.name())) {
      return Uni.createFrom()
          .failure(
              AuthFailure.refusal(
                  "The access token names a principal reserved for the server",
                  AuthFailure.Reason.RESERVED_PRINCIPAL,
                  AuthFailure.OIDC));
    }
    return Uni.createFrom()
        .item(
            QuarkusSecurityIdentity.builder(identity)
                .addRoles(principal.roles())
                .addAttribute(Identities.PRINCIPAL, principal)
                .addAttribute(Identities.CREDENTIAL, credentialOf(token))
                .build());
  }

  Principal principalOf(JsonWebToken token) {
    Set<String> clientId = strings(claim(token, claims.clientIdClaim()));
    Set<String> groups = new TreeSet<>();
    for (String group : strings(claim(token, claims.groupsClaim()))) {
      // Keycloak sends full paths ("/analysts") unless told otherwise
      groups.add(group.startsWith("/") ? group.substring(group.lastIndexOf('/') + 1) : group);
    }
    Set<String> roles = strings(claim(token, claims.rolesClaim()));
    if (!clientId.isEmpty()) {
      return new Principal(clientId.iterator().next(), Principal.Kind.CLIENT, groups, roles);
    }
    Set<String> user = strings(claim(token, claims.userNameClaim()));
    String name = user.isEmpty() ? token.getSubject() : user.iterator().next();
    if (name == null) {
      throw new io.quarkus.security.AuthenticationFailedException(
          "The access token names no user (claim " + claims.userNameClaim() + " or sub)");
    }
    return new Principal(name, Principal.Kind.USER, groups, roles);
  }

  /** {@code oidc:<issuer>#<subject>}: the same person keeps it when a username is renamed. */
  static String credentialOf(JsonWebToken token) {
    return AuthFailure.OIDC + ":" + token.getIssuer() + "#" + token.getSubject();
  }

  /** Walks a claim path such as {@code realm_access/roles}. */
  private static Object claim(JsonWebToken token, String path) {
    String[] parts = path.split("/");
    Object value = token.getClaim(parts[0]);
    for (int i = 1; i < parts.length && value != null; i++) {
      value = value instanceof JsonObject object ? object.get(parts[i]) : null;
    }
    return value;
  }

  private static Set<String> strings(Object value) {
    Set<String> out = new TreeSet<>();
    if (value instanceof JsonArray array) {
      for (JsonValue item : array) {
        if (item instanceof JsonString text) {
          out.add(text.getString());
        }
      }
    } else if (value instanceof JsonString text) {
      out.add(text.getString());
    } else if (value instanceof Collection<?> collection) {
      collection.forEach(item -> out.add(String.valueOf(item).replaceAll("^\"|\"$", "")));
    } else if (value instanceof String text) {
      out.add(text);
    }
    return out;
  }
}
