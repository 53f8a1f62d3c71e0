package dev.sluice.catalog.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.catalog.json.ServerJson;
import dev.sluice.catalog.persistence.PolicyVersionEntity;
import dev.sluice.catalog.security.CatalogAuthorizer;
import dev.sluice.policy.diff.DiffReport;
import io.quarkus.security.Authenticated;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.UncheckedIOException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.iceberg.exceptions.NotFoundException;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The policy endpoints of the admin API: the active policy, its history, review of a candidate
 * bundle (errors and effective-access diff, nothing applied) and apply.
 */
@Authenticated
@Path("/api/v1/policy")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class PolicyResource {
  private static final ObjectMapper JSON = ServerJson.mapper();

  @Inject PolicyService policies;
  @Inject CatalogAuthorizer authorizer;

  @GET
  public ActiveView active() {
    authorizer.requireAdmin("policy.read", "policy");
    ActivePolicy policy =
        policies.active().orElseThrow(() -> new NotFoundException("No policy has been applied"));
    return new ActiveView(
        policy.version(),
        policy.contentHash(),
        policy.appliedBy(),
        policy.appliedAt(),
        policy.source(),
        List.copyOf(new TreeSet<>(policy.files().keySet())));
  }

  @GET
  @Path("/versions")
  public List<VersionView> versions() {
    authorizer.requireAdmin("policy.read", "policy");
    return policies.versions().stream().map(PolicyResource::summary).toList();
  }

  @GET
  @Path("/versions/{version}")
  public VersionDetail version(@PathParam("version") int version) {
    authorizer.requireAdmin("policy.read", "policy/" + version);
    PolicyVersionEntity entity =
        policies
            .version(version)
            .orElseThrow(() -> new NotFoundException("Policy version does not exist: %d", version));
    return new VersionDetail(
        summary(entity),
        PolicyBundleFiles.fromJson(entity.filesJson),
        parse(entity.diffJson),
        entity.diffMarkdown);
  }

  @POST
  @Path("/review")
  public ReviewView review(BundleRequest request) {
    authorizer.requireAdmin("policy.review", "policy");
    return view(policies.review(request.checkedFiles()));
  }

  @POST
  @Path("/apply")
  public AppliedView apply(BundleRequest request) {
    authorizer.requireAdmin("policy.apply", "policy");
    // the author is whoever is authenticated, never what the body claims
    PolicyService.PolicyApplied applied =
        policies.apply(request.checkedFiles(), authorizer.principal().self().toString(), "api");
    return new AppliedView(
        summary(policies.version(applied.policy().version()).orElseThrow()),
        parse(applied.diff().toJson()),
        applied.diff().toMarkdown());
  }

  @ServerExceptionMapper
  public Response invalidBundle(InvalidPolicyBundleException e) {
    return Response.status(422)
        .entity(
            Map.of(
                "error",
                Map.of(
                    "message", e.getMessage(), "type", "InvalidPolicyBundleException", "code", 422),
                "errors",
                e.review().errors()))
        .type(MediaType.APPLICATION_JSON_TYPE)
        .build();
  }

  private static ReviewView view(PolicyReview review) {
    DiffReport diff = review.diff();
    return new ReviewView(
        review.valid(),
        review.contentHash(),
        review.errors(),
        review.warnings(),
        diff == null ? null : parse(diff.toJson()),
        diff == null ? null : diff.toMarkdown());
  }

  private static VersionView summary(PolicyVersionEntity entity) {
    return new VersionView(
        entity.version, entity.contentHash, entity.appliedBy, entity.appliedAt, entity.source);
  }

  private static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A bundle sent for review or apply: relative file path → YAML text. */
  public record BundleRequest(Map<String, String> files) {
    Map<String, String> checkedFiles() {
      if (files == null || files.isEmpty()) {
        throw new IllegalArgumentException("files is required: a map of relative path to YAML");
      }
      for (String path : files.keySet()) {
        if (path == null
            || path.isBlank()
            || path.startsWith("/")
            || path.contains("..")
            || !(path.endsWith(".yaml") || path.endsWith(".yml"))) {
          throw new IllegalArgumentException("Invalid policy file path: " + path);
        }
      }
      return files;
    }
  }

  public record ActiveView(
      int version,
      String contentHash,
      String appliedBy,
      OffsetDateTime appliedAt,
      String source,
      List<String> files) {}

  public record VersionView(
      int version, String contentHash, String appliedBy, OffsetDateTime appliedAt, String source) {}

  public record VersionDetail(
      VersionView version, Map<String, String> files, JsonNode diff, String markdown) {}

  public record ReviewView(
      boolean valid,
      String contentHash,
      List<PolicyReview.Error> errors,
      List<PolicyReview.Error> warnings,
      JsonNode diff,
      String markdown) {}

  public record AppliedView(VersionView version, JsonNode diff, String markdown) {}
}
