package dev.sluice.catalog.rest;

import java.util.HashMap;
import java.util.Map;

/** The test catalog with the table metadata cache turned off, in a directory of its own. */
public class MetadataCacheOffProfile extends CatalogTestProfile {
  @Override
  public Map<String, String> getConfigOverrides() {
    Map<String, String> settings = new HashMap<>(super.getConfigOverrides());
    settings.put(
        "sluice.data-dir",
        CatalogTestProfile.DATA_DIR
            .resolveSibling("cache-off-" + ProcessHandle.current().pid())
            .toString());
    settings.put("sluice.catalog.metadata-cache-bytes", "0");
    return settings;
  }
}
