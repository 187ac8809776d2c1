package io.ann4j.examples;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The boundaries between ann4j's modules, checked on the compiled classes of every module this
 * one sees (compiler, dsl, runtime-cpu, runtime-tpu, spark, examples): a change that crosses one
 * fails the build. The crossings that exist today are listed by class, each with why, so that a
 * new one cannot slip in beside them; removing them is issue 18's work.
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

    @Test
    void theCpuBackendNeverReachesAnotherBackend() {
        noClasses().that().resideInAPackage("io.ann4j.runtime.cpu..")
                .should().dependOnClassesThat().resideInAPackage("io.ann4j.runtime.tpu..")
                .check(classes);
    }

    @Test
    void theTpuBackendReachesTheCpuBackendOnlyWhereItDoesToday() {
        // Today's crossings: the emulator compiles each non-custom-call node with the CPU backend;
        // the PJRT check tool's CPU reference.
        noClasses().that().resideInAPackage("io.ann4j.runtime.tpu..")
                .and().doNotHaveFullyQualifiedName("io.ann4j.runtime.tpu.emulator.EmulatorExecutable")
                .and().doNotHaveFullyQualifiedName("io.ann4j.runtime.tpu.pjrt.CpuReference")
                .should().dependOnClassesThat().resideInAPackage("io.ann4j.runtime.cpu..")
                .because("a backend depends on the compiler's SPI, not on another backend (issue 18)")
                .check(classes);
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
