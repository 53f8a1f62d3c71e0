/**
 * OpenLineage ingest model, lineage graph and impact analysis. Plain Java: no Quarkus, CDI or JPA.
 */
package dev.sluice.lineage;
