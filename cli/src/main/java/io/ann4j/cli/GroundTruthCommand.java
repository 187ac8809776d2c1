package io.ann4j.cli;

import picocli.CommandLine.Command;

/** {@code ann4j groundtruth}: the exact top-k, for recall measurements. */
@Command(name = "groundtruth", mixinStandardHelpOptions = true,
        description = "The exact k nearest neighbours of each query (ground truth), written to --out.")
final class GroundTruthCommand extends AbstractSearchCommand {
    @Override
    double recallTarget() {
        return Double.NaN;
    }
}
