package io.ann4j.conformance;

import io.ann4j.dsl.*;

import static io.ann4j.dsl.Ops.approxMaxK;
import static io.ann4j.dsl.Ops.dot;
import static io.ann4j.dsl.Ops.sum;
import static io.ann4j.dsl.Ops.topK;
import static io.ann4j.dsl.Ops.transpose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Results as plain Java arrays: the accessors agree with the ND4J data, row by row. */
class PlainArraysTest {

    @Property(tries = 20)
    void topKMatricesHoldTheArraysRowByRow(@ForAll @IntRange(min = 1, max = 40) int q, @ForAll @IntRange(min = 1, max = 9) int k,
                                           @ForAll @IntRange(min = 0, max = 1000) int seed) {
        Nd4j.getRandom().setSeed(seed);
        INDArray scores = Nd4j.rand(DataType.FLOAT, q, 50);
        TopK r = Jit.jit((Tensor s) -> topK(s, k)).call(scores);
        int[][] ix = r.indicesMatrix();
        float[][] v = r.valuesMatrix();
        double[][] v64 = r.valuesMatrixF64();
        assertEquals(q, ix.length);
        for (int i = 0; i < q; i++) {
            assertEquals(k, ix[i].length);
            for (int j = 0; j < k; j++) {
                assertEquals(r.indicesArray().getInt(i, j), ix[i][j]);
                assertEquals(r.valuesArray().getFloat(i, j), v[i][j]);
                assertEquals(scores.getFloat(i, ix[i][j]), v[i][j], "the value at its index");
                assertEquals(v[i][j], (float) v64[i][j]);
            }
        }
    }

    @Test
    void f64ValuesKeepTheirPrecisionInTheF64Accessor() {
        INDArray scores = Nd4j.create(new double[][] {{1.0 + 1e-12, 3.0, 2.0}});
        TopK r = Jit.jit((Tensor s) -> topK(s, 2)).call(scores);
        assertArrayEquals(new double[] {3.0, 2.0}, r.valuesMatrixF64()[0]);
        assertArrayEquals(new int[] {1, 2}, r.indicesMatrix()[0]);
    }

    @Test
    void otherRanksAndSymbolicResultsAreRefusedWithTheShape() {
        TopK r3 = Jit.jit((Tensor s) -> topK(s, 2)).call(Nd4j.rand(DataType.FLOAT, 2, 3, 5));
        IllegalStateException e = assertThrows(IllegalStateException.class, r3::indicesMatrix);
        assertTrue(e.getMessage().contains("TopK.indicesMatrix") && e.getMessage().contains("[2, 3, 2]")
                && e.getMessage().contains("expected rank 2"), e.getMessage());
        IllegalStateException symbolic = assertThrows(IllegalStateException.class, () -> Jit.jit((Tensor s) -> {
            topK(s, 2).valuesMatrix();
            return s;
        }).call(new float[][] {{1, 2, 3}}));
        assertTrue(symbolic.getMessage().contains("symbolic"), symbolic.getMessage());
    }

    @Test
    void rowSparseGradientsAsPlainArrays() {
        float[][] qy = {{1, 0}, {0, 1}};
        float[][] db = {{5, 0}, {0, 4}, {1, 1}};
        var f = Autodiff.valueAndGradRowSparse((Tensor q, Tensor d) -> sum(approxMaxK(dot(q, transpose(d)), 1).values()),
                new int[] {1}, 1);
        RowSparseGradient g = f.apply(Tensor.of(qy), Tensor.of(db)).sparse(0);
        int[] ids = g.rowIds();
        float[][] rows = g.updatesMatrix();
        assertEquals(ids.length, rows.length);
        // d/d(db row i) of the selected score q . db_i is q: row 0 for query 0, row 1 for query 1
        for (int i = 0; i < ids.length; i++) {
            assertArrayEquals(qy[ids[i]], rows[i], "the gradient of row " + ids[i]);
        }
        assertEquals(java.util.Set.of(0, 1), java.util.Arrays.stream(ids).boxed().collect(java.util.stream.Collectors.toSet()));
    }
}
