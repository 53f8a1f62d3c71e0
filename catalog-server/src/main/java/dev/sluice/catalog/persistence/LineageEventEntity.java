package dev.sluice.catalog.persistence;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;

/** One OpenLineage event exactly as received; identical events are stored once. */
@Entity
@Table(name = "lineage_event")
public class LineageEventEntity {
  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  @Column(name = "event_hash", nullable = false, length = 64)
  public String eventHash;

  @Column(nullable = false, length = 16)
  public String kind;

  @Column(name = "run_id", length = 36)
  public String runId;

  @Column(name = "job_namespace", length = 1024)
  public String jobNamespace;

  @Column(name = "job_name", length = 1024)
  public String jobName;

  @Column(name = "event_time", nullable = false)
  public OffsetDateTime eventTime;

  @Column(nullable = false, length = 16)
  public String source;

  /** The principal that sent the event through the API; null for the catalog's own events. */
  @Column(length = 512)
  public String sender;

  /**
   * The credential the event was sent with ({@code api-token:<tokenId>}, {@code
   * oidc:<issuer>#<subject>}), when the request's identity names it; never a secret.
   */
  @Column(name = "sender_credential", length = 1024)
  public String senderCredential;

  @Column(name = "event_json", nullable = false, length = 10000000)
  public String eventJson;

  @Column(name = "received_at", nullable = false)
  public OffsetDateTime receivedAt;
}
