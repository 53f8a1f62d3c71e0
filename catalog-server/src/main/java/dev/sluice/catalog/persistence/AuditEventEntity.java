package dev.sluice.catalog.persistence;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;

/** One authorization decision. Rows are only ever added. */
@Entity
@Table(name = "audit_event")
public class AuditEventEntity {
  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  @Column(name = "occurred_at", nullable = false)
  public OffsetDateTime occurredAt;

  @Column(nullable = false, length = 512)
  public String principal;

  @Column(nullable = false, length = 64)
  public String action;

  @Column(nullable = false, length = 2048)
  public String resource;

  @Column(nullable = false)
  public boolean allowed;

  @Column(nullable = false, length = 4000)
  public String rule;

  @Column(name = "request_id", length = 128)
  public String requestId;

  @Column(name = "client_address", length = 128)
  public String clientAddress;

  /**
   * The credential that authenticated the request: {@code api-token:<id>}, {@code
   * oidc:<iss>#<sub>}.
   */
  @Column(length = 512)
  public String credential;

  /** The version of the policy that decided, when one did. */
  @Column(name = "policy_version")
  public Integer policyVersion;

  /** How many identical attempts the row stands for (failed authentications are aggregated). */
  @Column(nullable = false)
  public int attempts = 1;
}
