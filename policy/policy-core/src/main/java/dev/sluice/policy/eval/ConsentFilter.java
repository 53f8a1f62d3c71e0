package dev.sluice.policy.eval;

import dev.sluice.policy.mask.MaskCatalog;
import dev.sluice.policy.model.ColumnPolicy;
import dev.sluice.policy.model.ColumnType;
import dev.sluice.policy.model.Consent;
import dev.sluice.policy.model.Dataset;

/** Builds the Trino predicate that keeps only rows whose consent covers a purpose. */
final class ConsentFilter {

  private ConsentFilter() {}

  static String sql(Consent consent, String requiredValue, Dataset dataset) {
    String purposes = null;
    if (consent.purposesColumn() != null) {
      String column = MaskCatalog.quote(consent.purposesColumn());
      ColumnType type =
          dataset.column(consent.purposesColumn()).map(ColumnPolicy::type).orElse(null);
      purposes =
          type != null && type.family() == ColumnType.Family.STRING
              // A comma-separated list in a varchar column.
              ? "strpos(concat(',', "
                  + column
                  + ", ','), "
                  + literal("," + requiredValue + ",")
                  + ") > 0"
              : "contains(" + column + ", " + literal(requiredValue) + ")";
    }
    String status =
        consent.statusColumn() == null
            ? null
            : MaskCatalog.quote(consent.statusColumn()) + " = " + literal(consent.grantedValue());
    if (purposes != null && status != null) {
      return status + " AND " + purposes;
    }
    return purposes != null ? purposes : status;
  }

  static String literal(String value) {
    return "'" + value.replace("'", "''") + "'";
  }
}
