package dev.sluice.catalog.persistence;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;

/** One erasure of a data subject; the subject itself is only ever here as its keyed hash. */
@Entity
@Table(name = "erasure")
public class ErasureEntity {

  /** Accepted until its job starts; verified (with a receipt) or failed (with the reason). */
  public enum State {
    ACCEPTED,
    RUNNING,
    VERIFIED,
    FAILED
  }

  @Id
  @Column(length = 36)
  public String id;

  @Column(name = "request_id", nullable = false, length = 256)
  public String requestId;

  @Column(name = "subject_hash", nullable = false, length = 64)
  public String subjectHash;

  @Column(nullable = false, length = 4000)
  public String reason;

  @Enumerated(EnumType.STRING)
  @Column(nullable = false, length = 16)
  public State state;

  @Column(name = "job_id", nullable = false, length = 36)
  public String jobId;

  @Column(length = 4000)
  public String failure;

  @Column(length = 1000000)
  public String receipt;

  @Column(name = "receipt_sha256", length = 64)
  public String receiptSha256;

  @Column(name = "created_by", nullable = false, length = 512)
  public String createdBy;

  @Column(name = "created_at", nullable = false)
  public OffsetDateTime createdAt;

  @Column(name = "updated_at", nullable = false)
  public OffsetDateTime updatedAt;
}
