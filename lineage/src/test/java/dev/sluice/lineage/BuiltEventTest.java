package dev.sluice.lineage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openlineage.client.OpenLineage;
import io.openlineage.client.OpenLineageClientUtils;
import java.net.URI;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** An event built in process reads as the same event as its JSON does. */
class BuiltEventTest {
  private final OpenLineage openLineage = new OpenLineage(URI.create("https://example.com/p"));

  private OpenLineage.RunEvent event(ZonedDateTime time) {
    OpenLineage.RunFacet commit = openLineage.newRunFacet();
    commit.getAdditionalProperties().put("principal", "user:ada");
    commit.getAdditionalProperties().put("snapshotId", "42");
    OpenLineage.ColumnLineageDatasetFacet columns =
        openLineage
            .newColumnLineageDatasetFacetBuilder()
            .fields(
                openLineage
                    .newColumnLineageDatasetFacetFieldsBuilder()
                    .put(
                        "total",
                        openLineage
                            .newColumnLineageDatasetFacetFieldsAdditionalBuilder()
                            .inputFields(
                                List.of(
                                    openLineage
                                        .newInputFieldBuilder()
                                        .namespace("s3://lake")
                                        .name("raw.orders")
                                        .field("amount")
                                        .build()))
                            .build())
                    .build())
            .build();
    return openLineage
        .newRunEventBuilder()
        .eventType(OpenLineage.RunEvent.EventType.COMPLETE)
        .eventTime(time)
        .run(
            openLineage.newRun(
                UUID.fromString("0f4e1b8a-6c3e-4d5c-9a51-3b3c2f1d7e20"),
                openLineage.newRunFacetsBuilder().put("sluice_commit", commit).build()))
        .job(openLineage.newJobBuilder().namespace("sluice").name("sales.orders.commit").build())
        .inputs(
            List.of(
                openLineage
                    .newInputDatasetBuilder()
                    .namespace("s3://lake")
                    .name("raw.orders")
                    .facets(
                        openLineage
                            .newDatasetFacetsBuilder()
                            .version(openLineage.newDatasetVersionDatasetFacet("7"))
                            .build())
                    .build()))
        .outputs(
            List.of(
                openLineage
                    .newOutputDatasetBuilder()
                    .namespace("s3://lake")
                    .name("sales.orders")
                    .facets(
                        openLineage
                            .newDatasetFacetsBuilder()
                            .version(openLineage.newDatasetVersionDatasetFacet("42"))
                            .columnLineage(columns)
                            .symlinks(
                                openLineage.newSymlinksDatasetFacet(
                                    List.of(
                                        openLineage.newSymlinksDatasetFacetIdentifiers(
                                            "lake", "sales.orders", "TABLE"))))
                            .build())
                    .build()))
        .build();
  }

  @Test
  void aBuiltEventReadsAsItsJsonDoes() {
    for (ZonedDateTime time :
        List.of(
            ZonedDateTime.now(ZoneOffset.UTC),
            ZonedDateTime.parse("2026-11-30T12:00:00.123456789+02:00[Europe/Berlin]"))) {
      OpenLineage.RunEvent built = event(time);
      LineageEvent direct = LineageEventParser.parse(built);
      assertThat(direct).isEqualTo(LineageEventParser.parse(OpenLineageClientUtils.toJson(built)));
      assertThat(direct.outputs()).hasSize(1);
      assertThat(direct.inputs()).hasSize(1);
      assertThat(direct.columnEdges()).isNotEmpty();
    }
  }

  @Test
  void aBuiltEventMissesNoRequiredField() {
    OpenLineage.RunEvent timeless =
        openLineage
            .newRunEventBuilder()
            .run(openLineage.newRun(UUID.randomUUID(), null))
            .job(openLineage.newJobBuilder().namespace("sluice").name("j").build())
            .build();
    assertThatThrownBy(() -> LineageEventParser.parse(timeless))
        .isInstanceOf(InvalidLineageEventException.class)
        .hasMessage("Missing required field: eventTime");
    OpenLineage.RunEvent runless =
        openLineage
            .newRunEventBuilder()
            .eventTime(ZonedDateTime.now(ZoneOffset.UTC))
            .job(openLineage.newJobBuilder().namespace("sluice").name("j").build())
            .build();
    assertThatThrownBy(() -> LineageEventParser.parse(runless))
        .isInstanceOf(InvalidLineageEventException.class)
        .hasMessage("Missing required field: run.runId");
  }
}
