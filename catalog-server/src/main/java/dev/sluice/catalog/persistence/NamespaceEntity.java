package dev.sluice.catalog.persistence;

import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.MapKeyColumn;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.Map;

/** A namespace; {@link #name} holds its levels joined by {@link NamespaceNames#SEPARATOR}. */
@Entity
@Table(name = "catalog_namespace")
public class NamespaceEntity {
  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  @Column(nullable = false, length = 1024)
  public String name;

  @Column(name = "parent_name", length = 1024)
  public String parentName;

  @Column(nullable = false)
  public int depth;

  @ElementCollection(fetch = FetchType.EAGER)
  @CollectionTable(
      name = "catalog_namespace_property",
      joinColumns = @JoinColumn(name = "namespace_id"))
  @MapKeyColumn(name = "property_key", length = 1024)
  @Column(name = "property_value", length = 65536, nullable = false)
  public Map<String, String> properties = new HashMap<>();

  @Column(name = "created_at", nullable = false)
  public OffsetDateTime createdAt;

  @Column(name = "updated_at", nullable = false)
  public OffsetDateTime updatedAt;
}
