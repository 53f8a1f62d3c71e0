package dev.sluice.catalog.audit;

import jakarta.enterprise.context.RequestScoped;
import java.util.ArrayList;
import java.util.List;

/** The decisions of the current request that are not yet in the database. */
@RequestScoped
public class PendingAudit {
  private final List<AuditEntry> entries = new ArrayList<>();
  private int written;
  private String clientAddress;
  private String credential;

  void add(AuditEntry entry) {
    entries.add(entry);
  }

  /** Whether some decision of this request allowed something. */
  boolean anyAllowed() {
    return entries.stream().anyMatch(AuditEntry::allowed);
  }

  List<AuditEntry> unwritten() {
    return List.copyOf(entries.subList(written, entries.size()));
  }

  /** Called once the transaction holding the first {@code count} unwritten entries committed. */
  void written(int count) {
    written += count;
  }

  String clientAddress() {
    return clientAddress;
  }

  void clientAddress(String address) {
    this.clientAddress = address;
  }

  String credential() {
    return credential;
  }

  void credential(String credential) {
    this.credential = credential;
  }
}
