package io.ann4j.spark.ml;

import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The embedding column of a table: {@code array<float>}, {@code array<double>} or an ML
 * {@code Vector}; checked against the schema before any job runs, read row by row on executors.
 */
final class VectorColumn {
    private VectorColumn() {}

    /**
     * Checks that {@code schema} has {@code column} of a vector type and {@code idColumn}.
     *
     * @param what "items" or "queries", for the message
     */
    static void check(String op, String what, StructType schema, String column, String idColumn) {
        List<String> names = Arrays.asList(schema.fieldNames());
        if (!names.contains(column)) {
            throw new IllegalArgumentException(op + ": the " + what + " have no column '" + column + "' (inputCol); columns: "
                    + schema.simpleString());
        }
        if (!names.contains(idColumn)) {
            throw new IllegalArgumentException(op + ": the " + what + " have no column '" + idColumn + "' (idCol); columns: "
                    + schema.simpleString());
        }
        DataType t = schema.apply(column).dataType();
        if (!isVector(t)) {
            throw new IllegalArgumentException(op + ": column '" + column + "' of the " + what + " must be array<float>, "
                    + "array<double> or an ML Vector, got " + t.simpleString());
        }
    }

    static boolean isVector(DataType t) {
        return t instanceof VectorUDT || t instanceof ArrayType a
                && (a.elementType().equals(DataTypes.FloatType) || a.elementType().equals(DataTypes.DoubleType));
    }

    /** The id column's field (its type carries over to the output). */
    static StructField idField(StructType schema, String idColumn) {
        return schema.apply(idColumn);
    }

    /**
     * Field {@code at} of {@code row} as floats, or an error naming the row's id and the problem.
     *
     * @param what "item" or "query", for the message
     */
    static float[] read(Row row, int at, Object id, String what) {
        if (row.isNullAt(at)) {
            throw new IllegalArgumentException("nearest neighbours: the vector of " + what + " " + id + " is null");
        }
        Object v = row.get(at);
        float[] out;
        if (v instanceof Vector vec) {
            double[] d = vec.toArray();
            out = new float[d.length];
            for (int i = 0; i < d.length; i++) {
                out[i] = (float) d[i];
            }
        } else {
            List<Object> values = row.getList(at);
            out = new float[values.size()];
            for (int i = 0; i < out.length; i++) {
                Object x = values.get(i);
                if (x == null) {
                    throw new IllegalArgumentException("nearest neighbours: element " + i + " of the vector of " + what + " "
                            + id + " is null");
                }
                out[i] = ((Number) x).floatValue();
            }
        }
        if (out.length == 0) {
            throw new IllegalArgumentException("nearest neighbours: the vector of " + what + " " + id + " is empty");
        }
        for (int i = 0; i < out.length; i++) {
            if (!Float.isFinite(out[i])) {
                throw new IllegalArgumentException("nearest neighbours: element " + i + " of the vector of " + what + " " + id
                        + " is " + out[i] + "; vectors must be finite");
            }
        }
        return out;
    }
}
