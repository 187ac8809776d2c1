package io.ann4j.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ann4j search}: the approximate top-k of each query. */
@Command(name = "search", mixinStandardHelpOptions = true,
        description = "Approximate k nearest neighbours of each query in the database, written to --out.")
final class SearchCommand extends AbstractSearchCommand {
    @Option(names = "--recall", defaultValue = "0.95", paramLabel = "R",
            description = "Recall target in (0, 1] (default: ${DEFAULT-VALUE}).")
    double recall;

    @Option(names = "--dtype", defaultValue = "f32", paramLabel = "f32|bf16|f16",
            description = "The database's dtype for the search, converted once after reading (default: ${DEFAULT-VALUE}).")
    String dtype;

    @Override
    double recallTarget() {
        // NaN stands for "exact" inside the commands (ground-truth passes it): from the user it is
        // a mistake, refused like any other target outside (0, 1]
        if (Double.isNaN(recall)) {
            throw new BadInputException("--recall " + recall + " is not a number; expected a target in (0, 1]");
        }
        return recall;
    }

    @Override
    org.nd4j.linalg.api.buffer.DataType dtype() {
        return SearchOptions.dtype(dtype);
    }
}
