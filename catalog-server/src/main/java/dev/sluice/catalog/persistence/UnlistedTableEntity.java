package dev.sluice.catalog.persistence;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;

/** Files without a listed table: a table being created in stages, or one dropped without purge. */
@Entity
@Table(name = "unlisted_table")
public class UnlistedTableEntity {
  /** Why the catalog lists no table for the files. */
  public enum Reason {
    STAGED,
    DROPPED
  }

  @Id
  @Column(length = 36)
  public String id;

  @Column(name = "namespace_name", nullable = false, length = 1024)
  public String namespaceName;

  @Column(nullable = false, length = 1024)
  public String name;

  @Enumerated(EnumType.STRING)
  @Column(nullable = false, length = 16)
  public Reason reason;

  /** The canonical location key, as {@link CatalogEntity#location}. */
  @Column(nullable = false, length = 4096)
  public String location;

  @Column(name = "recorded_at", nullable = false)
  public OffsetDateTime recordedAt;
}
