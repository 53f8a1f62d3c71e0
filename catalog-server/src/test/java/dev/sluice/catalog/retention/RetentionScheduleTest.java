package dev.sluice.catalog.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.catalog.persistence.JobEntity;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetentionScheduleTest {
  private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");
  private static final Duration DAY = Duration.ofDays(1);

  private static JobEntity job(String subject, JobEntity.State state, Instant finished) {
    JobEntity job = new JobEntity();
    job.kind = RetentionSweep.KIND;
    job.subject = subject;
    job.state = state;
    job.finishedAt = finished == null ? null : finished.atOffset(ZoneOffset.UTC);
    return job;
  }

  @Test
  void intervalSettingTurnsTheScheduleOffWithZeroOrOff() {
    assertThat(RetentionSchedule.interval("24H")).contains(Duration.ofHours(24));
    assertThat(RetentionSchedule.interval("30m")).contains(Duration.ofMinutes(30));
    assertThat(RetentionSchedule.interval("0")).isEmpty();
    assertThat(RetentionSchedule.interval("off")).isEmpty();
    assertThat(RetentionSchedule.interval("OFF")).isEmpty();
    assertThatThrownBy(() -> RetentionSchedule.interval("daily"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sluice.retention.sweep-interval");
  }

  @Test
  void aSweepIsDueOnlyWhenNoneIsPendingAndNoneFinishedWithinTheInterval() {
    assertThat(RetentionSchedule.due(List.of(), NOW, DAY)).isTrue();
    assertThat(
            RetentionSchedule.due(
                List.of(job(RetentionSweep.ALL_TABLES, JobEntity.State.QUEUED, null)), NOW, DAY))
        .isFalse();
    assertThat(
            RetentionSchedule.due(
                List.of(job(RetentionSweep.ALL_TABLES, JobEntity.State.RUNNING, null)), NOW, DAY))
        .isFalse();
    assertThat(
            RetentionSchedule.due(
                List.of(
                    job(
                        RetentionSweep.ALL_TABLES,
                        JobEntity.State.SUCCEEDED,
                        NOW.minus(Duration.ofHours(23)))),
                NOW,
                DAY))
        .isFalse();
    // a failed sweep counts too: the next one waits an interval rather than hammering
    assertThat(
            RetentionSchedule.due(
                List.of(
                    job(
                        RetentionSweep.ALL_TABLES,
                        JobEntity.State.FAILED,
                        NOW.minus(Duration.ofHours(25)))),
                NOW,
                DAY))
        .isTrue();
    // a sweep of one table asked for by hand does not stand in for the sweep of all
    assertThat(
            RetentionSchedule.due(
                List.of(job("raw.customers", JobEntity.State.RUNNING, null)), NOW, DAY))
        .isTrue();
  }

  @Test
  void replicasCheckingInTheSameIntervalDeriveTheSameJobId() {
    String first = RetentionSchedule.slotId(NOW, DAY);
    assertThat(RetentionSchedule.slotId(NOW.plus(Duration.ofHours(11)), DAY)).isEqualTo(first);
    assertThat(RetentionSchedule.slotId(NOW.plus(Duration.ofHours(12)), DAY)).isNotEqualTo(first);
    assertThat(RetentionSchedule.slotId(NOW, Duration.ofHours(12))).isNotEqualTo(first);
  }
}
