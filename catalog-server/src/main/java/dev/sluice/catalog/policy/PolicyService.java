package dev.sluice.catalog.policy;

import dev.sluice.catalog.persistence.PolicyStore;
import dev.sluice.catalog.persistence.PolicyVersionEntity;
import dev.sluice.policy.diff.AccessDiff;
import dev.sluice.policy.diff.DiffReport;
import dev.sluice.policy.eval.PolicyEngine;
import dev.sluice.policy.load.LoadResult;
import dev.sluice.policy.load.PolicyLoader;
import dev.sluice.policy.model.PolicyBundle;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * Holds the active policy and changes it only to a valid bundle. A bundle that fails validation,
 * whether from the configured directory at start or posted to the API, never replaces the active
 * one: the server keeps deciding with the last good version.
 */
@ApplicationScoped
public class PolicyService {
  private static final Logger LOG = Logger.getLogger(PolicyService.class);

  private final PolicyStore store;
  private final PolicyConfig config;
  private final AtomicReference<ActivePolicy> active = new AtomicReference<>();

  @Inject
  public PolicyService(PolicyStore store, PolicyConfig config) {
    this.store = store;
    this.config = config;
  }

  void onStart(@Observes StartupEvent event) {
    store.latest().ifPresent(latest -> active.set(activate(latest)));
    config.directory().ifPresent(this::loadDirectory);
    ActivePolicy current = active.get();
    if (current == null) {
      LOG.info(
          "No policy bundle applied yet: set sluice.policy.directory or POST one to"
              + " /api/v1/policy/apply");
    } else {
      LOG.infof(
          "Policy version %d (%s) active, applied by %s",
          current.version(), current.contentHash().substring(0, 12), current.appliedBy());
    }
  }

  private void loadDirectory(Path directory) {
    PolicyLoader.Sources sources = PolicyLoader.sources(directory);
    if (!sources.errors().isEmpty() || sources.files().isEmpty()) {
      LOG.errorf(
          "Policy directory %s not loaded: %s",
          directory,
          sources.errors().isEmpty() ? "no .yaml or .yml policy files" : sources.errors());
      return;
    }
    Map<String, String> files = PolicyBundleFiles.toMap(sources.files());
    ActivePolicy current = active.get();
    if (current != null && current.contentHash().equals(PolicyBundleFiles.hash(files))) {
      return;
    }
    PolicyReview review = review(files);
    if (!review.valid()) {
      LOG.errorf(
          "Policy directory %s is invalid and was not applied; keeping %s:%n%s",
          directory,
          current == null ? "no policy" : "version " + current.version(),
          String.join("\n", review.errors().stream().map(PolicyReview.Error::toString).toList()));
      return;
    }
    apply(files, "startup:" + directory.toAbsolutePath(), "directory");
  }

  /** The active policy, if any was ever applied. */
  public Optional<ActivePolicy> active() {
    return Optional.ofNullable(active.get());
  }

  /** Validates a candidate and diffs it against the active policy. Changes nothing. */
  public PolicyReview review(Map<String, String> files) {
    if (files.isEmpty()) {
      throw new IllegalArgumentException("A policy bundle needs at least one YAML file");
    }
    LoadResult result = PolicyLoader.load(PolicyBundleFiles.sources(files));
    String hash = PolicyBundleFiles.hash(files);
    if (!result.ok()) {
      return PolicyReview.invalid(hash, result.errors());
    }
    PolicyBundle candidate = result.orThrow();
    DiffReport diff = AccessDiff.compare(baseline(), candidate);
    return PolicyReview.valid(hash, result.warnings(), diff);
  }

  /** Validates and, when valid, stores and activates the bundle in one step. */
  public synchronized PolicyApplied apply(
      Map<String, String> files, String appliedBy, String source) {
    if (appliedBy == null || appliedBy.isBlank()) {
      throw new IllegalArgumentException("appliedBy is required");
    }
    PolicyReview review = review(files);
    if (!review.valid()) {
      throw new InvalidPolicyBundleException(review);
    }
    ActivePolicy current = active.get();
    PolicyVersionEntity stored =
        store.append(
            current == null ? 0 : current.version(),
            review.contentHash(),
            PolicyBundleFiles.toJson(files),
            appliedBy,
            source,
            review.diff().toJson(),
            review.diff().toMarkdown());
    ActivePolicy next = activate(stored);
    active.set(next);
    LOG.infof(
        "Policy version %d applied by %s (%d changes)",
        next.version(), appliedBy, review.diff().changes().size());
    return new PolicyApplied(next, review.diff());
  }

  public List<PolicyVersionEntity> versions() {
    return store.list();
  }

  public Optional<PolicyVersionEntity> version(int version) {
    return store.find(version);
  }

  private PolicyBundle baseline() {
    ActivePolicy current = active.get();
    if (current != null) {
      return current.engine().bundle();
    }
    return PolicyLoader.load(
            PolicyBundleFiles.sources(Map.of("empty.yaml", "apiVersion: sluice.dev/v1\n")))
        .orThrow();
  }

  private static ActivePolicy activate(PolicyVersionEntity stored) {
    Map<String, String> files = PolicyBundleFiles.fromJson(stored.filesJson);
    PolicyBundle bundle = PolicyLoader.load(PolicyBundleFiles.sources(files)).orThrow();
    return new ActivePolicy(
        stored.version,
        stored.contentHash,
        stored.appliedBy,
        stored.appliedAt,
        stored.source,
        files,
        PolicyEngine.compile(bundle));
  }

  /** The outcome of an apply: the new active version and what changed. */
  public record PolicyApplied(ActivePolicy policy, DiffReport diff) {}
}
