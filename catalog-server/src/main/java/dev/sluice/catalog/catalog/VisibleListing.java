package dev.sluice.catalog.catalog;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One page of a listing, filtered before it is cut: the caller's page holds only what it may see,
 * and is full unless nothing visible is left. The next-page token is opaque: it names the last
 * visible entry returned (which the caller already saw) and the listing it belongs to, so it tells
 * nothing about how many hidden entries there are or where they sit, and cannot be replayed on
 * another listing.
 */
final class VisibleListing {
  static final int MAX_PAGE_SIZE = 1000;
  private static final int FETCH = 500;
  private static final String VERSION = "1";

  /** Reads up to {@code limit} entries after {@code after} (exclusive, null from the start). */
  @FunctionalInterface
  interface Fetcher<T> {
    List<T> after(String after, int limit);
  }

  /** A page and the token of the next one (null at the end). */
  record Page<T>(List<T> items, String nextPageToken) {}

  private VisibleListing() {}

  /**
   * @param scope names the listing (the kind and parent), so a token is valid only for it
   * @param key the ordered key of an entry (its name within the listing)
   * @param pageToken the client's token, or null
   * @param pageSize the client's page size, or null for everything at once
   */
  static <T> Page<T> page(
      String scope,
      Fetcher<T> fetcher,
      Function<T, String> key,
      Predicate<T> visible,
      String pageToken,
      String pageSize) {
    String after = pageToken == null || pageToken.isEmpty() ? null : decode(scope, pageToken);
    int size =
        pageSize == null && (pageToken == null || pageToken.isEmpty())
            ? Integer.MAX_VALUE
            : size(pageSize);
    List<T> page = new ArrayList<>();
    String cursor = after;
    while (true) {
      List<T> batch = fetcher.after(cursor, FETCH);
      for (T item : batch) {
        cursor = key.apply(item);
        if (!visible.test(item)) {
          continue;
        }
        if (page.size() == size) {
          // one more visible entry exists: the page is full and there is a next one
          return new Page<>(page, encode(scope, key.apply(page.get(page.size() - 1))));
        }
        page.add(item);
      }
      if (batch.size() < FETCH) {
        return new Page<>(page, null);
      }
    }
  }

  static String encode(String scope, String after) {
    String plain = VERSION + "\n" + scope + "\n" + after;
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(plain.getBytes(StandardCharsets.UTF_8));
  }

  private static String decode(String scope, String token) {
    String plain;
    try {
      plain = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw invalid();
    }
    String prefix = VERSION + "\n" + scope + "\n";
    if (!plain.startsWith(prefix) || plain.length() == prefix.length()) {
      throw invalid();
    }
    return plain.substring(prefix.length());
  }

  private static IllegalArgumentException invalid() {
    return new IllegalArgumentException(
        "Invalid pageToken: not a token this listing handed out (start again without one)");
  }

  private static int size(String pageSize) {
    if (pageSize == null || pageSize.isEmpty()) {
      return MAX_PAGE_SIZE;
    }
    int size;
    try {
      size = Integer.parseInt(pageSize);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Invalid pageSize: " + pageSize);
    }
    if (size < 1) {
      throw new IllegalArgumentException("Invalid pageSize: " + pageSize + " (must be positive)");
    }
    return Math.min(size, MAX_PAGE_SIZE);
  }
}
