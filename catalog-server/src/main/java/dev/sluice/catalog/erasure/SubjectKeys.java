package dev.sluice.catalog.erasure;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * What the erasure secret keys: the subject's hash (HMAC-SHA256 of the subject), and the sealing of
 * the subject in a job payload (AES-256-GCM under a key derived from the secret by HMAC-SHA256 of a
 * fixed label, so the two uses never share a key). A sealed subject is bound to its erasure's id.
 */
public final class SubjectKeys {
  private static final String HMAC = "HmacSHA256";
  private static final String SEAL_LABEL = "sluice erasure payload sealing key v1";
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final byte[] secret;
  private final SecretKeySpec sealKey;

  public SubjectKeys(String secret) {
    Objects.requireNonNull(secret, "secret");
    if (secret.isBlank()) {
      throw new IllegalArgumentException("the erasure subject key is blank");
    }
    this.secret = secret.getBytes(StandardCharsets.UTF_8);
    this.sealKey = new SecretKeySpec(hmac(this.secret, SEAL_LABEL), "AES");
  }

  /** The subject's keyed hash, lowercase hex. */
  public String hash(String subject) {
    return HexFormat.of().formatHex(hmac(secret, subject));
  }

  /** The subject encrypted for the payload of erasure {@code erasureId}: base64 of nonce+sealed. */
  public String seal(String subject, String erasureId) {
    byte[] nonce = new byte[NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, sealKey, new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(erasureId.getBytes(StandardCharsets.UTF_8));
      byte[] sealed = cipher.doFinal(subject.getBytes(StandardCharsets.UTF_8));
      byte[] out = new byte[nonce.length + sealed.length];
      System.arraycopy(nonce, 0, out, 0, nonce.length);
      System.arraycopy(sealed, 0, out, nonce.length, sealed.length);
      return Base64.getEncoder().encodeToString(out);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot seal the subject", e);
    }
  }

  /**
   * The subject sealed for erasure {@code erasureId}.
   *
   * @throws IllegalArgumentException when it was sealed under another key or for another erasure
   */
  public String open(String sealed, String erasureId) {
    byte[] in = Base64.getDecoder().decode(sealed);
    if (in.length <= NONCE_BYTES) {
      throw new IllegalArgumentException("the sealed subject is truncated");
    }
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, sealKey, new GCMParameterSpec(TAG_BITS, in, 0, NONCE_BYTES));
      cipher.updateAAD(erasureId.getBytes(StandardCharsets.UTF_8));
      byte[] plain = cipher.doFinal(in, NONCE_BYTES, in.length - NONCE_BYTES);
      return new String(plain, StandardCharsets.UTF_8);
    } catch (javax.crypto.AEADBadTagException e) {
      throw new IllegalArgumentException(
          "the sealed subject does not open with this key for erasure " + erasureId, e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot open the sealed subject", e);
    }
  }

  private static byte[] hmac(byte[] key, String text) {
    try {
      Mac mac = Mac.getInstance(HMAC);
      mac.init(new SecretKeySpec(key, HMAC));
      return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is not available", e);
    }
  }
}
