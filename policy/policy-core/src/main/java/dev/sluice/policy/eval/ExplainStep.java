package dev.sluice.policy.eval;

import dev.sluice.policy.model.Origin;
import java.util.Objects;

/** One rule that contributed to a decision, and where it is written. */
public record ExplainStep(String rule, Origin origin) {

  public ExplainStep {
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(origin, "origin");
  }

  @Override
  public String toString() {
    return origin == Origin.BUILT_IN ? rule : rule + " (" + origin + ")";
  }
}
