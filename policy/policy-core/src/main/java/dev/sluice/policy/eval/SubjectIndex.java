package dev.sluice.policy.eval;

import dev.sluice.policy.model.Subject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Values keyed by subject, split by kind so that matching a principal costs one hash lookup per
 * name, group and role it has, with no string building. The first value put for a subject wins.
 */
final class SubjectIndex<V> {

  private final Map<String, V> users = new HashMap<>();
  private final Map<String, V> clients = new HashMap<>();
  private final Map<String, V> groups = new HashMap<>();
  private final Map<String, V> roles = new HashMap<>();

  void putIfAbsent(Subject subject, V value) {
    mapFor(subject.kind()).putIfAbsent(subject.name(), value);
  }

  boolean isEmpty() {
    return users.isEmpty() && clients.isEmpty() && groups.isEmpty() && roles.isEmpty();
  }

  /** Adds the value for every subject the principal holds, in a stable order; true if any. */
  boolean collect(Principal principal, List<V> out) {
    int before = out.size();
    V own =
        principal.kind() == Principal.Kind.USER
            ? users.get(principal.name())
            : clients.get(principal.name());
    if (own != null) {
      out.add(own);
    }
    if (!groups.isEmpty()) {
      for (String group : principal.groups()) {
        V value = groups.get(group);
        if (value != null) {
          out.add(value);
        }
      }
    }
    if (!roles.isEmpty()) {
      for (String role : principal.roles()) {
        V value = roles.get(role);
        if (value != null) {
          out.add(value);
        }
      }
    }
    return out.size() > before;
  }

  /** Whether the principal holds any subject of this index, without collecting. */
  boolean matches(Principal principal) {
    if ((principal.kind() == Principal.Kind.USER ? users : clients).containsKey(principal.name())) {
      return true;
    }
    if (!groups.isEmpty()) {
      for (String group : principal.groups()) {
        if (groups.containsKey(group)) {
          return true;
        }
      }
    }
    if (!roles.isEmpty()) {
      for (String role : principal.roles()) {
        if (roles.containsKey(role)) {
          return true;
        }
      }
    }
    return false;
  }

  private Map<String, V> mapFor(Subject.Kind kind) {
    return switch (kind) {
      case USER -> users;
      case CLIENT -> clients;
      case GROUP -> groups;
      case ROLE -> roles;
    };
  }
}
