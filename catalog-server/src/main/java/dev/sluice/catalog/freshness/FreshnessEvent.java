package dev.sluice.catalog.freshness;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What the webhook receives: an {@code alert} when a dataset turned stale, a {@code resolved} when
 * it has been fresh again for a check interval. Both carry the violation's id, the same in every
 * attempt of either delivery, so a receiver drops repeats by {@code (violationId, kind)}. Times are
 * ISO-8601 UTC; absent values are left out.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FreshnessEvent(
    String kind,
    String violationId,
    String dataset,
    String maxStaleness,
    Long maxStalenessSeconds,
    Long ageSeconds,
    String lastCommitAt,
    String staleSince,
    String detectedAt,
    String resolvedAt,
    RootCause rootCause,
    String summary) {

  public static final String ALERT = "alert";
  public static final String RESOLVED = "resolved";

  public FreshnessEvent {
    requireNonNull(kind, "kind");
    requireNonNull(violationId, "violationId");
    requireNonNull(dataset, "dataset");
    if (!kind.equals(ALERT) && !kind.equals(RESOLVED)) {
      throw new IllegalArgumentException("kind is alert or resolved: " + kind);
    }
  }

  /** The farthest upstream stale dataset, as it was when the alert was raised. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record RootCause(
      String dataset,
      String lastCommitAt,
      Long ageSeconds,
      Long maxStalenessSeconds,
      String sentence) {
    public RootCause {
      requireNonNull(dataset, "dataset");
    }
  }
}
