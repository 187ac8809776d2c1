package io.ann4j.examples;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The boundaries between ann4j's modules, checked on the compiled classes of every module this
 * one sees (compiler, dsl, runtime-cpu, runtime-tpu, runtime-reference, spark, examples): a
 * change that crosses one fails the build. There are no listed exceptions.
 */
class ArchitectureTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.ann4j");
    }

    @Test
    void theCompilerNeverReachesTheDslOrABackend() {
        noClasses().that().resideInAPackage("io.ann4j.compiler..")
                .should().dependOnClassesThat().resideInAnyPackage("io.ann4j.dsl..", "io.ann4j.runtime..", "io.ann4j.spark..",
                        "io.ann4j.cli..")
                .check(classes);
    }

    @Test
    void theDslNamesNoBackend() {
        noClasses().that().resideInAPackage("io.ann4j.dsl..")
                .should().dependOnClassesThat().resideInAnyPackage("io.ann4j.runtime..", "io.ann4j.spark..", "io.ann4j.cli..")
                .check(classes);
    }

    /** The backends on this module's class path: cpu, tpu and reference. */
    private static final String[] BACKENDS = {"io.ann4j.runtime.cpu..", "io.ann4j.runtime.tpu..", "io.ann4j.runtime.reference.."};

    @Test
    void noBackendReachesAnother() {
        for (String backend : BACKENDS) {
            String[] others = java.util.Arrays.stream(BACKENDS).filter(b -> !b.equals(backend)).toArray(String[]::new);
            noClasses().that().resideInAPackage(backend)
                    .should().dependOnClassesThat().resideInAnyPackage(others)
                    .because("a backend depends on the compiler's SPI and shared support code, not on another backend")
                    .check(classes);
        }
    }

    @Test
    void everyBackendIsOnTheClassPathThisTestChecks() {
        for (String backend : BACKENDS) {
            String pkg = backend.substring(0, backend.length() - 2);
            org.junit.jupiter.api.Assertions.assertTrue(classes.containPackage(pkg),
                    pkg + " is not on the class path: the rules above would pass without checking it");
        }
    }

    @Test
    void examplesUseThePublicApi() {
        noClasses().that().resideInAPackage("io.ann4j.examples..")
                .should().dependOnClassesThat().resideInAnyPackage("io.ann4j.compiler..", "io.ann4j.runtime..")
                .because("examples show what a user writes: the dsl and spark APIs")
                .check(classes);
    }

    @Test
    void sparkNeverReachesIntoABackend() {
        noClasses().that().resideInAPackage("io.ann4j.spark..")
                .should().dependOnClassesThat().resideInAPackage("io.ann4j.runtime..")
                .check(classes);
    }
}
