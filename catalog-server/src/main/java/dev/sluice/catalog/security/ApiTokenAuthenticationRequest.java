package dev.sluice.catalog.security;

import io.quarkus.security.identity.request.BaseAuthenticationRequest;
import java.util.Objects;

/** A bearer token that looks like one of this server's API tokens. */
public final class ApiTokenAuthenticationRequest extends BaseAuthenticationRequest {
  private final String secret;

  public ApiTokenAuthenticationRequest(String secret) {
    this.secret = Objects.requireNonNull(secret, "secret");
  }

  public String secret() {
    return secret;
  }
}
