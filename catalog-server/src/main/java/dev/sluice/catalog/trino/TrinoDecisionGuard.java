package dev.sluice.catalog.trino;

import dev.sluice.catalog.audit.AuditEntry;
import dev.sluice.catalog.audit.AuditTrail;
import dev.sluice.catalog.rest.IcebergErrors;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import jakarta.inject.Inject;
import jakarta.ws.rs.NameBinding;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.ext.Provider;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Optional;
import org.apache.iceberg.exceptions.ForbiddenException;

/**
 * Refuses decision requests from callers the {@link TrinoDecisionChannel} does not accept, before
 * their body is read: 403 with an Iceberg error body naming the rule, and an audit row.
 */
@Provider
@TrinoDecisionGuard.Guarded
public class TrinoDecisionGuard implements ContainerRequestFilter {
  /** Marks the resources only accepted callers reach. */
  @NameBinding
  @Target({ElementType.TYPE, ElementType.METHOD})
  @Retention(RetentionPolicy.RUNTIME)
  public @interface Guarded {}

  /** The audit action of a refused caller; it asked nothing Sluice listened to. */
  static final String REFUSED_ACTION = "trino.decision-api";

  private final TrinoDecisionChannel channel;
  private final CurrentVertxRequest request;
  private final AuditTrail audit;

  @Inject
  public TrinoDecisionGuard(
      TrinoDecisionChannel channel, CurrentVertxRequest request, AuditTrail audit) {
    this.channel = channel;
    this.request = request;
    this.audit = audit;
  }

  @Override
  public void filter(ContainerRequestContext context) {
    TrinoCaller caller = TrinoCaller.of(request.getCurrent().request());
    Optional<String> refusal = channel.refusal(caller);
    if (refusal.isEmpty()) {
      return;
    }
    String resource = context.getMethod() + " " + context.getUriInfo().getRequestUri().getPath();
    audit.record(
        new AuditEntry(caller.auditName(), REFUSED_ACTION, resource, false, refusal.get()));
    context.abortWith(
        IcebergErrors.response(403, ForbiddenException.class.getSimpleName(), refusal.get()));
  }
}
