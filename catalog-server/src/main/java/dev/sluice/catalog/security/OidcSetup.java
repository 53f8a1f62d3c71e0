package dev.sluice.catalog.security;

import dev.sluice.catalog.config.AuthConfig;
import io.quarkus.oidc.Oidc;
import io.quarkus.oidc.OidcTenantConfig;
import io.quarkus.oidc.OidcTenantConfigBuilder;
import io.quarkus.oidc.runtime.OidcConfig;
import io.smallrye.config.SmallRyeConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.Base64;
import java.util.List;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.lang.JoseException;

/**
 * Sets up quarkus-oidc's default tenant from {@code sluice.auth.oidc.*}: a service that verifies
 * bearer access tokens of one issuer, with that audience, signed RS256, expiry enforced, locally
 * only (no introspection calls). Without an issuer the tenant is disabled and only API tokens are
 * accepted. Other {@code quarkus.oidc.*} settings (TLS, timeouts) are kept.
 *
 * <p>The provider's keys come from its discovery document, from {@code jwks-uri} when it is an HTTP
 * URL, or from a {@code file:} holding a PEM public key or a JWKS with one RSA key, which needs no
 * provider at all. A provider that cannot be reached at start does not stop the server: the tenant
 * connects on the first OIDC request and refuses tokens until then.
 */
@ApplicationScoped
public class OidcSetup {
  private static final Logger LOG = Logger.getLogger(OidcSetup.class);

  void configure(@Observes Oidc oidc, AuthConfig auth) {
    oidc.create(tenant(auth.oidc(), quarkusDefaults()));
  }

  static OidcTenantConfig tenant(AuthConfig.Oidc config, OidcTenantConfigBuilder tenant) {
    tenant.applicationType(io.quarkus.oidc.runtime.OidcTenantConfig.ApplicationType.SERVICE);
    if (config.issuer().isEmpty()) {
      LOG.info("No sluice.auth.oidc.issuer: only API tokens are accepted");
      return tenant.disableTenant().build();
    }
    String issuer = config.issuer().get();
    tenant
        .enableTenant()
        .token()
        .issuer(issuer)
        .audience(config.audience())
        .signatureAlgorithm(io.quarkus.oidc.runtime.OidcTenantConfig.SignatureAlgorithm.RS256)
        .allowJwtIntrospection(false)
        .allowOpaqueTokenIntrospection(false)
        .end();
    String jwks = config.jwksUri().orElse(null);
    if (jwks == null) {
      tenant.authServerUrl(issuer);
    } else if (jwks.startsWith("file:")) {
      tenant.publicKey(publicKeyFile(Path.of(URI.create(jwks))));
    } else {
      tenant.authServerUrl(issuer).discoveryEnabled(false).jwksPath(jwks);
    }
    LOG.infof("OIDC access tokens of %s (audience %s) are accepted", issuer, config.audience());
    return tenant.build();
  }

  /** The default tenant as {@code quarkus.oidc.*} configures it, to build on. */
  private static OidcTenantConfigBuilder quarkusDefaults() {
    OidcConfig config =
        ConfigProvider.getConfig().unwrap(SmallRyeConfig.class).getConfigMapping(OidcConfig.class);
    return OidcTenantConfig.builder(config.namedTenants().get(OidcConfig.DEFAULT_TENANT_KEY));
  }

  /** The base64 key quarkus-oidc verifies with, from a PEM file or a JWKS with one RSA key. */
  static String publicKeyFile(Path file) {
    try {
      String text = Files.readString(file).trim();
      if (!text.startsWith("{")) {
        return text.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
      }
      List<JsonWebKey> keys =
          new JsonWebKeySet(text)
              .getJsonWebKeys().stream()
                  .filter(key -> key instanceof RsaJsonWebKey)
                  .filter(key -> key.getUse() == null || "sig".equals(key.getUse()))
                  .toList();
      if (keys.size() != 1) {
        throw new IllegalArgumentException(
            "sluice.auth.oidc.jwks-uri: " + file + " must hold exactly one RSA signing key");
      }
      PublicKey key = ((RsaJsonWebKey) keys.get(0)).getRsaPublicKey();
      return Base64.getEncoder().encodeToString(key.getEncoded());
    } catch (IOException e) {
      throw new UncheckedIOException("sluice.auth.oidc.jwks-uri: cannot read " + file, e);
    } catch (JoseException e) {
      throw new IllegalArgumentException("sluice.auth.oidc.jwks-uri: not a JWKS: " + file, e);
    }
  }
}
