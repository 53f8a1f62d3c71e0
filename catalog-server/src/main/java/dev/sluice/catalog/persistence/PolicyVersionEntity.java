package dev.sluice.catalog.persistence;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;

/** One applied policy bundle. Rows are only ever added. */
@Entity
@Table(name = "policy_version")
public class PolicyVersionEntity {
  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  @Column(nullable = false)
  public int version;

  @Column(name = "content_hash", nullable = false, length = 64)
  public String contentHash;

  @Column(name = "files_json", nullable = false, length = 10000000)
  public String filesJson;

  @Column(name = "applied_by", nullable = false, length = 512)
  public String appliedBy;

  @Column(name = "applied_at", nullable = false)
  public OffsetDateTime appliedAt;

  @Column(nullable = false, length = 32)
  public String source;

  @Column(name = "diff_json", nullable = false, length = 10000000)
  public String diffJson;

  @Column(name = "diff_markdown", nullable = false, length = 10000000)
  public String diffMarkdown;
}
