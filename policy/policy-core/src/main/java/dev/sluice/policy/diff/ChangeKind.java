package dev.sluice.policy.diff;

import java.util.Locale;

/** What changed for one subject on one dataset (or column), in the order reports list them. */
public enum ChangeKind {
  DATASET_ADDED,
  DATASET_REMOVED,
  NAME_RULE_ADDED,
  NAME_RULE_REMOVED,
  GAINS_READ,
  LOSES_READ,
  GAINS_WRITE,
  LOSES_WRITE,
  GAINS_ADMIN,
  LOSES_ADMIN,
  COLUMN_UNMASKED,
  COLUMN_MASKED,
  MASK_CHANGED,
  ROW_FILTER_ADDED,
  ROW_FILTER_REMOVED,
  CONSENT_ADDED,
  CONSENT_REMOVED,
  CONSENT_CHANGED,
  RETENTION_SHORTENED,
  RETENTION_LENGTHENED,
  RETENTION_CHANGED,
  CONTRACT_ADDED,
  CONTRACT_REMOVED,
  CONTRACT_LOOSENED,
  CONTRACT_TIGHTENED,
  CONTRACT_CHANGED;

  /** {@code gains-read}, as used in JSON output. */
  public String key() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** {@code gains read}, as used in Markdown. */
  public String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', ' ');
  }
}
