package dev.sluice.catalog.sidedoors;

import java.util.Map;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.rest.requests.ImmutableCreateViewRequest;
import org.apache.iceberg.view.ImmutableSQLViewRepresentation;
import org.apache.iceberg.view.ImmutableViewVersion;

/** Create-view requests. */
final class View {
  private View() {}

  static String create(String name, String location, Map<String, String> properties) {
    ImmutableCreateViewRequest.Builder request =
        ImmutableCreateViewRequest.builder()
            .name(name)
            .schema(Caller.SCHEMA)
            .viewVersion(
                ImmutableViewVersion.builder()
                    .versionId(1)
                    .schemaId(0)
                    .timestampMillis(System.currentTimeMillis())
                    .defaultNamespace(Namespace.of("intake"))
                    .putSummary("engine-name", "test")
                    .addRepresentations(
                        ImmutableSQLViewRepresentation.builder()
                            .sql("select 1 as id, 'eu' as region")
                            .dialect("trino")
                            .build())
                    .build())
            .properties(properties);
    if (location != null) {
      request.location(location);
    }
    return Caller.json(request.build());
  }
}
