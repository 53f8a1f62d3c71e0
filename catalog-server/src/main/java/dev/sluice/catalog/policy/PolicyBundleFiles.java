package dev.sluice.catalog.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.catalog.json.ServerJson;
import dev.sluice.policy.load.SourceFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A bundle as files (relative path → YAML text): hashing, storing and reading it. */
final class PolicyBundleFiles {
  private static final ObjectMapper JSON = ServerJson.mapper();

  private PolicyBundleFiles() {}

  static Map<String, String> toMap(List<SourceFile> sources) {
    Map<String, String> files = new TreeMap<>();
    sources.forEach(source -> files.put(source.path(), source.content()));
    return files;
  }

  static List<SourceFile> sources(Map<String, String> files) {
    return new TreeMap<>(files)
        .entrySet().stream().map(e -> new SourceFile(e.getKey(), e.getValue())).toList();
  }

  /** SHA-256 over the sorted paths and contents, so equal bundles hash equal. */
  static String hash(Map<String, String> files) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      for (Map.Entry<String, String> e : new TreeMap<>(files).entrySet()) {
        digest.update(e.getKey().getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
        digest.update(e.getValue().getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static String toJson(Map<String, String> files) {
    try {
      return JSON.writeValueAsString(new TreeMap<>(files));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Map<String, String> fromJson(String json) {
    try {
      return JSON.readValue(json, new TypeReference<TreeMap<String, String>>() {});
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
