package dev.sluice.catalog.persistence;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;

/** A table or view: the pointer to its current metadata file. */
@Entity
@Table(name = "catalog_entity")
public class CatalogEntity {

  /** Tables and views share one identifier space within a namespace. */
  public enum Kind {
    TABLE,
    VIEW
  }

  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  @Column(name = "namespace_name", nullable = false, length = 1024)
  public String namespaceName;

  @Column(nullable = false, length = 1024)
  public String name;

  @Enumerated(EnumType.STRING)
  @Column(nullable = false, length = 16)
  public Kind kind;

  @Column(name = "metadata_location", nullable = false, length = 4096)
  public String metadataLocation;

  /** The canonical location of the table or view (null for rows from before it was kept). */
  @Column(length = 4096)
  public String location;

  @Column(name = "previous_metadata_location", length = 4096)
  public String previousMetadataLocation;

  @Column(name = "pointer_version", nullable = false)
  public long pointerVersion;

  @Column(name = "created_at", nullable = false)
  public OffsetDateTime createdAt;

  @Column(name = "updated_at", nullable = false)
  public OffsetDateTime updatedAt;
}
