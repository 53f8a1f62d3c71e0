package dev.sluice.policy.diff;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The changes between two bundles, sorted by dataset, subject, column and kind. */
public record DiffReport(List<AccessChange> changes) {

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public DiffReport {
    changes = changes.stream().sorted().distinct().toList();
  }

  public boolean isEmpty() {
    return changes.isEmpty();
  }

  public List<AccessChange> risky() {
    return changes.stream().filter(AccessChange::risky).toList();
  }

  public boolean has(Risk risk) {
    return changes.stream().anyMatch(c -> c.risk() == risk);
  }

  /** A pull-request comment: one table per dataset, risky rows first in attention. */
  public String toMarkdown() {
    StringBuilder md = new StringBuilder("## Sluice policy review: effective access changes\n\n");
    if (changes.isEmpty()) {
      return md.append("No effective access changes.\n").toString();
    }
    long risky = risky().size();
    md.append("**")
        .append(changes.size())
        .append(changes.size() == 1 ? " change" : " changes")
        .append(", ")
        .append(risky)
        .append(" flagged as risk**");
    if (risky > 0) {
      md.append(
          " (widens access to a `pii.*` column, removes a consent filter or loosens a contract)");
    }
    md.append("\n");
    Map<String, List<AccessChange>> byDataset = new TreeMap<>();
    changes.forEach(
        c -> byDataset.computeIfAbsent(c.dataset(), k -> new java.util.ArrayList<>()).add(c));
    for (var entry : byDataset.entrySet()) {
      md.append("\n### `").append(entry.getKey()).append("`\n\n");
      md.append("| risk | who | column | change | before | after | detail |\n");
      md.append("|---|---|---|---|---|---|---|\n");
      for (AccessChange c : entry.getValue()) {
        md.append("| ")
            .append(c.risky() ? "⚠️ " + c.risk().key() : "")
            .append(" | ")
            .append(cell(c.subject()))
            .append(" | ")
            .append(cell(c.column()))
            .append(" | ")
            .append(c.kind().label())
            .append(" | ")
            .append(cell(c.before()))
            .append(" | ")
            .append(cell(c.after()))
            .append(" | ")
            .append(cell(c.detail()))
            .append(" |\n");
      }
    }
    return md.toString();
  }

  public String toJson() {
    ObjectNode root = JSON.createObjectNode();
    root.put("changes", changes.size());
    root.put("risky", risky().size());
    ArrayNode items = root.putArray("items");
    for (AccessChange c : changes) {
      ObjectNode item = items.addObject();
      item.put("dataset", c.dataset());
      item.put("subject", c.subject());
      item.put("column", c.column());
      item.put("change", c.kind().key());
      item.put("before", c.before());
      item.put("after", c.after());
      item.put("risk", c.risk() == null ? null : c.risk().key());
      item.put("detail", c.detail());
    }
    try {
      return JSON.writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String cell(String text) {
    return text == null ? "" : "`" + text.replace("|", "\\|").replace("`", "'") + "`";
  }
}
