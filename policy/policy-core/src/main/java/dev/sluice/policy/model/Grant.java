package dev.sluice.policy.model;

import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** An explicit grant: one subject gets actions on tables, namespaces or patterns. */
public record Grant(Subject subject, Map<Action, List<ResourcePattern>> targets, Origin origin) {

  public Grant {
    Objects.requireNonNull(subject, "subject");
    EnumMap<Action, List<ResourcePattern>> copy = new EnumMap<>(Action.class);
    targets.forEach((action, patterns) -> copy.put(action, List.copyOf(patterns)));
    targets = Collections.unmodifiableMap(copy);
    Objects.requireNonNull(origin, "origin");
  }

  public List<ResourcePattern> targets(Action action) {
    return targets.getOrDefault(action, List.of());
  }
}
