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
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.jboss.logging.Logger;

/**
 * Holds the active policy and changes it only to a valid bundle. A bundle that fails validation,
 * whether from the configured directory at start or posted to the API, never replaces the active
 * one: the server keeps deciding with the last good version.
 *
 * <p>The active policy is a cache of the newest stored version. Decisions read the cache and never
 * compile; {@link #refresh()} brings it up to date (on PostgreSQL {@link PolicyRefresher} calls it
 * on every apply notification and at {@code sluice.policy.refresh-interval}), compiling each
 * version once. Review and apply refresh first, so they work against the true latest version
 * whichever replica applied it.
 */
@ApplicationScoped
public class PolicyService {
  private static final Logger LOG = Logger.getLogger(PolicyService.class);

  /** Replicas starting together with one directory race at most this often before giving up. */
  private static final int STARTUP_ATTEMPTS = 5;

  private final PolicyStore store;
  private final PolicyConfig config;
  private final AtomicReference<ActivePolicy> active = new AtomicReference<>();
  private final Object compiling = new Object();

  @Inject
  public PolicyService(PolicyStore store, PolicyConfig config) {
    this.store = store;
    this.config = config;
  }

  void onStart(@Observes StartupEvent event) {
    refresh();
    config.directory().ifPresent(this::loadDirectory);
    if (active.get() == null) {
      LOG.info(
          "No policy bundle applied yet: set sluice.policy.directory or POST one to"
              + " /api/v1/policy/apply");
    }
  }

  /**
   * Applies the directory unless the newest stored version already has its content. Replicas that
   * start together with the same directory store it once: the one that loses the race for the
   * version number finds the winner's version carries the same content hash, and is done.
   */
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
    String hash = PolicyBundleFiles.hash(files);
    for (int attempt = 1; ; attempt++) {
      ActivePolicy current = refresh().orElse(null);
      if (current != null && current.contentHash().equals(hash)) {
        if (attempt > 1) {
          LOG.infof(
              "Policy directory %s was stored by another replica as version %d",
              directory, current.version());
        }
        return;
      }
      PolicyReview review = review(files, current);
      if (!review.valid()) {
        LOG.errorf(
            "Policy directory %s is invalid and was not applied; keeping %s:%n%s",
            directory,
            current == null ? "no policy" : "version " + current.version(),
            String.join("\n", review.errors().stream().map(PolicyReview.Error::toString).toList()));
        return;
      }
      try {
        store(current, files, review, "startup:" + directory.toAbsolutePath(), "directory");
        return;
      } catch (CommitFailedException e) {
        if (attempt == STARTUP_ATTEMPTS) {
          LOG.errorf(
              "Policy directory %s not applied: the policy kept changing concurrently (%s)",
              directory, e.getMessage());
          return;
        }
        LOG.debugf("Policy directory %s raced another apply (%s)", directory, e.getMessage());
      }
    }
  }

  /** The active policy, if any was ever applied. Never touches the database. */
  public Optional<ActivePolicy> active() {
    return Optional.ofNullable(active.get());
  }

  /**
   * Brings the active policy up to the newest stored version and returns it. Costs one indexed
   * query when nothing changed; a new version is compiled once, by whichever caller gets there
   * first, while the others wait for it.
   */
  public Optional<ActivePolicy> refresh() {
    int latest = store.latestVersion();
    ActivePolicy current = active.get();
    if (latest == 0 || (current != null && current.version() >= latest)) {
      return Optional.ofNullable(current);
    }
    activateOnce(store.latest().orElseThrow());
    return Optional.of(active.get());
  }

  /** Validates a candidate and diffs it against the newest stored policy. Changes nothing. */
  public PolicyReview review(Map<String, String> files) {
    return review(files, refresh().orElse(null));
  }

  private PolicyReview review(Map<String, String> files, ActivePolicy baseline) {
    if (files.isEmpty()) {
      throw new IllegalArgumentException("A policy bundle needs at least one YAML file");
    }
    LoadResult result = PolicyLoader.load(PolicyBundleFiles.sources(files));
    String hash = PolicyBundleFiles.hash(files);
    if (!result.ok()) {
      return PolicyReview.invalid(hash, result.errors());
    }
    PolicyBundle candidate = result.orThrow();
    DiffReport diff = AccessDiff.compare(bundleOf(baseline), candidate);
    return PolicyReview.valid(hash, result.warnings(), diff);
  }

  /**
   * Validates and, when valid, stores and activates the bundle in one step, as the version after
   * the newest stored one. An apply through another replica that commits in between makes this fail
   * with {@link CommitFailedException} (409) rather than overwrite it.
   */
  public synchronized PolicyApplied apply(
      Map<String, String> files, String appliedBy, String source) {
    if (appliedBy == null || appliedBy.isBlank()) {
      throw new IllegalArgumentException("appliedBy is required");
    }
    ActivePolicy current = refresh().orElse(null);
    PolicyReview review = review(files, current);
    if (!review.valid()) {
      throw new InvalidPolicyBundleException(review);
    }
    return store(current, files, review, appliedBy, source);
  }

  private PolicyApplied store(
      ActivePolicy current,
      Map<String, String> files,
      PolicyReview review,
      String appliedBy,
      String source) {
    PolicyVersionEntity stored =
        store.append(
            current == null ? 0 : current.version(),
            review.contentHash(),
            PolicyBundleFiles.toJson(files),
            appliedBy,
            source,
            review.diff().toJson(),
            review.diff().toMarkdown());
    ActivePolicy next = activateOnce(stored);
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

  /** The version that was active at {@code time}: the newest applied at or before it. */
  public Optional<PolicyVersionEntity> versionAt(Instant time) {
    return store.activeAt(time.atOffset(ZoneOffset.UTC));
  }

  /** A stored version's bundle, loaded again from its files (with positions for origins). */
  public static LoadResult load(PolicyVersionEntity stored) {
    return PolicyLoader.load(
        PolicyBundleFiles.sources(PolicyBundleFiles.fromJson(stored.filesJson)));
  }

  /**
   * The compiled form of a stored version, made active unless a newer one already is: versions only
   * move forward. A version this process already compiled (the background refresh and an apply's
   * own result can meet here) is not compiled again.
   */
  private ActivePolicy activateOnce(PolicyVersionEntity stored) {
    synchronized (compiling) {
      ActivePolicy current = active.get();
      if (current != null && current.version() == stored.version) {
        return current;
      }
      ActivePolicy next = activate(stored);
      if (current == null || next.version() > current.version()) {
        active.set(next);
        LOG.infof(
            "Policy version %d (%s) active, applied by %s",
            next.version(), next.contentHash().substring(0, 12), next.appliedBy());
      }
      return next;
    }
  }

  private static PolicyBundle bundleOf(ActivePolicy baseline) {
    if (baseline != null) {
      return baseline.engine().bundle();
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
