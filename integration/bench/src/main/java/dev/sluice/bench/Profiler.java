package dev.sluice.bench;

import dev.sluice.it.Progress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** JFR recordings of a server process, started and stopped from outside with {@code jcmd}. */
final class Profiler {
  private final long pid;
  private final Path dir;
  private final String prefix;
  private String running;

  Profiler(long pid, Path dir, String prefix) {
    this.pid = pid;
    this.dir = dir;
    this.prefix = prefix;
  }

  /** A profiler that records nothing unless {@code target} is the one named by bench.jfr. */
  static Profiler forTarget(String target, long pid, Path dir) {
    return target.equals(Settings.jfrTarget()) ? new Profiler(pid, dir, target) : null;
  }

  void start(String workload) {
    String name = prefix + "-" + workload;
    if (jcmd("JFR.start", "name=" + name, "settings=profile")) {
      running = name;
    }
  }

  void stop() {
    if (running == null) {
      return;
    }
    Path file = dir.resolve(running + ".jfr");
    if (jcmd("JFR.stop", "name=" + running, "filename=" + file)) {
      Progress.say("JFR recording %s", file);
    }
    running = null;
  }

  private boolean jcmd(String... args) {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    List<String> command = new java.util.ArrayList<>();
    command.add(jcmd.toString());
    command.add(String.valueOf(pid));
    command.addAll(List.of(args));
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes());
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        Progress.say("jcmd %s failed: %s", String.join(" ", args), output.trim());
        return false;
      }
      return true;
    } catch (Exception e) {
      Progress.say("jcmd %s failed: %s", String.join(" ", args), e);
      return false;
    }
  }
}
