package dev.sluice.zones;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ZoneLayoutTest {

  @Test
  void nestedNamespacesBelongToTheNearestListedAncestor() {
    ZoneLayout.Builder<String> builder = ZoneLayout.builder();
    builder.put(List.of("curated"), "curated");
    builder.put(List.of("curated", "lab"), "lab");
    ZoneLayout<String> layout = builder.build();
    assertThat(layout.zoneOf(List.of("curated"))).contains("curated");
    assertThat(layout.zoneOf(List.of("curated", "eu", "x"))).contains("curated");
    assertThat(layout.zoneOf(List.of("curated", "lab"))).contains("lab");
    assertThat(layout.zoneOf(List.of("curated", "lab", "deep"))).contains("lab");
    assertThat(layout.zoneOf(List.of("curated.lab"))).isEmpty();
    assertThat(layout.zoneOf(List.of("other"))).isEmpty();
    assertThat(layout.zoneOf(List.of())).isEmpty();
  }

  @Test
  void aNamespaceListedTwiceKeepsItsFirstZone() {
    ZoneLayout.Builder<String> builder = ZoneLayout.builder();
    assertThat(builder.put(List.of("raw"), "a")).isEmpty();
    assertThat(builder.put(List.of("raw"), "b")).isEqualTo(Optional.of("a"));
    assertThat(builder.build().zoneOf(List.of("raw"))).contains("a");
  }

  @Test
  void dottedPolicySpellingsSplitIntoLevels() {
    assertThat(NamespaceLevels.parseDotted("silver.eu")).contains(List.of("silver", "eu"));
    assertThat(NamespaceLevels.parseDotted("silver..eu")).isEmpty();
    assertThat(NamespaceLevels.parseDotted("")).isEmpty();
    assertThat(NamespaceLevels.isSameOrBelow(List.of("a", "b"), List.of("a"))).isTrue();
    assertThat(NamespaceLevels.isSameOrBelow(List.of("a.b"), List.of("a"))).isFalse();
  }
}
