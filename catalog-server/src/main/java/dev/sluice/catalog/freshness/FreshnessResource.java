package dev.sluice.catalog.freshness;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.sluice.catalog.persistence.FreshnessStore;
import dev.sluice.catalog.security.CatalogAuthorizer;
import dev.sluice.lineage.freshness.FreshnessEvaluation;
import dev.sluice.lineage.freshness.FreshnessEvaluation.Verdict;
import io.quarkus.security.Authenticated;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Freshness of every dataset under a freshness contract, judged at the time of the request: stale
 * datasets first, then the oldest. Administrators only.
 */
@Authenticated
@Path("/api/v1/freshness")
@Produces(MediaType.APPLICATION_JSON)
public class FreshnessResource {

  @Inject CatalogAuthorizer authorizer;
  @Inject FreshnessService freshness;
  @Inject FreshnessStore store;

  @GET
  public List<DatasetFreshness> list() {
    authorizer.requireAdmin("freshness.read", "freshness");
    FreshnessService.Evaluation evaluation = freshness.evaluate(Instant.now());
    Map<String, FreshnessStore.Violation> open = store.violations();
    return evaluation.verdicts().stream().map(v -> view(v, open.get(v.dataset()))).toList();
  }

  private static DatasetFreshness view(Verdict verdict, FreshnessStore.Violation violation) {
    FreshnessEvaluation.Cause cause = verdict.rootCause();
    return new DatasetFreshness(
        verdict.dataset(),
        FreshnessEvaluation.spell(verdict.maxStaleness()),
        verdict.maxStaleness().toSeconds(),
        verdict.lastCommit(),
        verdict.committed(),
        verdict.age().toSeconds(),
        verdict.stale(),
        verdict.staleSince(),
        cause == null
            ? null
            : new RootCause(
                cause.dataset(),
                cause.lastCommit(),
                cause.age().toSeconds(),
                cause.bound().toSeconds(),
                verdict.sentence()),
        violation == null
            ? null
            : new OpenViolation(
                violation.violationId(),
                violation.staleSince(),
                violation.detectedAt(),
                violation.rootCause(),
                violation.freshSince()));
  }

  /**
   * One dataset's freshness. {@code lastCommitAt} is its last data commit, or its creation when
   * {@code committed} is false; {@code staleSince} and {@code rootCause} are set when it is stale;
   * {@code violation} is the recorded alert (which resolves a check interval after the dataset is
   * fresh again).
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record DatasetFreshness(
      String dataset,
      String maxStaleness,
      long maxStalenessSeconds,
      Instant lastCommitAt,
      boolean committed,
      long ageSeconds,
      boolean stale,
      Instant staleSince,
      RootCause rootCause,
      OpenViolation violation) {}

  /** The farthest upstream stale dataset (the dataset itself when nothing upstream is stale). */
  public record RootCause(
      String dataset,
      Instant lastCommitAt,
      long ageSeconds,
      long maxStalenessSeconds,
      String sentence) {}

  /** The violation recorded for the dataset. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record OpenViolation(
      String id, Instant staleSince, Instant detectedAt, String rootCause, Instant freshSince) {}
}
