package dev.sluice.catalog.contracts;

import dev.sluice.catalog.persistence.CatalogSessions;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * The contract_finding table: appended after a commit's outcome is known, read by the admin API.
 */
@ApplicationScoped
public class ContractFindingStore {
  private static final String INSERT =
      "insert into contract_finding (dataset, outcome, rule, field, file_path, message,"
          + " rule_origin, policy_version, principal, request_id, created_at)"
          + " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  private static final String SELECT =
      "select id, dataset, outcome, rule, field, file_path, message, rule_origin, policy_version,"
          + " principal, request_id, created_at from contract_finding";

  private final AgroalDataSource dataSource;

  @Inject
  ContractFindingStore(CatalogSessions sessions) {
    this.dataSource = sessions.dataSource();
  }

  /** Stores the findings in one transaction of their own. */
  public void append(List<ContractFinding> findings) {
    if (findings.isEmpty()) {
      return;
    }
    try (Connection connection = dataSource.getConnection()) {
      boolean autoCommit = connection.getAutoCommit();
      connection.setAutoCommit(false);
      try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        for (ContractFinding finding : findings) {
          insert.setString(1, finding.dataset());
          insert.setString(2, finding.outcome().name());
          insert.setString(3, finding.rule());
          setNullable(insert, 4, finding.field());
          setNullable(insert, 5, finding.file());
          insert.setString(6, clip(finding.message(), 8000));
          insert.setString(7, finding.ruleOrigin());
          insert.setInt(8, finding.policyVersion());
          insert.setString(9, finding.principal());
          setNullable(insert, 10, finding.requestId());
          insert.setObject(11, now);
          insert.addBatch();
        }
        insert.executeBatch();
        connection.commit();
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      } finally {
        connection.setAutoCommit(autoCommit);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("Contract findings could not be stored", e);
    }
  }

  /** The newest findings first; {@code dataset} and {@code outcome} filter when not null. */
  public List<ContractFinding> list(String dataset, ContractFinding.Outcome outcome, int limit) {
    StringBuilder sql = new StringBuilder(SELECT).append(" where 1 = 1");
    List<String> values = new ArrayList<>();
    if (dataset != null) {
      sql.append(" and dataset = ?");
      values.add(dataset);
    }
    if (outcome != null) {
      sql.append(" and outcome = ?");
      values.add(outcome.name());
    }
    sql.append(" order by id desc fetch first ? rows only");
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select = connection.prepareStatement(sql.toString())) {
      int i = 1;
      for (String value : values) {
        select.setString(i++, value);
      }
      select.setInt(i, limit);
      List<ContractFinding> findings = new ArrayList<>();
      try (ResultSet row = select.executeQuery()) {
        while (row.next()) {
          findings.add(
              new ContractFinding(
                  row.getLong(1),
                  row.getString(2),
                  ContractFinding.Outcome.valueOf(row.getString(3)),
                  row.getString(4),
                  row.getString(5),
                  row.getString(6),
                  row.getString(7),
                  row.getString(8),
                  row.getInt(9),
                  row.getString(10),
                  row.getString(11),
                  row.getObject(12, OffsetDateTime.class)));
        }
      }
      return findings;
    } catch (SQLException e) {
      throw new IllegalStateException("Contract findings could not be read", e);
    }
  }

  /** Deletes the findings recorded before {@code cutoff}; returns how many. */
  public int deleteBefore(OffsetDateTime cutoff) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement delete =
            connection.prepareStatement("delete from contract_finding where created_at < ?")) {
      delete.setObject(1, cutoff);
      return delete.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException("Old contract findings could not be deleted", e);
    }
  }

  private static void setNullable(PreparedStatement statement, int index, String value)
      throws SQLException {
    if (value == null) {
      statement.setNull(index, Types.VARCHAR);
    } else {
      statement.setString(index, clip(value, 4000));
    }
  }

  private static String clip(String text, int limit) {
    return text.length() <= limit ? text : text.substring(0, limit - 1) + "…";
  }
}
