package dev.sluice.catalog.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Who may call the server. Bearer tokens are either API tokens issued by this server (prefix {@code
 * sluice_}) or access tokens of an OIDC provider such as Keycloak, verified against its published
 * keys; there is no anonymous access unless the development flag is set.
 */
@ConfigMapping(prefix = "sluice.auth")
public interface AuthConfig {

  /**
   * The secret of the admin API token created when the token table is empty. Without it a random
   * token is generated and printed once. Lets automation start a server it can talk to.
   */
  Optional<String> bootstrapAdminToken();

  /** The role that administers the catalog: every catalog operation and the admin API. */
  @WithDefault("sluice-admin")
  String adminRole();

  /**
   * Development only: requests without credentials act as an administrator named {@code anonymous}.
   * Logged loudly at start.
   */
  @WithDefault("false")
  boolean developmentUnauthenticated();

  /**
   * Engines trusted to apply masks and row filters themselves (Trino with the decision API). Any
   * other caller loading a table that has masks or row filters for it is refused, since it would
   * read the raw files.
   */
  @WithDefault("client:trino")
  List<String> maskEnforcingEngines();

  /**
   * Failed authentications (a presented token refused) one client address may make within {@link
   * #failedAuthWindow()}; past it, the address gets 429 for any request carrying credentials until
   * the window ends, without the credential being looked at.
   */
  @WithDefault("20")
  int failedAuthLimit();

  /** The window {@link #failedAuthLimit()} counts in, starting at an address's first failure. */
  @WithDefault("1M")
  Duration failedAuthWindow();

  /**
   * Identical failed authentications (same address, reason and kind of credential) within this
   * window become one audit row with a count, written when the window closes and at a clean stop.
   */
  @WithDefault("1M")
  Duration failedAuthAuditWindow();

  /** The OIDC provider whose access tokens are accepted, and how they name a principal. */
  Oidc oidc();

  /**
   * Claims of OIDC access tokens; a path such as {@code realm_access/roles} walks nested claims.
   */
  interface Oidc {
    /**
     * The issuer, e.g. {@code http://127.0.0.1:8080/realms/lakehouse}. Without it no OIDC token is
     * accepted.
     */
    Optional<String> issuer();

    /**
     * The provider's JSON Web Key Set, instead of the one its discovery document names; a {@code
     * file:} URL (a PEM public key or a JWKS with one RSA key) verifies without any provider.
     */
    Optional<String> jwksUri();

    /** The audience a token must carry. */
    @WithDefault("sluice")
    String audience();

    /** Present on client-credentials tokens: the client id, which makes the principal a client. */
    @WithDefault("client_id")
    String clientIdClaim();

    @WithDefault("preferred_username")
    String userNameClaim();

    @WithDefault("groups")
    String groupsClaim();

    @WithDefault("realm_access/roles")
    String rolesClaim();
  }
}
