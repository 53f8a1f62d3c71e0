package dev.sluice.policy.diff;

import java.util.Comparator;
import java.util.Objects;

/**
 * One effective change between two bundles. {@code subject} is {@code *} for dataset-wide rules
 * (consent, retention); {@code column} is null unless the change is about one column; {@code risk}
 * is null for changes that need no special attention.
 */
public record AccessChange(
    String dataset,
    String subject,
    String column,
    ChangeKind kind,
    String before,
    String after,
    Risk risk,
    String detail)
    implements Comparable<AccessChange> {

  public static final String EVERYONE = "*";

  private static final Comparator<AccessChange> ORDER =
      Comparator.comparing(AccessChange::dataset)
          .thenComparing(AccessChange::subject)
          .thenComparing(AccessChange::column, Comparator.nullsFirst(Comparator.naturalOrder()))
          .thenComparing(AccessChange::kind)
          .thenComparing(AccessChange::detail, Comparator.nullsFirst(Comparator.naturalOrder()));

  public AccessChange {
    Objects.requireNonNull(dataset, "dataset");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(kind, "kind");
  }

  public boolean risky() {
    return risk != null;
  }

  @Override
  public int compareTo(AccessChange other) {
    return ORDER.compare(this, other);
  }
}
