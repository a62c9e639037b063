package io.opencdn.edge;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The edge's packages follow the request (ARCHITECTURE.md): the root wires the program, {@code tls}
 * terminates HTTPS in front of {@code http}, which takes the request, {@code serve} decides what to
 * send, {@code cluster} shares the cache with the other edges, {@code fill} gets a missing object,
 * {@code cache} stores it; {@code admin}, {@code metrics} and {@code config} serve them all. A
 * dependency points down that order, never back up, and no two packages depend on each other.
 */
class ArchitectureTest {

  private static final JavaClasses EDGE =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.opencdn.edge");

  @Test
  void packagesHaveNoCycles() {
    slices().matching("io.opencdn.edge.(**)").should().beFreeOfCycles().check(EDGE);
  }

  @Test
  void dependenciesPointDownThePipeline() {
    layeredArchitecture()
        .consideringOnlyDependenciesInLayers()
        .layer("wiring")
        .definedBy("io.opencdn.edge")
        .layer("tls")
        .definedBy("io.opencdn.edge.tls..")
        .layer("http")
        .definedBy("io.opencdn.edge.http..")
        .layer("serve")
        .definedBy("io.opencdn.edge.serve..")
        .layer("cluster")
        .definedBy("io.opencdn.edge.cluster..")
        .layer("admin")
        .definedBy("io.opencdn.edge.admin..")
        .layer("fill")
        .definedBy("io.opencdn.edge.fill..")
        .layer("cache")
        .definedBy("io.opencdn.edge.cache..")
        .layer("metrics")
        .definedBy("io.opencdn.edge.metrics..")
        .layer("config")
        .definedBy("io.opencdn.edge.config..")
        .whereLayer("wiring")
        .mayNotBeAccessedByAnyLayer()
        .whereLayer("tls")
        .mayOnlyBeAccessedByLayers("wiring", "cluster")
        .whereLayer("http")
        .mayOnlyBeAccessedByLayers("wiring", "tls")
        .whereLayer("serve")
        .mayOnlyBeAccessedByLayers("wiring", "http")
        .whereLayer("cluster")
        .mayOnlyBeAccessedByLayers("wiring")
        .whereLayer("admin")
        .mayOnlyBeAccessedByLayers("wiring", "tls", "http", "cluster")
        .whereLayer("fill")
        .mayOnlyBeAccessedByLayers("wiring", "http", "serve", "cluster")
        .whereLayer("cache")
        .mayOnlyBeAccessedByLayers("wiring", "http", "serve", "cluster", "admin", "fill")
        .whereLayer("metrics")
        .mayOnlyBeAccessedByLayers("wiring", "tls", "http", "cluster", "admin", "fill")
        .check(EDGE);
  }
}
