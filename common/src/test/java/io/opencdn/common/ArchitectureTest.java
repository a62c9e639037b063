package io.opencdn.common;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * {@code common} is the bottom of both programs: its packages have no cycles, {@code config} needs
 * nothing of {@code cluster}, and nothing here knows the programs built on it.
 */
class ArchitectureTest {

  private static final JavaClasses COMMON =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.opencdn.common");

  @Test
  void packagesHaveNoCycles() {
    slices().matching("io.opencdn.common.(**)").should().beFreeOfCycles().check(COMMON);
  }

  @Test
  void configNeedsNoCluster() {
    noClasses()
        .that()
        .resideInAPackage("io.opencdn.common.config..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.opencdn.common.cluster..")
        .check(COMMON);
  }

  @Test
  void commonKnowsNoProgram() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.opencdn.edge..", "io.opencdn.dns..", "io.opencdn.origin..", "io.opencdn.launcher..")
        .check(COMMON);
  }
}
