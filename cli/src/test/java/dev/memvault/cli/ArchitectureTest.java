package dev.memvault.cli;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The dependency rules between memvault's packages, checked on the production classes of every
 * module on this test class path. cli is the one module that depends on both client-sdk (and
 * through it vault-core and proto) and sync-server, so every package the rules name is visible
 * here; {@link #import_everyModule_hasClasses} fails if one stops being, so that no rule passes for
 * want of classes.
 *
 * <p>{@code dev.memvault.bench..} is exempt from the rules on internal packages: benchmarks measure
 * internals on purpose. (The bench module is not on this class path; the exemption is written into
 * the rules so that they stay right wherever they run.)
 */
class ArchitectureTest {
  private static final String PROTO = "dev.memvault.proto..";
  private static final String PROTOCOL = "dev.memvault.protocol..";
  private static final String CORE = "dev.memvault.core..";
  private static final String CORE_INTERNAL = "dev.memvault.core.internal..";
  private static final String SDK = "dev.memvault.sdk..";
  private static final String SDK_INTERNAL = "dev.memvault.sdk..internal..";
  private static final String CLI = "dev.memvault.cli..";
  private static final String SERVER = "dev.memvault.server..";
  private static final String BENCH = "dev.memvault.bench..";

  private static final JavaClasses CLASSES =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.memvault");

  @Test
  void import_everyModule_hasClasses() {
    for (String module : List.of(PROTO, PROTOCOL, CORE, SDK, CLI, SERVER)) {
      assertFalse(CLASSES.that(resideInAPackage(module)).isEmpty(), "no classes in " + module);
    }
  }

  /** The server stores ciphertext only: it must not reach the code that holds keys. */
  @Test
  void server_anyClass_dependsOnNeitherCoreNorSdk() {
    noClasses()
        .that()
        .resideInAPackage(SERVER)
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(CORE, SDK)
        .because("the server cannot decrypt, and its dependencies should prove it")
        .check(CLASSES);
  }

  @Test
  void outsideCore_anyClass_dependsOnNoCoreInternals() {
    noClasses()
        .that()
        .resideOutsideOfPackages(CORE, BENCH)
        .should()
        .dependOnClassesThat()
        .resideInAPackage(CORE_INTERNAL)
        .because("vault-core's implementation is reached through its API packages only")
        .check(CLASSES);
  }

  /** Keeps the rule above from passing only because there is nothing to depend on. */
  @Test
  void coreInternal_packages_exist() {
    assertFalse(CLASSES.that(resideInAPackage(CORE_INTERNAL)).isEmpty(), "no " + CORE_INTERNAL);
  }

  /** The root key leaves vault-core only sealed; the loud door to it is for tests alone. */
  @Test
  void outsideCore_anyClass_usesNoInsecureKeyAccess() {
    noClasses()
        .that()
        .resideOutsideOfPackages(CORE)
        .should()
        .dependOnClassesThat()
        .haveFullyQualifiedName("dev.memvault.core.vault.InsecureKeyAccess")
        .because("whoever holds the root key reads every memory")
        .check(CLASSES);
  }

  /** The protocol's rules rest on the wire format only. */
  @Test
  void protocol_anyClass_dependsOnNothingButProto() {
    noClasses()
        .that()
        .resideInAPackage(PROTOCOL)
        .should()
        .dependOnClassesThat(
            resideInAPackage("dev.memvault..").and(not(resideInAnyPackage(PROTO, PROTOCOL))))
        .because("server and clients share these rules, and the server holds no keys")
        .check(CLASSES);
  }

  @Test
  void outsideSdk_anyClass_dependsOnNoSdkInternals() {
    noClasses()
        .that()
        .resideOutsideOfPackages(SDK, BENCH)
        .should()
        .dependOnClassesThat()
        .resideInAPackage(SDK_INTERNAL)
        .because("the SDK's internal packages are its implementation, not its API")
        .check(CLASSES);
  }

  /** Keeps the rule above from passing only because there is nothing to depend on. */
  @Test
  void sdkInternal_packages_exist() {
    assertFalse(CLASSES.that(resideInAPackage(SDK_INTERNAL)).isEmpty(), "no " + SDK_INTERNAL);
  }

  /** The module graph points one way: proto <- vault-core <- client-sdk <- cli; proto <- server. */
  @Test
  void proto_anyClass_dependsOnNoOtherMemvaultPackage() {
    noClasses()
        .that()
        .resideInAPackage(PROTO)
        .should()
        .dependOnClassesThat(resideInAPackage("dev.memvault..").and(not(resideInAPackage(PROTO))))
        .because("the wire format is the bottom of the module graph")
        .check(CLASSES);
  }

  @Test
  void core_anyClass_dependsOnNeitherSdkCliNorServer() {
    noClasses()
        .that()
        .resideInAPackage(CORE)
        .should()
        .dependOnClassesThat(resideInAnyPackage(SDK, CLI, SERVER))
        .because("vault-core is below the SDK, the CLI and the server")
        .check(CLASSES);
  }

  @Test
  void sdk_anyClass_dependsOnNeitherCliNorServer() {
    noClasses()
        .that()
        .resideInAPackage(SDK)
        .should()
        .dependOnClassesThat(resideInAnyPackage(CLI, SERVER))
        .because("the SDK is below the CLI, and a client needs no server code")
        .check(CLASSES);
  }

  /** Keeps the MCP tool set free to serve another transport, or to move to a module of its own. */
  @Test
  void mcp_anyClass_dependsOnNoCommandLineClass() {
    noClasses()
        .that()
        .resideInAPackage("dev.memvault.cli.mcp..")
        .should()
        .dependOnClassesThat(resideInAnyPackage("dev.memvault.cli", "picocli..", SERVER))
        .because("the MCP tools take an opened vault and know nothing of the command line")
        .check(CLASSES);
  }
}
