package dev.sluice.catalog.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.catalog.json.ServerJson;
import dev.sluice.catalog.persistence.JobEntity;
import dev.sluice.catalog.persistence.JobStore;
import dev.sluice.catalog.retention.RetentionRequests;
import dev.sluice.catalog.retention.RetentionSweep;
import dev.sluice.catalog.security.CatalogAuthorizer;
import io.quarkus.security.Authenticated;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Locale;
import org.apache.iceberg.exceptions.BadRequestException;
import org.apache.iceberg.exceptions.NotFoundException;

/** Background jobs (purges, and later retention and erasure): what runs, how far it got. */
@Authenticated
@Path("/api/v1/jobs")
@Produces(MediaType.APPLICATION_JSON)
public class JobResource {
  static final int MAX_PAGE = 1000;

  @Inject CatalogAuthorizer authorizer;
  @Inject JobStore jobs;
  @Inject RetentionRequests retention;

  /** A job someone asks for: {@code {"kind":"retention.sweep","table":"ns.table"}}. */
  public record JobRequest(String kind, String table) {}

  /** A job as shown: its progress and result are the executor's JSON. */
  public record JobView(
      String id,
      String kind,
      String state,
      String subject,
      int attempts,
      int maxAttempts,
      String createdBy,
      OffsetDateTime createdAt,
      OffsetDateTime startedAt,
      OffsetDateTime finishedAt,
      JsonNode progress,
      JsonNode result,
      String lastError) {
    static JobView of(JobEntity job) {
      return new JobView(
          job.id,
          job.kind,
          job.state.name(),
          job.subject,
          job.attempts,
          job.maxAttempts,
          job.createdBy,
          job.createdAt,
          job.startedAt,
          job.finishedAt,
          json(job.progress),
          json(job.result),
          job.lastError);
    }

    private static JsonNode json(String text) {
      return text == null ? null : ServerJson.read(text, JsonNode.class);
    }
  }

  @GET
  public List<JobView> list(
      @QueryParam("kind") String kind,
      @QueryParam("state") String state,
      @QueryParam("pageSize") @DefaultValue("100") int pageSize) {
    authorizer.requireAdmin("admin.jobs.list", "jobs");
    if (pageSize < 1 || pageSize > MAX_PAGE) {
      throw new IllegalArgumentException(
          "Invalid pageSize: " + pageSize + " (1 to " + MAX_PAGE + ")");
    }
    return jobs.list(blankToNull(kind), state(state), pageSize).stream().map(JobView::of).toList();
  }

  /** Queues a job; 202 with the job as queued. Only retention sweeps can be asked for. */
  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  public Response create(JobRequest request) {
    String kind = request == null ? null : request.kind();
    String table = request == null ? null : blankToNull(request.table());
    authorizer.requireAdmin(
        "admin.jobs.create", (kind == null ? "job" : kind) + (table == null ? "" : " " + table));
    if (!RetentionSweep.KIND.equals(kind)) {
      throw new BadRequestException(
          "Unknown job kind: %s (jobs that can be asked for: %s)", kind, RetentionSweep.KIND);
    }
    JobEntity job = retention.request(table, authorizer.principal().self().toString());
    return Response.accepted(JobView.of(job)).build();
  }

  @GET
  @Path("/{id}")
  public JobView get(@PathParam("id") String id) {
    authorizer.requireAdmin("admin.jobs.get", "job " + id);
    return jobs.find(id)
        .map(JobView::of)
        .orElseThrow(() -> new NotFoundException("Job does not exist: %s", id));
  }

  private static JobEntity.State state(String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    try {
      return JobEntity.State.valueOf(text.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "Invalid state: " + text + " (queued, running, succeeded or failed)");
    }
  }

  private static String blankToNull(String text) {
    return text == null || text.isBlank() ? null : text;
  }
}
