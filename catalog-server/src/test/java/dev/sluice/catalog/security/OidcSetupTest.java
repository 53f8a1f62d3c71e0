package dev.sluice.catalog.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Base64;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Local verification keys from a {@code file:} jwks-uri: a PEM key or a JWKS with one RSA key. */
class OidcSetupTest {
  @TempDir Path dir;

  @Test
  void aJwksFileWithOneRsaKeyGivesThatKey() throws Exception {
    KeyPair pair = JwtKeys.generate();
    RsaJsonWebKey jwk = new RsaJsonWebKey((java.security.interfaces.RSAPublicKey) pair.getPublic());
    jwk.setKeyId("k1");
    jwk.setUse("sig");
    Path file = Files.writeString(dir.resolve("jwks.json"), new JsonWebKeySet(jwk).toJson());

    assertThat(OidcSetup.publicKeyFile(file))
        .isEqualTo(Base64.getEncoder().encodeToString(pair.getPublic().getEncoded()));
  }

  @Test
  void aPemFileGivesItsKeyAndAnAmbiguousJwksIsRefused() throws Exception {
    KeyPair pair = JwtKeys.generate();
    Path pem =
        Files.writeString(
            dir.resolve("key.pem"),
            "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(pair.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n");
    assertThat(OidcSetup.publicKeyFile(pem))
        .isEqualTo(Base64.getEncoder().encodeToString(pair.getPublic().getEncoded()));

    Path two =
        Files.writeString(
            dir.resolve("two.json"),
            new JsonWebKeySet(
                    new RsaJsonWebKey(
                        (java.security.interfaces.RSAPublicKey) JwtKeys.generate().getPublic()),
                    new RsaJsonWebKey(
                        (java.security.interfaces.RSAPublicKey) JwtKeys.generate().getPublic()))
                .toJson());
    assertThatThrownBy(() -> OidcSetup.publicKeyFile(two))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("exactly one RSA signing key");
  }
}
