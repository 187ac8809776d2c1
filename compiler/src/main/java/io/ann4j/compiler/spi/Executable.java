package io.ann4j.compiler.spi;

import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/** A compiled graph. Thread-safe: many threads may run one executable at once. */
public interface Executable {
    /**
     * Runs on inputs of the graph's parameter types (c-order arrays of the declared dtypes) and
     * returns the results in the graph's result types. Inputs are never modified.
     */
    List<INDArray> execute(List<INDArray> inputs);
}
