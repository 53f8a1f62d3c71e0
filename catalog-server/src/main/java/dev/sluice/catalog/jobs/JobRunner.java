package dev.sluice.catalog.jobs;

import dev.sluice.catalog.persistence.JobEntity;
import dev.sluice.catalog.persistence.JobStore;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Runs this replica's share of the job table: one job at a time, leased so that no other replica
 * runs it meanwhile, its lease renewed while it runs. A failed attempt is retried with a growing
 * delay; a job whose replica dies is taken over once its lease expires.
 */
@ApplicationScoped
public class JobRunner {
  private static final Logger LOG = Logger.getLogger(JobRunner.class);
  private static final Duration MAX_BACKOFF = Duration.ofMinutes(5);

  private final JobStore store;
  private final JobsConfig config;
  private final Map<String, JobExecutor> executors = new HashMap<>();
  private final String owner;
  private ScheduledExecutorService scheduler;
  private volatile boolean stopping;

  @Inject
  public JobRunner(JobStore store, JobsConfig config, Instance<JobExecutor> executors) {
    this.store = store;
    this.config = config;
    executors.forEach(executor -> this.executors.put(executor.kind(), executor));
    this.owner =
        ManagementFactory.getRuntimeMXBean().getName()
            + "/"
            + UUID.randomUUID().toString().substring(0, 8);
  }

  void start(@Observes StartupEvent event) {
    if (!config.enabled()) {
      LOG.info("Job runner disabled on this replica (sluice.jobs.enabled=false)");
      return;
    }
    scheduler =
        Executors.newScheduledThreadPool(
            2,
            runnable -> {
              Thread thread = new Thread(runnable, "sluice-jobs");
              thread.setDaemon(true);
              return thread;
            });
    scheduler.scheduleWithFixedDelay(
        this::drain, 0, config.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
  }

  void stop(@Observes ShutdownEvent event) {
    stopping = true;
    if (scheduler != null) {
      scheduler.shutdown();
      try {
        if (!scheduler.awaitTermination(10, TimeUnit.SECONDS)) {
          // the running job's lease expires and another replica (or the next start) resumes it
          scheduler.shutdownNow();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Runs due jobs until none is left, then waits for the next poll. */
  void drain() {
    try {
      while (!stopping && runOne()) {
        // next
      }
    } catch (RuntimeException e) {
      LOG.warnf(e, "Job runner could not lease work; trying again in %s", config.pollInterval());
    }
  }

  /** Leases and runs one job; false when none was due. */
  boolean runOne() {
    Optional<JobEntity> leased = store.lease(owner, config.lease());
    if (leased.isEmpty()) {
      return false;
    }
    JobEntity job = leased.get();
    JobExecutor executor = executors.get(job.kind);
    if (executor == null) {
      LOG.errorf("Job %s has unknown kind %s; marking it failed", job.id, job.kind);
      store.finish(job.id, owner, false, null, "no executor for kind " + job.kind);
      return true;
    }
    LOG.infof("Job %s (%s %s) started, attempt %d", job.id, job.kind, job.subject, job.attempts);
    Context context = new Context(job);
    Duration renewEvery = config.lease().dividedBy(3);
    ScheduledFuture<?> heartbeat =
        scheduler.scheduleAtFixedRate(
            context::renew, renewEvery.toMillis(), renewEvery.toMillis(), TimeUnit.MILLISECONDS);
    try {
      String result = executor.run(context);
      heartbeat.cancel(false);
      if (!store.finish(job.id, owner, true, result, null)) {
        LOG.warnf("Job %s finished after its lease passed to another replica", job.id);
      } else {
        LOG.infof("Job %s (%s %s) succeeded: %s", job.id, job.kind, job.subject, result);
      }
    } catch (JobContext.LeaseLostException e) {
      heartbeat.cancel(false);
      LOG.warnf("Job %s stopped: its lease passed to another replica", job.id);
    } catch (Exception e) {
      heartbeat.cancel(false);
      String error = e.getClass().getSimpleName() + ": " + e.getMessage();
      if (job.attempts >= job.maxAttempts) {
        LOG.errorf(
            e,
            "Job %s (%s %s) failed for good after %d attempts",
            job.id,
            job.kind,
            job.subject,
            job.attempts);
        store.finish(job.id, owner, false, null, truncate(error));
      } else {
        Duration delay = executor.retryDelay(job.attempts);
        LOG.warnf(
            e,
            "Job %s (%s %s) attempt %d failed; retrying in %s",
            job.id,
            job.kind,
            job.subject,
            job.attempts,
            delay);
        store.retryLater(job.id, owner, delay, truncate(error));
      }
    }
    return true;
  }

  static Duration backoff(int attempt) {
    Duration delay = Duration.ofSeconds(1L << Math.min(attempt, 20));
    return delay.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : delay;
  }

  private static String truncate(String text) {
    return text == null || text.length() <= 4000 ? text : text.substring(0, 3999) + "…";
  }

  private final class Context implements JobContext {
    private final JobEntity job;
    private volatile boolean lost;

    Context(JobEntity job) {
      this.job = job;
    }

    @Override
    public String id() {
      return job.id;
    }

    @Override
    public String payload() {
      return job.payload;
    }

    @Override
    public int attempt() {
      return job.attempts;
    }

    @Override
    public void progress(String json) {
      if (lost || !store.renew(job.id, owner, config.lease(), json)) {
        lost = true;
        throw new LeaseLostException(job.id);
      }
    }

    void renew() {
      try {
        if (!lost && !store.renew(job.id, owner, config.lease(), null)) {
          lost = true;
        }
      } catch (RuntimeException e) {
        LOG.warnf(e, "Could not renew the lease of job %s", job.id);
      }
    }
  }
}
