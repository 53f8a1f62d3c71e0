package dev.sluice.catalog.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Map;

/**
 * An RSA key pair that signs test access tokens. Kept in files, because the test profile and the
 * test class may live in different class loaders.
 */
record JwtKeys(PrivateKey privateKey, Path publicKeyFile) {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();

  static synchronized JwtKeys atTestLocation() {
    Path dir = SecurityTestProfile.DIR.resolve("keys");
    Path privateFile = dir.resolve("private.der");
    Path publicFile = dir.resolve("public.pem");
    try {
      if (!Files.exists(privateFile)) {
        KeyPair pair = generate();
        Files.createDirectories(dir);
        Files.write(privateFile, pair.getPrivate().getEncoded());
        Files.writeString(
            publicFile,
            "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(pair.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n");
      }
      PrivateKey key =
          KeyFactory.getInstance("RSA")
              .generatePrivate(new PKCS8EncodedKeySpec(Files.readAllBytes(privateFile)));
      return new JwtKeys(key, publicFile);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static KeyPair generate() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    return generator.generateKeyPair();
  }

  /** A compact RS256 token with these claims. */
  String sign(Map<String, Object> claims) {
    return sign(privateKey, claims);
  }

  static String sign(PrivateKey key, Map<String, Object> claims) {
    try {
      String signingInput = encode(Map.of("alg", "RS256", "typ", "JWT")) + "." + encode(claims);
      Signature signature = Signature.getInstance("SHA256withRSA");
      signature.initSign(key);
      signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
      return signingInput + "." + URL.encodeToString(signature.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * An HS256 token keyed with the bytes of the public key file: the algorithm-confusion attack a
   * verifier that trusts the token's {@code alg} falls for.
   */
  String signHs256WithPublicKey(Map<String, Object> claims) {
    try {
      String signingInput = encode(Map.of("alg", "HS256", "typ", "JWT")) + "." + encode(claims);
      javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
      mac.init(
          new javax.crypto.spec.SecretKeySpec(Files.readAllBytes(publicKeyFile), "HmacSHA256"));
      return signingInput
          + "."
          + URL.encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** An unsigned token ({@code alg: none}), which must never be accepted. */
  static String unsigned(Map<String, Object> claims) {
    return encode(Map.of("alg", "none", "typ", "JWT")) + "." + encode(claims) + ".";
  }

  private static String encode(Map<String, Object> json) {
    try {
      return URL.encodeToString(JSON.writeValueAsBytes(json));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
