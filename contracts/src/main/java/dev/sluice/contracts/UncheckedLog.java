package dev.sluice.contracts;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Collects the rules left undecided. A gap found in many files is one entry naming the first file
 * and how many others share it, so a commit of thousands of files stays readable.
 */
final class UncheckedLog {

  private record Key(String field, String rule, String gap) {}

  private static final class FileGap {
    final String firstFile;
    int files = 1;

    FileGap(String firstFile) {
      this.firstFile = firstFile;
    }
  }

  private final Map<Key, Object> entries = new LinkedHashMap<>();

  /** A rule undecided for the whole field, e.g. because no file keeps bounds for it. */
  void field(String field, String rule, String reason) {
    entries.putIfAbsent(new Key(field, rule, reason), reason);
  }

  /** A rule undecided for one file; {@code gap} completes "file … carries …". */
  void file(String field, String rule, String file, String gap) {
    Object seen = entries.putIfAbsent(new Key(field, rule, gap), new FileGap(file));
    if (seen instanceof FileGap fileGap) {
      fileGap.files++;
    }
  }

  List<MetricsCheckResult.Unchecked> entries() {
    List<MetricsCheckResult.Unchecked> out = new ArrayList<>();
    entries.forEach(
        (key, value) ->
            out.add(
                new MetricsCheckResult.Unchecked(
                    key.field(),
                    key.rule(),
                    value instanceof FileGap gap
                        ? reason(gap, key.gap())
                        : Objects.toString(value))));
    return out;
  }

  private static String reason(FileGap gap, String carries) {
    String reason = "file " + gap.firstFile + " carries " + carries;
    int others = gap.files - 1;
    return others == 0
        ? reason
        : reason + " (as do " + others + " other added file" + (others == 1 ? "" : "s") + ")";
  }
}
