package dev.sluice.catalog.retention;

import dev.sluice.catalog.jobs.JobsConfig;
import dev.sluice.catalog.json.ServerJson;
import dev.sluice.catalog.persistence.JobEntity;
import dev.sluice.catalog.persistence.JobStore;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.DurationConverter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Queues a sweep of every table with a retention once per {@code sluice.retention.sweep-interval}.
 * Every replica checks; the job table decides: nothing is queued while such a sweep is queued or
 * running or finished less than an interval ago, and the job id is derived from the interval it
 * belongs to, so two replicas checking at once insert one job (the second insert collides).
 */
@ApplicationScoped
public class RetentionSchedule {
  static final String CREATED_BY = "system:retention-schedule";
  private static final Logger LOG = Logger.getLogger(RetentionSchedule.class);
  private static final Duration MAX_CHECK_EVERY = Duration.ofMinutes(10);
  private static final int RECENT = 50;

  private final JobStore jobs;
  private final JobsConfig jobsConfig;
  private final Optional<Duration> interval;
  private ScheduledExecutorService scheduler;

  @Inject
  public RetentionSchedule(JobStore jobs, JobsConfig jobsConfig, RetentionConfig config) {
    this.jobs = jobs;
    this.jobsConfig = jobsConfig;
    this.interval = interval(config.sweepInterval());
  }

  /** The interval a setting names; empty when it turns the schedule off. */
  static Optional<Duration> interval(String setting) {
    String text = setting.strip().toLowerCase(Locale.ROOT);
    if (text.equals("off") || text.equals("false") || text.equals("none")) {
      return Optional.empty();
    }
    Duration duration;
    try {
      duration = DurationConverter.parseDuration(setting.strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "sluice.retention.sweep-interval: not a duration or 'off': " + setting, e);
    }
    if (duration == null || duration.isZero()) {
      return Optional.empty();
    }
    if (duration.isNegative()) {
      throw new IllegalArgumentException("sluice.retention.sweep-interval is negative: " + setting);
    }
    return Optional.of(duration);
  }

  void start(@Observes StartupEvent event) {
    if (interval.isEmpty()) {
      LOG.info("Scheduled retention sweeps are off (sluice.retention.sweep-interval)");
      return;
    }
    Duration every =
        interval.get().compareTo(MAX_CHECK_EVERY) < 0 ? interval.get() : MAX_CHECK_EVERY;
    scheduler =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "sluice-retention-schedule");
              thread.setDaemon(true);
              return thread;
            });
    // the first check waits a little, so a fleet restarting together does not all check at once
    scheduler.scheduleWithFixedDelay(
        this::check, Math.min(every.toMillis(), 60_000), every.toMillis(), TimeUnit.MILLISECONDS);
  }

  void stop(@Observes ShutdownEvent event) {
    if (scheduler != null) {
      scheduler.shutdownNow();
    }
  }

  void check() {
    try {
      Duration every = interval.orElseThrow();
      Instant now = Instant.now();
      List<JobEntity> recent = jobs.list(RetentionSweep.KIND, null, RECENT);
      if (!due(recent, now, every)) {
        return;
      }
      String id = slotId(now, every);
      boolean queued =
          jobs.enqueueOnce(
              id,
              new JobStore.NewJob(
                  RetentionSweep.KIND,
                  RetentionSweep.ALL_TABLES,
                  ServerJson.write(new RetentionSweep.Request(null)),
                  CREATED_BY,
                  jobsConfig.maxAttempts()));
      if (queued) {
        LOG.infof("Queued scheduled retention sweep %s (every %s)", id, every);
      }
    } catch (RuntimeException e) {
      // another replica inserted this interval's job first, or the database is away: next time
      LOG.debugf(e, "Scheduled retention sweep not queued by this replica");
    }
  }

  /**
   * Whether a sweep of all tables is due: none is queued or running, and none finished less than
   * {@code every} ago.
   */
  static boolean due(List<JobEntity> recent, Instant now, Duration every) {
    for (JobEntity job : recent) {
      if (!RetentionSweep.ALL_TABLES.equals(job.subject)) {
        continue;
      }
      if (job.state == JobEntity.State.QUEUED || job.state == JobEntity.State.RUNNING) {
        return false;
      }
      OffsetDateTime finished = job.finishedAt;
      if (finished != null && finished.toInstant().isAfter(now.minus(every))) {
        return false;
      }
    }
    return true;
  }

  /** One id per interval since the epoch: replicas that check in the same interval collide. */
  static String slotId(Instant now, Duration every) {
    long slot = now.toEpochMilli() / every.toMillis();
    return UUID.nameUUIDFromBytes(
            (RetentionSweep.KIND + "/" + every.toMillis() + "/" + slot)
                .getBytes(StandardCharsets.UTF_8))
        .toString();
  }
}
