package dev.sluice.policy.model;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The governance column vocabulary from the seed tables. A dataset that lists one of these columns
 * without a type gets the type below, and consent/retention default to them when present.
 */
public final class GovernanceColumns {

  public static final String CONSENT_STATUS = "consent_status";
  public static final String ALLOWED_PURPOSES = "allowed_purposes";
  public static final String RETENTION_UNTIL = "retention_until";
  public static final String RETENTION_EXPIRES_AT = "retention_expires_at";
  public static final String EVENT_TIME = "event_time";

  private static final Map<String, String> TYPES = new TreeMap<>();

  static {
    TYPES.put("record_id", "varchar");
    TYPES.put("source_system", "varchar");
    TYPES.put("ingested_at", "timestamp(6) with time zone");
    TYPES.put(EVENT_TIME, "timestamp(6) with time zone");
    TYPES.put("data_category", "varchar");
    TYPES.put("pii_class", "varchar");
    TYPES.put(CONSENT_STATUS, "varchar");
    TYPES.put("consent_version", "varchar");
    TYPES.put(ALLOWED_PURPOSES, "array(varchar)");
    TYPES.put("region", "varchar");
    TYPES.put(RETENTION_UNTIL, "timestamp(6) with time zone");
    TYPES.put(RETENTION_EXPIRES_AT, "timestamp(6) with time zone");
    TYPES.put("delete_request_id", "varchar");
    TYPES.put("owner_team", "varchar");
  }

  private GovernanceColumns() {}

  public static Set<String> names() {
    return TYPES.keySet();
  }

  public static boolean isGovernanceColumn(String column) {
    return TYPES.containsKey(column);
  }

  public static Optional<ColumnType> defaultType(String column) {
    return Optional.ofNullable(TYPES.get(column)).map(ColumnType::of);
  }

  /** {@code retention_expires_at} is an accepted spelling of {@code retention_until}. */
  public static boolean isExpiryColumn(String column) {
    return RETENTION_UNTIL.equals(column) || RETENTION_EXPIRES_AT.equals(column);
  }
}
