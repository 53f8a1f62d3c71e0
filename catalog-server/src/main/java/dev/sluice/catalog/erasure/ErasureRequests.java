package dev.sluice.catalog.erasure;

import dev.sluice.catalog.jobs.JobsConfig;
import dev.sluice.catalog.json.ServerJson;
import dev.sluice.catalog.persistence.ErasureEntity;
import dev.sluice.catalog.persistence.ErasureStore;
import dev.sluice.catalog.persistence.JobStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.exceptions.BadRequestException;
import org.apache.iceberg.exceptions.ServiceUnavailableException;

/** Checks and accepts an erasure someone asked for; one erasure per request id. */
@ApplicationScoped
public class ErasureRequests {
  static final int MAX_REQUEST_ID = 256;
  static final int MAX_REASON = 4000;
  static final int MAX_SUBJECT = 4096;

  private final ErasureStore erasures;
  private final ErasureConfig config;
  private final JobsConfig jobs;

  /** The outcome: the erasure, and whether this request created it. */
  public record Accepted(ErasureEntity erasure, boolean created) {}

  @Inject
  public ErasureRequests(ErasureStore erasures, ErasureConfig config, JobsConfig jobs) {
    this.erasures = erasures;
    this.config = config;
    this.jobs = jobs;
  }

  /** The keys of the configured secret; refused (503) when none is configured. */
  public SubjectKeys keys() {
    String secret = config.subjectKey().filter(key -> !key.isBlank()).orElse(null);
    if (secret == null) {
      throw new ServiceUnavailableException(
          "Erasure is not available: sluice.erasure.subject-key must be configured (the secret"
              + " that keys subject hashes)");
    }
    return new SubjectKeys(secret);
  }

  /**
   * Accepts an erasure and queues its job, or returns the erasure of an earlier request with the
   * same id (queuing nothing). Nothing is stored when the request is invalid.
   */
  public Accepted request(String subject, String reason, String requestId, String requestedBy) {
    require(subject, "subject", MAX_SUBJECT);
    require(reason, "reason", MAX_REASON);
    require(requestId, "requestId", MAX_REQUEST_ID);
    SubjectKeys keys = keys();
    String hash = keys.hash(subject);
    Optional<ErasureEntity> earlier = erasures.findByRequest(requestId);
    if (earlier.isPresent()) {
      return same(earlier.get(), hash);
    }
    String id = ErasureStore.newId();
    ErasureJob.Payload payload = new ErasureJob.Payload(id, hash, keys.seal(subject, id));
    try {
      ErasureEntity created =
          erasures.create(
              id,
              requestId,
              hash,
              reason,
              requestedBy,
              new JobStore.NewJob(
                  ErasureJob.KIND,
                  "erasure " + id,
                  ServerJson.write(payload),
                  requestedBy,
                  jobs.maxAttempts()));
      return new Accepted(created, true);
    } catch (RuntimeException e) {
      // a concurrent request with the same id committed first: answer with its erasure
      return erasures
          .findByRequest(requestId)
          .map(existing -> same(existing, hash))
          .orElseThrow(() -> e);
    }
  }

  private static Accepted same(ErasureEntity earlier, String hash) {
    if (!earlier.subjectHash.equals(hash)) {
      throw new AlreadyExistsException(
          "Erasure request id %s was already used for another subject", earlier.requestId);
    }
    return new Accepted(earlier, false);
  }

  private static void require(String value, String field, int max) {
    if (value == null || value.isBlank()) {
      throw new BadRequestException("Invalid erasure request: %s is required", field);
    }
    if (value.length() > max) {
      throw new BadRequestException(
          "Invalid erasure request: %s is longer than %d characters", field, max);
    } // stored as text (the subject only hashed and sealed): a NUL or other control character
    // cannot be stored in PostgreSQL, and is no one's id
    if (value.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw new BadRequestException(
          "Invalid erasure request: %s contains a control character", field);
    }
  }
}
