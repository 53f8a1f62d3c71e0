package dev.sluice.catalog.erasure;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CanonicalJsonTest {

  record Inner(String zeta, int alpha) {}

  record Outer(String name, List<Inner> items, Map<String, Object> extra) {}

  @Test
  void keysAreSortedAtEveryLevelWithoutWhitespace() {
    Map<String, Object> extra = new LinkedHashMap<>();
    extra.put("b", 2);
    extra.put("a", Map.of("y", 1, "x", List.of(3, 1)));
    String json = CanonicalJson.write(new Outer("n", List.of(new Inner("z", 1)), extra));
    assertThat(json)
        .isEqualTo(
            "{\"extra\":{\"a\":{\"x\":[3,1],\"y\":1},\"b\":2},"
                + "\"items\":[{\"alpha\":1,\"zeta\":\"z\"}],\"name\":\"n\"}");
  }

  @Test
  void sameContentInAnyOrderAndSpacingHasOneFormAndOneHash() throws Exception {
    String a = CanonicalJson.canonicalize("{ \"b\": [1, {\"d\": 1, \"c\": null}], \"a\": \"x\" }");
    String b = CanonicalJson.canonicalize("{\"a\":\"x\",\"b\":[1,{\"c\":null,\"d\":1}]}");
    assertThat(a).isEqualTo(b).isEqualTo("{\"a\":\"x\",\"b\":[1,{\"c\":null,\"d\":1}]}");
    String expected =
        HexFormat.of()
            .formatHex(
                MessageDigest.getInstance("SHA-256").digest(a.getBytes(StandardCharsets.UTF_8)));
    assertThat(CanonicalJson.sha256(a)).isEqualTo(expected);
    assertThat(CanonicalJson.sha256(CanonicalJson.canonicalize("{\"a\":\"y\"}")))
        .isNotEqualTo(CanonicalJson.sha256(CanonicalJson.canonicalize("{\"a\":\"x\"}")));
  }
}
