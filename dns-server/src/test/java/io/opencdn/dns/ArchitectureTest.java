package io.opencdn.dns;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The DNS server's packages follow the query (ARCHITECTURE.md): the root wires the program, {@code
 * net} reads and writes packets, {@code answer} answers them from {@code zone} data and routing
 * decisions ({@code routing} over {@code geo}, with {@code edges} and {@code latency} from the
 * cluster) and has them signed through its {@code ResponseSigner}, which {@code dnssec} implements;
 * {@code acme} serves the cluster's ACME DNS-01 challenges to the answer stage through the wiring;
 * {@code admin} and {@code explain} look at the pipeline from outside; {@code wire}, {@code
 * metrics} and {@code config} serve them all. A dependency points down that order, never back up,
 * and no two packages depend on each other.
 */
class ArchitectureTest {

  private static final JavaClasses DNS =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.opencdn.dns");

  @Test
  void packagesHaveNoCycles() {
    slices().matching("io.opencdn.dns.(**)").should().beFreeOfCycles().check(DNS);
  }

  @Test
  void dependenciesPointDownThePipeline() {
    layeredArchitecture()
        .consideringOnlyDependenciesInLayers()
        .layer("wiring")
        .definedBy("io.opencdn.dns")
        .layer("admin")
        .definedBy("io.opencdn.dns.admin..")
        .layer("explain")
        .definedBy("io.opencdn.dns.explain..")
        .layer("acme")
        .definedBy("io.opencdn.dns.acme..")
        .layer("net")
        .definedBy("io.opencdn.dns.net..")
        .layer("dnssec")
        .definedBy("io.opencdn.dns.dnssec..")
        .layer("answer")
        .definedBy("io.opencdn.dns.answer..")
        .layer("edges")
        .definedBy("io.opencdn.dns.edges..")
        .layer("latency")
        .definedBy("io.opencdn.dns.latency..")
        .layer("routing")
        .definedBy("io.opencdn.dns.routing..")
        .layer("geo")
        .definedBy("io.opencdn.dns.geo..")
        .layer("zone")
        .definedBy("io.opencdn.dns.zone..")
        .layer("metrics")
        .definedBy("io.opencdn.dns.metrics..")
        .layer("wire")
        .definedBy("io.opencdn.dns.wire..")
        .layer("config")
        .definedBy("io.opencdn.dns.config..")
        .whereLayer("wiring")
        .mayNotBeAccessedByAnyLayer()
        .whereLayer("admin")
        .mayOnlyBeAccessedByLayers("wiring")
        .whereLayer("explain")
        .mayOnlyBeAccessedByLayers("wiring", "admin")
        .whereLayer("acme")
        .mayOnlyBeAccessedByLayers("wiring")
        .whereLayer("net")
        .mayOnlyBeAccessedByLayers("wiring")
        .whereLayer("dnssec")
        .mayOnlyBeAccessedByLayers("wiring", "admin")
        .whereLayer("answer")
        .mayOnlyBeAccessedByLayers("wiring", "admin", "explain", "dnssec")
        .whereLayer("edges")
        .mayOnlyBeAccessedByLayers("wiring", "explain")
        .whereLayer("latency")
        .mayOnlyBeAccessedByLayers("wiring", "explain")
        .whereLayer("routing")
        .mayOnlyBeAccessedByLayers("wiring", "admin", "explain", "answer", "edges", "latency")
        .whereLayer("geo")
        .mayOnlyBeAccessedByLayers("wiring", "admin", "explain", "answer", "routing")
        .whereLayer("zone")
        .mayOnlyBeAccessedByLayers("wiring", "admin", "answer", "dnssec")
        .whereLayer("metrics")
        .mayOnlyBeAccessedByLayers("wiring", "admin", "answer", "dnssec")
        .check(DNS);
  }
}
