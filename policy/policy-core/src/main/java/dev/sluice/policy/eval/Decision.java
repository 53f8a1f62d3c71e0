package dev.sluice.policy.eval;

import dev.sluice.policy.model.Action;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The answer to one request: allowed or not, the masks for the requested columns that are masked
 * (unlisted columns are seen as stored), the row filters, and the rules that produced it. {@code
 * purpose} is the purpose the principal was judged under, which may have come from its binding.
 */
public record Decision(
    boolean allowed,
    Action action,
    String table,
    String purpose,
    List<ColumnMask> masks,
    List<RowFilterExpression> rowFilters,
    List<ExplainStep> explain) {

  public Decision {
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(table, "table");
    masks = List.copyOf(masks);
    rowFilters = List.copyOf(rowFilters);
    explain = List.copyOf(explain);
    if (!allowed && (!masks.isEmpty() || !rowFilters.isEmpty())) {
      throw new IllegalArgumentException("a denial carries no masks or filters");
    }
  }

  public Optional<ColumnMask> mask(String column) {
    return masks.stream().filter(m -> m.column().equals(column)).findFirst();
  }

  public boolean isMasked(String column) {
    return mask(column).isPresent();
  }

  /** The rules that decided, on one line: what an audit row or an error message quotes. */
  public String rules() {
    StringBuilder text = new StringBuilder();
    for (ExplainStep step : explain) {
      if (!text.isEmpty()) {
        text.append("; ");
      }
      text.append(step);
    }
    return text.toString();
  }

  /** A readable, multi-line account of the decision for the CLI and logs. */
  public String describe() {
    StringBuilder text = new StringBuilder();
    text.append(allowed ? "ALLOW " : "DENY ").append(action.key()).append(' ').append(table);
    if (purpose != null) {
      text.append(" for purpose ").append(purpose);
    }
    text.append('\n');
    for (ColumnMask mask : masks) {
      text.append("  mask ")
          .append(mask.column())
          .append(": ")
          .append(mask.mask())
          .append(" -> ")
          .append(mask.expression())
          .append('\n');
    }
    for (RowFilterExpression filter : rowFilters) {
      text.append("  row filter (")
          .append(filter.kind().name().toLowerCase(java.util.Locale.ROOT))
          .append("): ")
          .append(filter.expression())
          .append('\n');
    }
    text.append("because:\n");
    for (ExplainStep step : explain) {
      text.append("  - ").append(step).append('\n');
    }
    return text.toString();
  }
}
