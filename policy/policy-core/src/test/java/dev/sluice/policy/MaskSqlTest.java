package dev.sluice.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.policy.mask.BuiltInMask;
import dev.sluice.policy.mask.MaskCatalog;
import dev.sluice.policy.model.ColumnType;
import dev.sluice.policy.model.MaskDefinition;
import dev.sluice.policy.model.Origin;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MaskSqlTest {

  private static final MaskCatalog MASKS = MaskCatalog.builtInsOnly();

  private static String sql(String mask, String column, String type) {
    return MASKS.sql(mask, column, ColumnType.of(type));
  }

  @Test
  void stringMasks() {
    assertThat(sql("redact", "name", "varchar")).isEqualTo("CAST('REDACTED' AS varchar)");
    assertThat(sql("hash", "email", "varchar")).isEqualTo("to_hex(sha256(to_utf8(\"email\")))");
    assertThat(sql("last4", "phone", "varchar")).isEqualTo("concat('****', substr(\"phone\", -4))");
    assertThat(sql("first-letter", "name", "varchar"))
        .isEqualTo("concat(substr(\"name\", 1, 1), '***')");
    // Bounded types get the result cast back so Trino accepts the mask's type.
    assertThat(sql("hash", "code", "char(8)"))
        .isEqualTo("CAST(to_hex(sha256(to_utf8(\"code\"))) AS char(8))");
  }

  @Test
  void nullifyKeepsTheColumnType() {
    assertThat(sql("nullify", "total", "decimal(10,2)")).isEqualTo("CAST(NULL AS decimal(10,2))");
    assertThat(sql("nullify", "at", "timestamptz"))
        .isEqualTo("CAST(NULL AS timestamp(6) with time zone)");
  }

  @Test
  void dateAndCoordinateMasks() {
    assertThat(sql("year-only", "birth_date", "date"))
        .isEqualTo("date_trunc('year', \"birth_date\")");
    assertThat(sql("year-only", "seen_at", "timestamp(6)"))
        .isEqualTo("date_trunc('year', \"seen_at\")");
    assertThat(sql("round-coordinates", "lat", "double")).isEqualTo("round(\"lat\", 2)");
    assertThat(sql("round-coordinates", "lat", "decimal(9,6)")).isEqualTo("round(\"lat\", 2)");
  }

  @Test
  void masksFitOnlyTheirTypes() {
    assertThat(BuiltInMask.LAST4.fits(ColumnType.of("bigint"))).isFalse();
    assertThat(BuiltInMask.YEAR_ONLY.fits(ColumnType.of("varchar"))).isFalse();
    assertThat(BuiltInMask.ROUND_COORDINATES.fits(ColumnType.of("date"))).isFalse();
    assertThat(BuiltInMask.NULLIFY.fits(ColumnType.of("array(varchar)"))).isTrue();
    assertThat(BuiltInMask.YEAR_ONLY.fits(ColumnType.of("timestamp(3) with time zone"))).isTrue();
  }

  @Test
  void identifiersAreQuotedAndDeclaredMasksUseTheirTemplate() {
    MaskCatalog catalog =
        new MaskCatalog(
            Map.of(
                "email-domain",
                new MaskDefinition(
                    "email-domain",
                    "regexp_replace({column}, '^[^@]+', '***')",
                    List.of(ColumnType.of("varchar")),
                    Origin.BUILT_IN)));

    assertThat(catalog.sql("email-domain", "e\"mail", ColumnType.of("varchar")))
        .isEqualTo("regexp_replace(\"e\"\"mail\", '^[^@]+', '***')");
    assertThat(catalog.fits("email-domain", ColumnType.of("bigint"))).isFalse();
  }

  @Test
  void icebergTypeNamesAreTranslated() {
    assertThat(ColumnType.of("string").sql()).isEqualTo("varchar");
    assertThat(ColumnType.of("long").family()).isEqualTo(ColumnType.Family.INTEGER);
    assertThat(ColumnType.parse("blob")).isEmpty();
  }
}
