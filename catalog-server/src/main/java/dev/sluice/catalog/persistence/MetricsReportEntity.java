package dev.sluice.catalog.persistence;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;

/** A scan or commit report sent by an engine, kept as the JSON it arrived in. */
@Entity
@Table(name = "catalog_metrics_report")
public class MetricsReportEntity {
  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  @Column(name = "namespace_name", nullable = false, length = 1024)
  public String namespaceName;

  @Column(name = "table_name", nullable = false, length = 1024)
  public String tableName;

  @Column(name = "report_type", nullable = false, length = 32)
  public String reportType;

  @Column(name = "snapshot_id")
  public Long snapshotId;

  @Column(name = "report_json", nullable = false, length = 1000000)
  public String reportJson;

  @Column(name = "received_at", nullable = false)
  public OffsetDateTime receivedAt;
}
