package dev.sluice.catalog.persistence;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;

/** An API token: the SHA-256 of its secret and the principal it stands for. */
@Entity
@Table(name = "api_token")
public class ApiTokenEntity {
  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  @Column(name = "token_id", nullable = false, length = 36)
  public String tokenId;

  @Column(name = "secret_hash", nullable = false, length = 64)
  public String secretHash;

  @Column(name = "principal_name", nullable = false)
  public String principalName;

  @Column(name = "principal_kind", nullable = false, length = 16)
  public String principalKind;

  @Column(name = "groups_csv", nullable = false, length = 4000)
  public String groupsCsv;

  @Column(name = "roles_csv", nullable = false, length = 4000)
  public String rolesCsv;

  @Column(length = 1000)
  public String description;

  @Column(name = "created_by", nullable = false, length = 512)
  public String createdBy;

  @Column(name = "created_at", nullable = false)
  public OffsetDateTime createdAt;

  @Column(name = "expires_at")
  public OffsetDateTime expiresAt;

  @Column(name = "revoked_at")
  public OffsetDateTime revokedAt;
}
