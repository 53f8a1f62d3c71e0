package dev.sluice.catalog.contracts;

import dev.sluice.contracts.ContractViolation;
import dev.sluice.contracts.MetricsCheckResult;
import dev.sluice.policy.model.Contract;
import dev.sluice.policy.model.ContractField;
import dev.sluice.policy.model.ContractSeverity;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one commit's contract checks found: the violations, the rules its files could not be checked
 * against, and the consumers each violation would break. Says whether the commit is refused and in
 * which words.
 */
final class ContractJudgement {
  /** The most violations a refusal spells out, and the most findings one commit records. */
  static final int MAX_LISTED = 50;

  final String dataset;
  final Contract contract;
  final int policyVersion;
  private final Map<String, List<String>> readers;
  private final List<ContractViolation> violations = new ArrayList<>();
  private final List<MetricsCheckResult.Unchecked> unchecked = new ArrayList<>();

  /** {@code readers}: column to the jobs that read it recently according to lineage. */
  ContractJudgement(
      String dataset, Contract contract, int policyVersion, Map<String, List<String>> readers) {
    this.dataset = dataset;
    this.contract = contract;
    this.policyVersion = policyVersion;
    this.readers = readers;
  }

  Map<String, List<String>> readers() {
    return readers;
  }

  void add(List<ContractViolation> found) {
    violations.addAll(found);
  }

  void add(MetricsCheckResult result) {
    violations.addAll(result.violations());
    unchecked.addAll(result.unchecked());
  }

  /** A rule judged on the values of new files: a field (or completeness key) and the rule. */
  record ValueRule(String field, String rule) {}

  /** The contract's rules that manifest metrics judge; empty when it promises only a schema. */
  static List<ValueRule> valueRules(Contract contract) {
    List<ValueRule> rules = new ArrayList<>();
    for (ContractField field : contract.fields().values()) {
      if (field.required()) {
        rules.add(new ValueRule(field.name(), "nullable"));
      }
      if (field.hasRange()) {
        rules.add(new ValueRule(field.name(), "valid-range"));
      }
      if (!field.validValues().isEmpty()) {
        rules.add(new ValueRule(field.name(), "valid-values"));
      }
    }
    contract.completeness().keySet().forEach(f -> rules.add(new ValueRule(f, "completeness")));
    return rules;
  }

  /** Records every value rule of the contract as unchecked, for {@code reason}. */
  void uncheckedValues(String reason) {
    for (ValueRule rule : valueRules(contract)) {
      unchecked.add(new MetricsCheckResult.Unchecked(rule.field(), rule.rule(), reason));
    }
  }

  /** True when a violation refuses the commit: the contract's severity is {@code error}. */
  boolean refuses() {
    return !violations.isEmpty() && contract.effectiveSeverity() == ContractSeverity.ERROR;
  }

  /** A finding to record, built by the caller, who knows the principal and the request. */
  interface FindingFactory {
    ContractFinding finding(
        ContractFinding.Outcome outcome,
        String rule,
        String field,
        String file,
        String message,
        String ruleOrigin);
  }

  /** Every violation and unchecked rule as findings, at most {@link #MAX_LISTED} of them. */
  List<ContractFinding> findings(FindingFactory factory) {
    ContractFinding.Outcome outcome =
        refuses() ? ContractFinding.Outcome.REFUSED : ContractFinding.Outcome.WARNED;
    List<ContractFinding> found = new ArrayList<>();
    for (ContractViolation violation : violations) {
      found.add(
          factory.finding(
              outcome,
              violation.rule(),
              violation.field(),
              violation.file(),
              violation.message() + consumersClause(violation),
              violation.ruleOrigin().toString()));
    }
    for (MetricsCheckResult.Unchecked gap : unchecked) {
      found.add(
          factory.finding(
              ContractFinding.Outcome.UNCHECKED,
              gap.rule(),
              gap.field(),
              null,
              gap.reason(),
              contract.origin().toString()));
    }
    if (found.size() <= MAX_LISTED) {
      return found;
    }
    List<ContractFinding> kept = new ArrayList<>(found.subList(0, MAX_LISTED - 1));
    ContractFinding last = found.get(MAX_LISTED - 1);
    kept.add(
        factory.finding(
            last.outcome(),
            last.rule(),
            null,
            null,
            "and " + (found.size() - MAX_LISTED + 1) + " more findings of this commit",
            last.ruleOrigin()));
    return kept;
  }

  /**
   * The refusal: the contract, then each rule with where it is written, the field and consumers.
   */
  String refusal() {
    StringBuilder text =
        new StringBuilder("Commit to ")
            .append(dataset)
            .append(" refused by its data contract (")
            .append(contract.origin())
            .append(", compatibility ")
            .append(contract.effectiveCompatibility().spelling())
            .append("):");
    int listed = 0;
    for (ContractViolation violation : violations) {
      if (listed++ == MAX_LISTED) {
        text.append("\n- and ").append(violations.size() - MAX_LISTED).append(" more violations");
        break;
      }
      text.append("\n- ")
          .append(violation.rule())
          .append(" at ")
          .append(violation.ruleOrigin())
          .append(": ")
          .append(violation.message())
          .append(consumersClause(violation));
    }
    return text.toString();
  }

  private String consumersClause(ContractViolation violation) {
    Set<String> consumers = new LinkedHashSet<>();
    contract.consumers().forEach(c -> consumers.add(c + " (declared)"));
    if (violation.field() != null) {
      List<String> jobs = readers.getOrDefault(violation.field(), List.of());
      jobs.stream()
          .filter(job -> !job.equals(LineageReaders.HIDDEN))
          .forEach(job -> consumers.add(job + " (read it per lineage)"));
      long hidden = jobs.stream().filter(LineageReaders.HIDDEN::equals).count();
      if (hidden > 0) {
        consumers.add(hidden + (hidden == 1 ? " job" : " jobs") + " you may not see (per lineage)");
      }
    }
    if (consumers.isEmpty()) {
      return "";
    }
    return "; consumers that would break: " + String.join(", ", consumers);
  }
}
