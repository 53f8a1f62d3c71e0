package dev.sluice.catalog.policy;

import static java.util.Objects.requireNonNull;

import dev.sluice.policy.eval.PolicyEngine;
import java.time.OffsetDateTime;
import java.util.Map;

/** The bundle decisions are made with: compiled once, swapped atomically on apply. */
public record ActivePolicy(
    int version,
    String contentHash,
    String appliedBy,
    OffsetDateTime appliedAt,
    String source,
    Map<String, String> files,
    PolicyEngine engine) {
  public ActivePolicy {
    requireNonNull(contentHash, "contentHash is null");
    requireNonNull(appliedBy, "appliedBy is null");
    requireNonNull(appliedAt, "appliedAt is null");
    requireNonNull(source, "source is null");
    files = Map.copyOf(files);
    requireNonNull(engine, "engine is null");
  }
}
