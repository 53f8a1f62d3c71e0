package dev.sluice.policy.diff;

import java.util.Locale;

/** Why a change needs a careful review; {@code --fail-on} in the CLI keys on these. */
public enum Risk {
  /** Someone can now see a {@code pii.*} column unmasked (or read a table holding one). */
  PII_WIDENING,
  /** A consent filter or a dataset's consent rule goes away. */
  CONSENT_REMOVAL,
  /** A contract goes away or promises less: consumers lose a guarantee they rely on. */
  CONTRACT_LOOSENING;

  public String key() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
