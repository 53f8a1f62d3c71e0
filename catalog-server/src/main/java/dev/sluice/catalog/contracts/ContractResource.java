package dev.sluice.catalog.contracts;

import dev.sluice.catalog.security.CatalogAuthorizer;
import io.quarkus.security.Authenticated;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Locale;

/** What contract checks found at commits: refusals, accepted warnings, unchecked fields. */
@Authenticated
@Path("/api/v1/contracts")
@Produces(MediaType.APPLICATION_JSON)
public class ContractResource {
  static final int MAX_PAGE = 1000;

  @Inject CatalogAuthorizer authorizer;
  @Inject ContractFindingStore findings;

  /**
   * The newest findings first. {@code dataset} ({@code ns.table}) and {@code outcome} ({@code
   * refused}, {@code warned}, {@code unchecked}) filter; {@code limit} is 1 to 1000 (100).
   */
  @GET
  @Path("/findings")
  public List<ContractFinding> findings(
      @QueryParam("dataset") String dataset,
      @QueryParam("outcome") String outcome,
      @QueryParam("limit") String limit) {
    authorizer.requireAdmin("admin.contracts.findings", dataset == null ? "contracts" : dataset);
    int size;
    try {
      size = limit == null || limit.isBlank() ? 100 : Integer.parseInt(limit.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("limit must be a number between 1 and " + MAX_PAGE);
    }
    if (size < 1 || size > MAX_PAGE) {
      throw new IllegalArgumentException(
          "limit must be between 1 and " + MAX_PAGE + ", not " + size);
    }
    return findings.list(
        dataset == null || dataset.isBlank() ? null : dataset, outcome(outcome), size);
  }

  private static ContractFinding.Outcome outcome(String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    try {
      return ContractFinding.Outcome.valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "outcome must be refused, warned or unchecked, not '" + text + "'");
    }
  }
}
