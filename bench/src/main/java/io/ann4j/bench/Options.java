package io.ann4j.bench;

import java.nio.file.Path;

/** The bench's command line. */
final class Options {
    static final String USAGE = """
            usage: bench/run [--quick] [--int8] [--json FILE] [--runs N]
                   bench/run --store [--quick] [--json FILE]   (the embedding stores: N=100,000 and 1,000,000, D=384; 100,000 with --quick)
                   bench/run --calibrate [--db REAL.npy --queries HELD_OUT.npy] [--json FILE]
                   bench/run --db DB.npy --queries Q.npy [--k K] [--recall R] [--metric ip|l2|cosine] [--out I.npy] [--json FILE]""";

    boolean quick;
    /** Only the recall-buys-speed rows (int8 scoring with exact re-ranking) and their targets. */
    boolean int8Only;
    /** Only the LangChain4j store's rows. */
    boolean storeOnly;
    Path json;
    int runs = 5;
    String db = "";
    String queries = "";
    int k = BenchMain.K;
    double recall = BenchMain.RECALL;
    String metric = "ip";
    String out;

    static Options parse(String[] args) {
        Options o = new Options();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--quick" -> o.quick = true;
                case "--int8" -> o.int8Only = true;
                case "--store" -> o.storeOnly = true;
                case "--json" -> o.json = Path.of(value(args, ++i, a));
                case "--runs" -> o.runs = positive(value(args, ++i, a), a);
                case "--db" -> o.db = value(args, ++i, a);
                case "--queries" -> o.queries = value(args, ++i, a);
                case "--k" -> o.k = positive(value(args, ++i, a), a);
                case "--recall" -> {
                    o.recall = Double.parseDouble(value(args, ++i, a));
                    if (!(o.recall > 0 && o.recall <= 1)) {
                        throw new IllegalArgumentException("--recall must be in (0, 1], got " + o.recall);
                    }
                }
                case "--metric" -> {
                    o.metric = value(args, ++i, a);
                    if (!o.metric.matches("ip|l2|cosine")) {
                        throw new IllegalArgumentException("--metric must be ip, l2 or cosine, got '" + o.metric + "'");
                    }
                }
                case "--out" -> o.out = value(args, ++i, a);
                case "-h", "--help" -> throw new IllegalArgumentException("help");
                default -> throw new IllegalArgumentException("unknown option '" + a + "'");
            }
        }
        if (o.db.isEmpty() != o.queries.isEmpty()) {
            throw new IllegalArgumentException("--db and --queries go together");
        }
        if (o.out != null && o.db.isEmpty()) {
            throw new IllegalArgumentException("--out needs --db and --queries");
        }
        return o;
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static int positive(String v, String option) {
        try {
            int n = Integer.parseInt(v);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(option + " must be a positive integer, got '" + v + "'");
    }
}
