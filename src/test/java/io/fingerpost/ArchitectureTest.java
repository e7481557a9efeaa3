package io.fingerpost;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import io.fingerpost.engine.ArchitectureViolationFixture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package table of {@code docs/internals.md} ("Packages"), enforced: a part may depend only on the parts
 * its row lists, so a wrong import fails the build. Change the table and this test together.
 */
class ArchitectureTest {

  private static final String ROOT = "io.fingerpost";

  /** Every part of the service, in the order of the table. */
  private static final String[] PARTS = {
      "model", "engine", "config", "meters", "event", "store", "feed", "strategy", "alert", "digest", "metrics",
      "report", "api", "cli", "cluster"};

  private static JavaClasses main;

  @BeforeAll
  static void importMainClasses() {
    main = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
        .importPackages(ROOT);
  }

  /** The "may use" column of the table, one line per row. */
  static ArchRule packageTable() {
    var layers = layeredArchitecture().consideringOnlyDependenciesInLayers()
        // An empty part is not an error here: everyClassBelongsToAPartOfTheTable catches a misspelt one.
        .withOptionalLayers(true)
        // The wiring (App, AppContext, Main): its own package only, not the parts below it.
        .layer("root").definedBy(ROOT);
    for (String part : PARTS) {
      layers = layers.layer(part).definedBy(ROOT + "." + part + "..");
    }
    return layers
        .whereLayer("model").mayNotAccessAnyLayer()
        .whereLayer("engine").mayOnlyAccessLayers("model")
        .whereLayer("config").mayOnlyAccessLayers("model")
        .whereLayer("meters").mayNotAccessAnyLayer()
        .whereLayer("event").mayOnlyAccessLayers("model")
        .whereLayer("store").mayOnlyAccessLayers("model", "engine", "config", "meters", "event")
        .whereLayer("feed").mayOnlyAccessLayers("model", "config", "store", "meters", "event")
        .whereLayer("strategy").mayOnlyAccessLayers("model", "engine", "config", "store", "meters", "event")
        .whereLayer("alert").mayOnlyAccessLayers(
            "model", "engine", "config", "strategy", "store", "meters", "event")
        .whereLayer("digest").mayOnlyAccessLayers(
            "model", "config", "strategy", "alert", "store", "meters", "event")
        .whereLayer("metrics").mayOnlyAccessLayers(
            "model", "engine", "config", "strategy", "alert", "store", "meters", "event")
        .whereLayer("report").mayOnlyAccessLayers("model", "engine", "config", "store", "strategy", "alert")
        .whereLayer("api").mayOnlyAccessLayers(
            "model", "engine", "config", "meters", "event", "store", "feed", "strategy", "alert", "digest", "metrics",
            "report")
        .whereLayer("cli").mayOnlyAccessLayers("model", "engine", "config", "event", "feed", "store", "strategy")
        .whereLayer("cluster").mayOnlyAccessLayers("config")
        .because("docs/internals.md \"Packages\" says which part may use which");
  }

  @Test
  void partsUseOnlyWhatThePackageTableAllows() {
    packageTable().check(main);
  }

  @Test
  void noPackageCycles() {
    slices().matching(ROOT + ".(*)..").should().beFreeOfCycles()
        .check(main);
  }

  @Test
  void engineIsPureJava() {
    noClasses().that().resideInAPackage(ROOT + ".engine..")
        .should().dependOnClassesThat().resideInAnyPackage(
            "io.vertx..", "java.sql..", "javax.sql..", "org.postgresql..", "org.flywaydb..")
        .because("the statistics engine has no Vert.x and no JDBC in it")
        .check(main);
  }

  @Test
  void reportHasNoVertxWeb() {
    noClasses().that().resideInAPackage(ROOT + ".report..")
        .should().dependOnClassesThat().resideInAPackage("io.vertx.ext.web..")
        .because("the report builds records and renders documents; the api part serves them")
        .check(main);
  }

  @Test
  void modelHasNoVertx() {
    noClasses().that().resideInAPackage(ROOT + ".model..")
        .should().dependOnClassesThat().resideInAPackage("io.vertx..")
        .because("model records are shared by every part, including the engine")
        .check(main);
  }

  @Test
  void everyClassBelongsToAPartOfTheTable() {
    String[] packages = new String[PARTS.length + 1];
    packages[0] = ROOT;
    for (int i = 0; i < PARTS.length; i++) {
      packages[i + 1] = ROOT + "." + PARTS[i] + "..";
    }
    classes().should().resideInAnyPackage(packages)
        .because("a new package needs a row in the docs/internals.md table and here")
        .check(main);
  }

  /** The table can fail: an engine class (a test fixture) that uses the wiring above it breaks it. */
  @Test
  void aForbiddenDependencyBreaksTheTable() {
    JavaClasses withViolation = new ClassFileImporter()
        .importClasses(ArchitectureViolationFixture.class, Main.class);
    EvaluationResult result = packageTable().evaluate(withViolation);
    assertTrue(result.hasViolation());
    String report = result.getFailureReport().toString();
    assertTrue(report.contains(ArchitectureViolationFixture.class.getName()), report);
    assertTrue(report.contains(Main.class.getName()), report);
    assertFalse(packageTable().evaluate(new ClassFileImporter().importClasses(Main.class)).hasViolation());
  }
}
