package io.ann4j.dsl;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The result of a top-k op: the values (the operand's dtype) and their i32 indices along the
 * reduction dimension. Symbolic inside a traced function, concrete in what a jitted call returns.
 */
public record TopK(Tensor values, Tensor indices) {
    /** The values' data (concrete results only). */
    public INDArray valuesArray() {
        return values.array();
    }

    /** The indices' data (concrete results only). */
    public INDArray indicesArray() {
        return indices.array();
    }
}
