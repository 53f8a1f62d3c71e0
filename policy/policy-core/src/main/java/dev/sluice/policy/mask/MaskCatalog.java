package dev.sluice.policy.mask;

import dev.sluice.policy.model.ColumnType;
import dev.sluice.policy.model.MaskDefinition;
import java.util.Map;
import java.util.Objects;

/** The built-in masks plus those a bundle declares; renders any of them for a column. */
public final class MaskCatalog {

  private final Map<String, MaskDefinition> declared;

  public MaskCatalog(Map<String, MaskDefinition> declared) {
    this.declared = Map.copyOf(declared);
  }

  public static MaskCatalog builtInsOnly() {
    return new MaskCatalog(Map.of());
  }

  public boolean exists(String name) {
    return BuiltInMask.byName(name).isPresent() || declared.containsKey(name);
  }

  public boolean fits(String name, ColumnType type) {
    var builtIn = BuiltInMask.byName(name);
    if (builtIn.isPresent()) {
      return builtIn.get().fits(type);
    }
    MaskDefinition mask = declared.get(name);
    return mask != null && (type == null || mask.fits(type));
  }

  public String fitsDescription(String name) {
    var builtIn = BuiltInMask.byName(name);
    if (builtIn.isPresent()) {
      return builtIn.get().fitsDescription();
    }
    MaskDefinition mask = declared.get(name);
    return mask == null ? "nothing" : "types " + mask.types();
  }

  /** The Trino SQL replacing the column; callers check {@link #fits} first. */
  public String sql(String name, String column, ColumnType type) {
    String quoted = quote(column);
    var builtIn = BuiltInMask.byName(name);
    if (builtIn.isPresent()) {
      return builtIn.get().sql(quoted, type);
    }
    MaskDefinition mask = Objects.requireNonNull(declared.get(name), () -> "unknown mask " + name);
    return mask.expression().replace("{column}", quoted);
  }

  /** Double-quoted identifier, so column names never leak into SQL syntax. */
  public static String quote(String column) {
    return '"' + column.replace("\"", "\"\"") + '"';
  }
}
