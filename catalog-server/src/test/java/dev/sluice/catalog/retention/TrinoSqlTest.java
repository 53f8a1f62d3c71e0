package dev.sluice.catalog.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.policy.model.Origin;
import dev.sluice.policy.model.Retention;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.apache.iceberg.Schema;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;

class TrinoSqlTest {
  private static final Schema SCHEMA =
      new Schema(
          Types.NestedField.optional(1, "customer_id", Types.StringType.get()),
          Types.NestedField.optional(2, "account", Types.LongType.get()),
          Types.NestedField.optional(3, "device", Types.UUIDType.get()),
          Types.NestedField.optional(4, "retention_until", Types.TimestampType.withZone()),
          Types.NestedField.optional(5, "seen_at", Types.TimestampType.withoutZone()),
          Types.NestedField.optional(6, "day", Types.DateType.get()),
          Types.NestedField.optional(
              7,
              "address",
              Types.StructType.of(Types.NestedField.optional(8, "city", Types.StringType.get()))),
          Types.NestedField.optional(9, "we\"ird", Types.IntegerType.get()));

  @Test
  void aSubjectIsAQuotedLiteralWhateverItHolds() {
    for (String hostile :
        new String[] {
          "c-1' OR '1'='1", "'; DROP TABLE x; --", "c\\'1", "ü'\u202e'", "\"", "''''"
        }) {
      String sql = TrinoSql.condition(SCHEMA, Expressions.equal("customer_id", hostile));
      assertThat(sql).isEqualTo("\"customer_id\" = '" + hostile.replace("'", "''") + "'");
      // between the outer quotes every quote is doubled: the literal cannot end early
      String inner = sql.substring(sql.indexOf('\'') + 1, sql.length() - 1);
      assertThat(inner.replace("''", "")).doesNotContain("'");
    }
  }

  @Test
  void numbersUuidsDatesAndTimestampsAreTypedLiterals() {
    UUID device = UUID.fromString("8a1c7a3e-7c1f-4d1e-9b1a-2f7f6c1d0e11");
    assertThat(
            TrinoSql.condition(
                SCHEMA,
                Expressions.or(
                    Expressions.equal("account", 42L), Expressions.equal("device", device))))
        .isEqualTo("(\"account\" = 42) OR (\"device\" = UUID '" + device + "')");
    assertThat(TrinoSql.condition(SCHEMA, Expressions.lessThan("day", 20_000)))
        .isEqualTo("\"day\" < DATE '2024-10-04'");
    assertThat(TrinoSql.condition(SCHEMA, Expressions.equal("we\"ird", 7)))
        .isEqualTo("\"we\"\"ird\" = 7");
  }

  @Test
  void aRetentionRendersAsTheInstantItWasEvaluatedAt() {
    Instant now = Instant.parse("2026-11-29T12:30:45.123456Z");
    RowExpiry expiry =
        RowExpiry.of(
                new Retention(
                    "retention_until",
                    "seen_at",
                    Duration.ofDays(30),
                    null,
                    new Origin("t.yaml", 1, 1)),
                SCHEMA,
                now)
            .orElseThrow();
    assertThat(TrinoSql.condition(SCHEMA, expiry.expired()))
        .isEqualTo(
            "((\"retention_until\" IS NOT NULL) AND (\"retention_until\" < TIMESTAMP"
                + " '2026-11-29 12:30:45.123456 UTC')) OR ((\"seen_at\" IS NOT NULL) AND"
                + " (\"seen_at\" < TIMESTAMP '2026-10-30 12:30:45.123456'))");
  }

  @Test
  void nestedColumnsHaveNoRenderingHere() {
    assertThatThrownBy(() -> TrinoSql.condition(SCHEMA, Expressions.equal("address.city", "Lyon")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nested");
  }

  @Test
  void tableNamesAreQuotedIdentifiers() {
    assertThat(TrinoSql.table("jobs", TableIdentifier.of(Namespace.of("raw"), "a\"b")))
        .isEqualTo("\"jobs\".\"raw\".\"a\"\"b\"");
    assertThat(TrinoSql.table("jobs", TableIdentifier.of(Namespace.of("a", "b"), "t")))
        .isEqualTo("\"jobs\".\"a.b\".\"t\"");
    assertThatThrownBy(() -> TrinoSql.identifier("")).isInstanceOf(IllegalArgumentException.class);
  }
}
