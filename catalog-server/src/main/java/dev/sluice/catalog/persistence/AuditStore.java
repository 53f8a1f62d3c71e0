package dev.sluice.catalog.persistence;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.hibernate.Session;
import org.hibernate.query.SelectionQuery;
import org.postgresql.PGConnection;

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

  /** Below this many rows a batch is inserted: COPY costs one more round trip to begin. */
  public static final int COPY_FROM_ROWS = 16;

  private static final String COPY =
      "COPY audit_event (" + String.join(", ", COLUMNS) + ") FROM STDIN";

  /**
   * Inserts the rows on {@code connection}, within its current transaction, in their order. On
   * PostgreSQL a larger batch is streamed with COPY, which the server parses far faster than a
   * multi-row insert's thousands of bound parameters.
   */
  public static void insert(Connection connection, List<AuditEventEntity> events)
      throws SQLException {
    if (events.size() >= COPY_FROM_ROWS && connection.isWrapperFor(PGConnection.class)) {
      try {
        connection
            .unwrap(PGConnection.class)
            .getCopyAPI()
            .copyIn(COPY, new StringReader(copyText(events)));
      } catch (IOException e) {
        throw new SQLException("Could not stream audit rows", e);
      }
      return;
    }
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

  /** The rows in COPY's text format: one line each, tab between columns, {@code \N} for null. */
  static String copyText(List<AuditEventEntity> events) {
    StringBuilder rows = new StringBuilder(events.size() * 256);
    for (AuditEventEntity event : events) {
      rows.append(DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(event.occurredAt)).append('\t');
      copyField(rows, event.principal).append('\t');
      copyField(rows, event.action).append('\t');
      copyField(rows, event.resource).append('\t');
      rows.append(event.allowed ? 't' : 'f').append('\t');
      copyField(rows, event.rule).append('\t');
      copyField(rows, event.requestId).append('\t');
      copyField(rows, event.clientAddress).append('\t');
      copyField(rows, event.credential).append('\t');
      copyField(rows, event.policyVersion == null ? null : event.policyVersion.toString())
          .append('\t');
      rows.append(event.attempts).append('\n');
    }
    return rows.toString();
  }

  /** A value as COPY's text format reads it back unchanged: backslash escapes, null as \N. */
  private static StringBuilder copyField(StringBuilder rows, String value) {
    if (value == null) {
      return rows.append("\\N");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\\' -> rows.append("\\\\");
        case '\t' -> rows.append("\\t");
        case '\n' -> rows.append("\\n");
        case '\r' -> rows.append("\\r");
        default -> rows.append(c);
      }
    }
    return rows;
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
