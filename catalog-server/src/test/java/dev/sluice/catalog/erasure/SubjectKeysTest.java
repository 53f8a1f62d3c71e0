package dev.sluice.catalog.erasure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class SubjectKeysTest {
  private final SubjectKeys keys = new SubjectKeys("server-secret");

  @Test
  void hashIsHmacSha256OfTheSubjectUnderTheSecret() throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec("server-secret".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    String expected =
        HexFormat.of().formatHex(mac.doFinal("c-42".getBytes(StandardCharsets.UTF_8)));
    assertThat(keys.hash("c-42")).isEqualTo(expected).hasSize(64);
    assertThat(new SubjectKeys("another-secret").hash("c-42")).isNotEqualTo(expected);
    assertThat(keys.hash("c-43")).isNotEqualTo(expected);
  }

  @Test
  void sealedSubjectOpensOnlyWithTheSameKeyForTheSameErasure() {
    String sealed = keys.seal("c-42", "erasure-1");
    assertThat(sealed).doesNotContain("c-42");
    assertThat(new String(Base64.getDecoder().decode(sealed), StandardCharsets.ISO_8859_1))
        .doesNotContain("c-42");
    assertThat(keys.open(sealed, "erasure-1")).isEqualTo("c-42");
    // a fresh nonce every time
    assertThat(keys.seal("c-42", "erasure-1")).isNotEqualTo(sealed);
    assertThatThrownBy(() -> keys.open(sealed, "erasure-2"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not open");
    assertThatThrownBy(() -> new SubjectKeys("another-secret").open(sealed, "erasure-1"))
        .isInstanceOf(IllegalArgumentException.class);
    byte[] tampered = Base64.getDecoder().decode(sealed);
    tampered[tampered.length - 1] ^= 1;
    assertThatThrownBy(() -> keys.open(Base64.getEncoder().encodeToString(tampered), "erasure-1"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void blankSecretIsRefused() {
    assertThatThrownBy(() -> new SubjectKeys(" ")).isInstanceOf(IllegalArgumentException.class);
  }
}
