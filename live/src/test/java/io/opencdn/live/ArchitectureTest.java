package io.opencdn.live;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The live module's packages have no cycles, the wire codecs ({@code rtmp}, {@code hls}) know
 * nothing of sessions, relays or the cluster, and nothing here knows the edge that embeds it.
 */
class ArchitectureTest {

  private static final JavaClasses LIVE =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.opencdn.live");

  @Test
  void packagesHaveNoCycles() {
    slices().matching("io.opencdn.live.(**)").should().beFreeOfCycles().check(LIVE);
  }

  @Test
  void codecsKnowNoSessionsRelaysOrCluster() {
    noClasses()
        .that()
        .resideInAnyPackage("io.opencdn.live.rtmp..", "io.opencdn.live.hls..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.opencdn.live.session..", "io.opencdn.live.relay..", "io.opencdn.live.cluster..")
        .check(LIVE);
  }

  @Test
  void liveKnowsNoEdge() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.opencdn.edge..", "io.opencdn.dns..")
        .check(LIVE);
  }
}
