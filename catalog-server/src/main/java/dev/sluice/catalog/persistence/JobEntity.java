package dev.sluice.catalog.persistence;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;

/** One piece of background work and how far it got. */
@Entity
@Table(name = "job")
public class JobEntity {

  /** Queued until leased; running while a replica holds the lease; then done either way. */
  public enum State {
    QUEUED,
    RUNNING,
    SUCCEEDED,
    FAILED
  }

  @Id
  @Column(length = 36)
  public String id;

  @Column(nullable = false, length = 64)
  public String kind;

  @Enumerated(EnumType.STRING)
  @Column(nullable = false, length = 16)
  public State state;

  @Column(length = 2048)
  public String subject;

  @Column(nullable = false, length = 1000000)
  public String payload;

  @Column(length = 1000000)
  public String progress;

  @Column(length = 1000000)
  public String result;

  @Column(name = "last_error", length = 4000)
  public String lastError;

  @Column(nullable = false)
  public int attempts;

  @Column(name = "max_attempts", nullable = false)
  public int maxAttempts;

  @Column(name = "run_after", nullable = false)
  public OffsetDateTime runAfter;

  @Column(name = "lease_owner", length = 128)
  public String leaseOwner;

  @Column(name = "lease_until")
  public OffsetDateTime leaseUntil;

  @Column(name = "created_by", nullable = false, length = 512)
  public String createdBy;

  @Column(name = "created_at", nullable = false)
  public OffsetDateTime createdAt;

  @Column(name = "updated_at", nullable = false)
  public OffsetDateTime updatedAt;

  @Column(name = "started_at")
  public OffsetDateTime startedAt;

  @Column(name = "finished_at")
  public OffsetDateTime finishedAt;
}
