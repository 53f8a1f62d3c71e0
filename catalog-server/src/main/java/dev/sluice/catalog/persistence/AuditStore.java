package dev.sluice.catalog.persistence;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.hibernate.Session;
import org.hibernate.query.SelectionQuery;

/** The audit trail: appended to, queried, never changed. */
@ApplicationScoped
public class AuditStore {
  private final CatalogSessions sessions;

  @Inject
  AuditStore(CatalogSessions sessions) {
    this.sessions = sessions;
  }

  /** Appends within the caller's transaction, so a change and its audit rows commit together. */
  public void appendInto(Session session, List<AuditEventEntity> events) {
    session.doWork(connection -> insert(connection, events));
  }

  @Transactional
  public void append(List<AuditEventEntity> events) {
    appendInto(sessions.session(), events);
  }

  /**
   * Appends in one transaction, in the given order (ids ascend with it), as multi-row inserts: for
   * batches of hundreds of rows about a third cheaper on PostgreSQL than a JDBC batch of single-row
   * inserts. Hibernate does not batch inserts of identity ids, so the rows go through the session's
   * connection.
   */
  @Transactional
  public void appendBatch(List<AuditEventEntity> events) {
    sessions.session().doWork(connection -> insert(connection, events));
  }

  private static final List<String> COLUMNS =
      List.of(
          "occurred_at",
          "principal",
          "action",
          "resource",
          "allowed",
          "rule",
          "request_id",
          "client_address",
          "credential",
          "policy_version",
          "attempts");

  /** Inserts the rows on {@code connection}, within its current transaction, in their order. */
  public static void insert(Connection connection, List<AuditEventEntity> events)
      throws SQLException {
    int per = LineageTables.rowsPerStatement(COLUMNS.size());
    for (int from = 0; from < events.size(); from += per) {
      List<AuditEventEntity> chunk = events.subList(from, Math.min(events.size(), from + per));
      try (PreparedStatement insert =
          connection.prepareStatement(
              LineageTables.multiRowInsert("audit_event", COLUMNS, chunk.size()))) {
        int at = 0;
        for (AuditEventEntity event : chunk) {
          insert.setObject(at + 1, event.occurredAt);
          insert.setString(at + 2, event.principal);
          insert.setString(at + 3, event.action);
          insert.setString(at + 4, event.resource);
          insert.setBoolean(at + 5, event.allowed);
          insert.setString(at + 6, event.rule);
          insert.setString(at + 7, event.requestId);
          insert.setString(at + 8, event.clientAddress);
          insert.setString(at + 9, event.credential);
          if (event.policyVersion == null) {
            insert.setNull(at + 10, Types.INTEGER);
          } else {
            insert.setInt(at + 10, event.policyVersion);
          }
          insert.setInt(at + 11, event.attempts);
          at += COLUMNS.size();
        }
        insert.executeUpdate();
      }
    }
  }

  /** Which rows to return; null fields do not filter. Newest first, keyed on id for paging. */
  public record Query(
      String principal,
      String resource,
      String action,
      Boolean allowed,
      String credential,
      OffsetDateTime from,
      OffsetDateTime to,
      Long beforeId,
      int limit) {
    public Query {
      if (limit < 1) {
        throw new IllegalArgumentException("limit must be positive");
      }
    }
  }

  @Transactional
  public List<AuditEventEntity> query(Query query) {
    Objects.requireNonNull(query, "query");
    List<String> where = new ArrayList<>();
    if (query.principal() != null) {
      where.add("principal = :principal");
    }
    if (query.resource() != null) {
      where.add(
          query.resource().endsWith("*")
              ? "resource like :resource escape '\\'"
              : "resource = :resource");
    }
    if (query.action() != null) {
      where.add("action = :action");
    }
    if (query.allowed() != null) {
      where.add("allowed = :allowed");
    }
    if (query.credential() != null) {
      where.add(
          query.credential().endsWith("*")
              ? "credential like :credential escape '\\'"
              : "credential = :credential");
    }
    if (query.from() != null) {
      where.add("occurredAt >= :from");
    }
    if (query.to() != null) {
      where.add("occurredAt < :to");
    }
    if (query.beforeId() != null) {
      where.add("id < :beforeId");
    }
    String hql =
        "from AuditEventEntity"
            + (where.isEmpty() ? "" : " where " + String.join(" and ", where))
            + " order by id desc";
    SelectionQuery<AuditEventEntity> select =
        sessions.session().createSelectionQuery(hql, AuditEventEntity.class);
    if (query.principal() != null) {
      select.setParameter("principal", query.principal());
    }
    if (query.resource() != null) {
      select.setParameter("resource", likeOrExact(query.resource()));
    }
    if (query.action() != null) {
      select.setParameter("action", query.action());
    }
    if (query.allowed() != null) {
      select.setParameter("allowed", query.allowed());
    }
    if (query.credential() != null) {
      select.setParameter("credential", likeOrExact(query.credential()));
    }
    if (query.from() != null) {
      select.setParameter("from", query.from());
    }
    if (query.to() != null) {
      select.setParameter("to", query.to());
    }
    if (query.beforeId() != null) {
      select.setParameter("beforeId", query.beforeId());
    }
    return select.setMaxResults(query.limit()).getResultList();
  }

  /** A trailing {@code *} matches a prefix. */
  private static String likeOrExact(String text) {
    return text.endsWith("*")
        ? LikePatterns.literal(text.substring(0, text.length() - 1)) + "%"
        : text;
  }
}
