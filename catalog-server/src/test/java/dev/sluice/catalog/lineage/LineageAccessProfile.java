package dev.sluice.catalog.lineage;

import dev.sluice.catalog.security.SecurityTestProfile;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The example policy as {@link SecurityTestProfile} sets it up, on a database of its own: the
 * namespaces and tables these tests create stay out of the other security tests' listings.
 */
public class LineageAccessProfile extends SecurityTestProfile {
  @Override
  public Map<String, String> getConfigOverrides() {
    Map<String, String> overrides = new HashMap<>(super.getConfigOverrides());
    overrides.put(
        "sluice.data-dir",
        Path.of("target", "test-data", "lineage-access-" + ProcessHandle.current().pid())
            .toAbsolutePath()
            .toString());
    return overrides;
  }
}
