package io.ann4j.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code ann4j} command: search, ground truth, benchmarks and file info on the formats
 * embeddings travel in. Exit codes: 0 success, 2 bad input or usage, 1 anything else.
 *
 * <pre>
 * ann4j info sift.hdf5
 * ann4j search --db base.fvecs --queries query.fvecs --k 10 --recall 0.95 --metric l2 --out ids.ivecs
 * ann4j bench --dataset glove-100-angular.hdf5
 * </pre>
 */
@Command(name = "ann4j", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Approximate and exact nearest-neighbour search on .npy, .fvecs/.ivecs/.bvecs, .fbin/.ibin/.u8bin/.i8bin,"
                + " ann-benchmarks .hdf5 and .csv files.",
        subcommands = {InfoCommand.class, SearchCommand.class, GroundTruthCommand.class, BenchCommand.class, GenerateCommand.class,
                CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "2:bad input or usage (one line on stderr names the file and the problem)",
                "1:any other failure"})
public final class Main implements Runnable {
    /** Exit code for bad input or usage. */
    public static final int BAD_INPUT = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is missing; expected info, search, groundtruth, bench or generate");
    }

    /** Runs the command and exits with its code. */
    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command in this JVM, printing to {@code out} and {@code err}; returns the exit code. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        System.setProperty("java.awt.headless", "true");
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof CommandLine.ParameterException pe) {
                commandLine.getErr().println("ann4j: " + pe.getMessage());
                pe.getCommandLine().usage(commandLine.getErr());
                commandLine.getErr().flush();
                return BAD_INPUT;
            }
            Throwable t = e;
            while (!(t instanceof BadInputException) && t.getCause() != null) {
                t = t.getCause();
            }
            if (t instanceof BadInputException bad) {
                commandLine.getErr().println("ann4j: " + bad.getMessage());
                commandLine.getErr().flush();
                return BAD_INPUT;
            }
            commandLine.getErr().println("ann4j: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            if (Boolean.getBoolean("ann4j.debug")) {
                e.printStackTrace(commandLine.getErr());
            }
            commandLine.getErr().flush();
            return 1;
        });
        // --devices holds for one command: every backend's device count is put back after it
        java.util.Map<String, Integer> devices = new java.util.HashMap<>();
        for (String b : io.ann4j.compiler.spi.Backends.available()) {
            devices.put(b, io.ann4j.compiler.spi.Backends.get(b).devices().count());
        }
        int code;
        try {
            code = cl.execute(args);
        } finally {
            devices.forEach((b, n) -> io.ann4j.compiler.spi.Backends.get(b).devices().setCount(n));
        }
        out.flush();
        err.flush();
        return code;
    }

    /** The version, from the properties Maven fills in. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties p = new Properties();
            try (InputStream in = Main.class.getResourceAsStream("/ann4j-cli.properties")) {
                if (in != null) {
                    p.load(in);
                }
            }
            return new String[] {"ann4j " + p.getProperty("version", "(unknown version)") + " (Java " + Runtime.version() + ")"};
        }
    }
}
