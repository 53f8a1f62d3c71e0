package dev.sluice.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.policy.model.TableName;
import java.util.List;
import org.junit.jupiter.api.Test;

class TableNameTest {

  @Test
  void plainNamesSplitAtEveryDot() {
    assertThat(TableName.of("raw.customers")).isEqualTo(new TableName(List.of("raw"), "customers"));
    assertThat(TableName.of("silver.eu.orders"))
        .isEqualTo(new TableName(List.of("silver", "eu"), "orders"));
  }

  @Test
  void partsHoldingDotsAreQuotedAndReadBack() {
    TableName dotted = new TableName(List.of("curated"), "lab.people");
    TableName nested = new TableName(List.of("curated", "lab"), "people");
    assertThat(dotted.toString()).isEqualTo("curated.\"lab.people\"");
    assertThat(nested.toString()).isEqualTo("curated.lab.people");
    assertThat(TableName.of(dotted.toString())).isEqualTo(dotted);
    assertThat(dotted).isNotEqualTo(nested);
    assertThat(dotted.isPlain()).isFalse();
    assertThat(nested.isPlain()).isTrue();

    TableName quote = new TableName(List.of("a\"b.c"), "t");
    assertThat(TableName.of(quote.toString())).isEqualTo(quote);
  }

  @Test
  void malformedTextIsNotAName() {
    for (String text : List.of("", "table", "a..b", ".a", "a.", "\"a.b", "a.\"b\"c", "\"\".t")) {
      assertThat(TableName.parse(text)).as(text).isEmpty();
    }
  }
}
