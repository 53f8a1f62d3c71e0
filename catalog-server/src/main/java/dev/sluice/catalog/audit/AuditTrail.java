package dev.sluice.catalog.audit;

import dev.sluice.catalog.persistence.AfterCommit;
import dev.sluice.catalog.persistence.AuditEventEntity;
import dev.sluice.catalog.persistence.AuditStore;
import dev.sluice.catalog.rest.RequestIdFilter;
import dev.sluice.catalog.security.Identities;
import io.quarkus.arc.Arc;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.hibernate.Session;
import org.jboss.logging.MDC;

/**
 * Records every decision. A decision that allows a change is written by the transaction making the
 * change ({@link #joinChange}), so the change cannot commit without its audit row; decisions that
 * changed nothing (reads, refusals, failed changes) are queued when the request ends and written in
 * batches ({@link AuditBatchWriter}). Each row names the credential that authenticated its request.
 */
@ApplicationScoped
public class AuditTrail {
  private final PendingAudit pending;
  private final AuditStore store;
  private final AuditBatchWriter writer;
  private final TransactionSynchronizationRegistry transactions;
  private final CurrentVertxRequest request;
  private final CurrentIdentityAssociation identity;

  @Inject
  public AuditTrail(
      PendingAudit pending,
      AuditStore store,
      AuditBatchWriter writer,
      TransactionSynchronizationRegistry transactions,
      CurrentVertxRequest request,
      CurrentIdentityAssociation identity) {
    this.pending = pending;
    this.store = store;
    this.writer = writer;
    this.transactions = transactions;
    this.request = request;
    this.identity = identity;
  }

  public void record(AuditEntry entry) {
    if (!inRequest()) {
      store.append(List.of(entity(entry, null, null)));
      return;
    }
    if (pending.clientAddress() == null && request.getCurrent() != null) {
      var remote = request.getCurrent().request().remoteAddress();
      pending.clientAddress(remote == null ? "unknown" : remote.hostAddress());
      // the decision was made for an authenticated caller, so this does not wait; the Trino
      // decision API is called without credentials and its rows name none
      pending.credential(credential());
    }
    pending.add(entry);
  }

  /**
   * Writes the request's pending decisions inside the caller's transaction, which is about to
   * change catalog state. With {@code required}, a change that no decision allowed is refused; the
   * second change of one request (a property update and removal) finds the rows already committed
   * by the first.
   */
  public void joinChange(Session session, boolean required) {
    if (!inRequest()) {
      if (required) {
        throw new IllegalStateException("A catalog change outside a request has no decision");
      }
      return;
    }
    if (required && !pending.anyAllowed()) {
      throw new IllegalStateException("A catalog change was attempted without a decision");
    }
    List<AuditEntry> entries = pending.unwritten();
    if (entries.isEmpty()) {
      return; // written by an earlier change of this request, which committed
    }
    String address = pending.clientAddress();
    String credential = pending.credential();
    store.appendInto(session, entries.stream().map(e -> entity(e, address, credential)).toList());
    AfterCommit.run(transactions, () -> pending.written(entries.size()));
  }

  /**
   * At the end of a request: the decisions no change carried are queued for the batch writer.
   *
   * @throws org.apache.iceberg.exceptions.ServiceUnavailableException when the queue has no room
   */
  public void flush() {
    if (!inRequest()) {
      return;
    }
    List<AuditEntry> entries = pending.unwritten();
    if (entries.isEmpty()) {
      return;
    }
    String address = pending.clientAddress();
    String credential = pending.credential();
    writer.enqueue(entries.stream().map(e -> entity(e, address, credential)).toList());
    pending.written(entries.size());
  }

  private String credential() {
    try {
      return Identities.credentialOf(identity.getIdentity());
    } catch (RuntimeException e) {
      return null; // an endpoint open to all whose caller sent a credential it could not verify
    }
  }

  private static boolean inRequest() {
    return Arc.container().requestContext().isActive();
  }

  private static AuditEventEntity entity(
      AuditEntry entry, String clientAddress, String credential) {
    AuditEventEntity entity = new AuditEventEntity();
    entity.occurredAt = OffsetDateTime.now(ZoneOffset.UTC);
    // every text fits its column, so that no row can fail the batch it is written in
    entity.principal = truncate(entry.principal(), 512);
    entity.action = truncate(entry.action(), 64);
    entity.resource = truncate(entry.resource(), 2048);
    entity.allowed = entry.allowed();
    entity.rule = truncate(entry.rule(), 4000);
    Object requestId = MDC.get(RequestIdFilter.MDC_KEY);
    entity.requestId = requestId == null ? null : truncate(requestId.toString(), 128);
    entity.clientAddress = clientAddress == null ? null : truncate(clientAddress, 128);
    entity.credential = credential == null ? null : truncate(credential, 512);
    entity.policyVersion = entry.policyVersion();
    return entity;
  }

  private static String truncate(String text, int max) {
    // PostgreSQL text cannot hold NUL: one would fail the whole batch, so it is shown replaced
    String storable = text.indexOf('\0') < 0 ? text : text.replace('\0', '\uFFFD');
    return storable.length() <= max ? storable : storable.substring(0, max - 1) + "…";
  }
}
