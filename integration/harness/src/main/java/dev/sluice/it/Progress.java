package dev.sluice.it;

import java.time.LocalTime;
import java.time.format.DateTimeFormatter;

/** Progress lines for long set-up steps, so a slow run shows where it is. */
public final class Progress {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

  private Progress() {}

  public static void say(String format, Object... args) {
    System.out.println("[it " + LocalTime.now().format(TIME) + "] " + String.format(format, args));
    System.out.flush();
  }
}
