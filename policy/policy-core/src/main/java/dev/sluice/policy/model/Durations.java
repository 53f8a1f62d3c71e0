package dev.sluice.policy.model;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as written in policies: {@code 45s}, {@code 30m}, {@code 12h}, {@code 7d}, {@code 4w},
 * {@code 2y}.
 */
public final class Durations {

  private static final Pattern SHAPE = Pattern.compile("(\\d+)([smhdwy])");

  private Durations() {}

  public static Optional<Duration> parse(String text) {
    Matcher m = text == null ? null : SHAPE.matcher(text.trim());
    if (m == null || !m.matches()) {
      return Optional.empty();
    }
    long amount = Long.parseLong(m.group(1));
    return Optional.of(
        switch (m.group(2)) {
          case "s" -> Duration.ofSeconds(amount);
          case "m" -> Duration.ofMinutes(amount);
          case "h" -> Duration.ofHours(amount);
          case "d" -> Duration.ofDays(amount);
          case "w" -> Duration.ofDays(7 * amount);
          default -> Duration.ofDays(365 * amount);
        });
  }

  public static String format(Duration duration) {
    if (duration.toSecondsPart() != 0 || duration.toMillisPart() != 0) {
      return duration.getSeconds() + "s";
    }
    long minutes = duration.toMinutes();
    if (minutes % (60 * 24) == 0) {
      long days = minutes / (60 * 24);
      return days % 365 == 0 ? days / 365 + "y" : days + "d";
    }
    return minutes % 60 == 0 ? minutes / 60 + "h" : minutes + "m";
  }
}
