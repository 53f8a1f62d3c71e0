package dev.sluice.catalog.security;

import io.quarkus.security.AuthenticationFailedException;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A refused authentication as it is counted and audited. It names the kind of credential (and an
 * API token's id when the token is known), never the token or its hash.
 *
 * @param address the client address the limit is kept for
 * @param reason why it was refused
 * @param credential {@code none}, {@code other}, {@code oidc}, {@code api-token} or {@code
 *     api-token:<tokenId>} for a known but revoked or expired token
 * @param path the requested path
 * @param requestId the request's id, for the first failure of an aggregated audit row
 */
public record AuthFailure(
    String address, Reason reason, String credential, String path, String requestId) {

  /** Credential kinds of failures. */
  public static final String NONE = "none";

  public static final String OTHER = "other";
  public static final String OIDC = "oidc";
  public static final String API_TOKEN = "api-token";

  /** Attributes of an {@link AuthenticationFailedException} that carry a refusal. */
  static final String REASON_ATTRIBUTE = "sluice.refusal.reason";

  static final String CREDENTIAL_ATTRIBUTE = "sluice.refusal.credential";

  public AuthFailure {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(credential, "credential");
    Objects.requireNonNull(path, "path");
  }

  /** Why a request was not authenticated; {@link #code()} is what audit rows show as the rule. */
  public enum Reason {
    /** no Authorization header */
    MISSING,
    /** an Authorization header that is not a bearer token */
    UNSUPPORTED_SCHEME,
    /** a bearer token that is neither an API token nor a JWT */
    MALFORMED,
    API_TOKEN_UNKNOWN,
    API_TOKEN_REVOKED,
    API_TOKEN_EXPIRED,
    /** a JWT while no OIDC issuer is configured */
    OIDC_NOT_CONFIGURED,
    OIDC_EXPIRED,
    /** a JWT with a bad signature, issuer, audience or algorithm */
    OIDC_INVALID,
    /** an OIDC token naming a principal reserved for the server */
    RESERVED_PRINCIPAL,
    /** refused unchecked: the address is over its failed-authentication limit */
    TOO_MANY_FAILURES;

    public String code() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Whether a credential was presented and checked: the failures the limit counts. */
    public boolean counted() {
      return this != MISSING && this != TOO_MANY_FAILURES;
    }
  }

  /** The exception an identity provider or augmentor refuses a credential with. */
  static AuthenticationFailedException refusal(String message, Reason reason, String credential) {
    return new AuthenticationFailedException(
        message, Map.of(REASON_ATTRIBUTE, reason, CREDENTIAL_ATTRIBUTE, credential));
  }
}
