package dev.sluice.catalog.security;

import dev.sluice.catalog.config.AuthConfig;
import dev.sluice.policy.eval.Principal;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Authenticates bearer tokens issued by this server ({@code sluice_…}). Any other bearer token is
 * left to the OIDC mechanism, which runs after this one.
 */
@ApplicationScoped
public class ApiTokenAuthenticationMechanism implements HttpAuthenticationMechanism {
  private static final Logger LOG = Logger.getLogger(ApiTokenAuthenticationMechanism.class);
  private static final String BEARER = "Bearer ";

  private final boolean unauthenticated;
  private final SecurityIdentity development;

  @Inject
  public ApiTokenAuthenticationMechanism(AuthConfig config) {
    this.unauthenticated = config.developmentUnauthenticated();
    this.development =
        Identities.of(
            new Principal("anonymous", Principal.Kind.USER, Set.of(), Set.of(config.adminRole())),
            "development-unauthenticated");
  }

  void warnAtStart(@Observes StartupEvent event) {
    if (unauthenticated) {
      LOG.warn(
          "!!! sluice.auth.development-unauthenticated=true: requests without credentials act as"
              + " an administrator. Never run like this outside a developer's machine. !!!");
    }
  }

  @Override
  public Uni<SecurityIdentity> authenticate(
      RoutingContext context, IdentityProviderManager identityProviderManager) {
    String header = context.request().getHeader("Authorization");
    if (header == null) {
      return unauthenticated ? Uni.createFrom().item(development) : Uni.createFrom().nullItem();
    }
    if (!header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return Uni.createFrom().nullItem();
    }
    String token = header.substring(BEARER.length()).trim();
    if (!token.startsWith(ApiTokenService.PREFIX)) {
      return Uni.createFrom().nullItem();
    }
    return identityProviderManager.authenticate(
        HttpSecurityUtils.setRoutingContextAttribute(
            new ApiTokenAuthenticationRequest(token), context));
  }

  @Override
  public Uni<ChallengeData> getChallenge(RoutingContext context) {
    return Uni.createFrom().item(new ChallengeData(401, "WWW-Authenticate", "Bearer"));
  }

  @Override
  public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
    return Set.of(ApiTokenAuthenticationRequest.class);
  }

  @Override
  public int getPriority() {
    // before quarkus-oidc's bearer mechanism, which would reject a token it cannot parse
    return DEFAULT_PRIORITY + 1000;
  }
}
