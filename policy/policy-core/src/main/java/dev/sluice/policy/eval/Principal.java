package dev.sluice.policy.eval;

import dev.sluice.policy.model.Subject;
import java.util.Collections;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Who is asking: a user or a client (service account) with the groups and roles its identity
 * provider gave it. Groups and roles are kept sorted so explanations come out in a stable order.
 */
public record Principal(String name, Kind kind, Set<String> groups, Set<String> roles) {

  /** A person or a machine client. */
  public enum Kind {
    USER,
    CLIENT
  }

  public Principal {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
    groups = Collections.unmodifiableSortedSet(new TreeSet<>(groups));
    roles = Collections.unmodifiableSortedSet(new TreeSet<>(roles));
  }

  public static Principal user(String name, String... groups) {
    return new Principal(name, Kind.USER, Set.of(groups), Set.of());
  }

  public static Principal client(String name, String... groups) {
    return new Principal(name, Kind.CLIENT, Set.of(groups), Set.of());
  }

  /**
   * A stand-in that holds exactly one subject: the user or client itself, or an otherwise unnamed
   * member of a group or holder of a role. Used by explain and by the review diff.
   */
  public static Principal standingFor(Subject subject) {
    return switch (subject.kind()) {
      case USER -> user(subject.name());
      case CLIENT -> client(subject.name());
      case GROUP ->
          new Principal("(member of " + subject + ")", Kind.USER, Set.of(subject.name()), Set.of());
      case ROLE ->
          new Principal("(holder of " + subject + ")", Kind.USER, Set.of(), Set.of(subject.name()));
    };
  }

  public Subject self() {
    return new Subject(kind == Kind.USER ? Subject.Kind.USER : Subject.Kind.CLIENT, name);
  }

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder(self().toString());
    if (!groups.isEmpty()) {
      text.append(" groups=").append(groups);
    }
    if (!roles.isEmpty()) {
      text.append(" roles=").append(roles);
    }
    return text.toString();
  }
}
