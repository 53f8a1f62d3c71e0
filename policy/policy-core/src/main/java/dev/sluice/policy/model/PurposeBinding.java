package dev.sluice.policy.model;

import java.util.List;
import java.util.Objects;

/** A subject that may act only for the listed purposes (e.g. a training pipeline). */
public record PurposeBinding(Subject subject, List<String> purposes, Origin origin) {

  public PurposeBinding {
    Objects.requireNonNull(subject, "subject");
    purposes = List.copyOf(purposes);
    Objects.requireNonNull(origin, "origin");
  }
}
