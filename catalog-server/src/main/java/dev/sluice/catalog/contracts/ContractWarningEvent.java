package dev.sluice.catalog.contracts;

import java.util.List;
import java.util.UUID;

/**
 * What the alert webhook receives when a commit landed with contract violations (severity {@code
 * warning}): the dataset, who committed, and every violation with the rule's position.
 */
public record ContractWarningEvent(
    String kind,
    String violationId,
    String dataset,
    String principal,
    String requestId,
    int policyVersion,
    List<Violation> findings,
    String summary) {

  public static final String KIND = "contract-warning";

  /** One violation as the event lists it. */
  public record Violation(
      String rule, String field, String file, String message, String ruleOrigin) {}

  public ContractWarningEvent {
    findings = List.copyOf(findings);
  }

  static ContractWarningEvent of(String dataset, List<ContractFinding> warned) {
    ContractFinding first = warned.get(0);
    List<Violation> violations =
        warned.stream()
            .map(f -> new Violation(f.rule(), f.field(), f.file(), f.message(), f.ruleOrigin()))
            .toList();
    String summary =
        "Commit to "
            + dataset
            + " by "
            + first.principal()
            + " was accepted with "
            + warned.size()
            + (warned.size() == 1 ? " contract violation" : " contract violations")
            + " (severity warning): "
            + first.message();
    return new ContractWarningEvent(
        KIND,
        UUID.randomUUID().toString(),
        dataset,
        first.principal(),
        first.requestId(),
        first.policyVersion(),
        violations,
        summary);
  }
}
