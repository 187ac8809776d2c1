package io.ann4j.runtime.cpu.kernel;

import io.ann4j.compiler.ops.BinaryOp;
import io.ann4j.compiler.ops.UnaryOp;

/**
 * The elementwise expression a fused region applies to each score before selecting: a tree over
 * the score, per-column vectors (e.g. half squared norms of the database), per-row vectors and
 * scalars. Its {@code toString} is part of the generated kernel's cache key.
 */
public sealed interface Epilogue {
    /** The dot product's value at (row, column). */
    record Score() implements Epilogue {
        @Override
        public String toString() {
            return "s";
        }
    }

    /**
     * The product at (row, column) when the tile holds s32 integers (an int8 search's products),
     * converted to f32; the kernel reads the tile as s32. {@link #int8Scores} builds it into the
     * approximate score.
     */
    record Int32Score() implements Epilogue {
        @Override
        public String toString() {
            return "i";
        }
    }

    /** {@code cols[slot][column]}. */
    record ColumnVector(int slot) implements Epilogue {
        @Override
        public String toString() {
            return "col" + slot;
        }
    }

    /** {@code rows[slot][row]}. */
    record RowVector(int slot) implements Epilogue {
        @Override
        public String toString() {
            return "row" + slot;
        }
    }

    /** {@code scalars[slot]}. */
    record Scalar(int slot) implements Epilogue {
        @Override
        public String toString() {
            return "k" + slot;
        }
    }

    record Unary(UnaryOp.Kind kind, Epilogue operand) implements Epilogue {
        @Override
        public String toString() {
            return kind.name().toLowerCase(java.util.Locale.ROOT) + "(" + operand + ")";
        }
    }

    record Binary(BinaryOp.Kind kind, Epilogue left, Epilogue right) implements Epilogue {
        @Override
        public String toString() {
            return kind.name().toLowerCase(java.util.Locale.ROOT) + "(" + left + "," + right + ")";
        }
    }

    /**
     * The approximate score of an int8 search in place of the product: {@code (i * a[col] - b[col])
     * * q[row]}, where {@code i} is the s32 product of u8 query codes and s8 database codes,
     * {@code a} the database rows' scales, {@code b} their scales times the compensation of the
     * queries' +128, and {@code q} the queries' scales. The dequantization happens in the scan, on
     * the values it loads anyway, instead of in a pass of its own over the tile.
     *
     * @param rowScaleSlot    the column slot of {@code a}
     * @param offsetSlot      the column slot of {@code b}
     * @param queryScaleSlot  the row slot of {@code q}
     */
    public static Epilogue int8Scores(Epilogue e, int rowScaleSlot, int offsetSlot, int queryScaleSlot) {
        return switch (e) {
            case Score x -> new Binary(BinaryOp.Kind.MUL, new Binary(BinaryOp.Kind.SUB,
                    new Binary(BinaryOp.Kind.MUL, new Int32Score(), new ColumnVector(rowScaleSlot)),
                    new ColumnVector(offsetSlot)), new RowVector(queryScaleSlot));
            case Unary u -> new Unary(u.kind(), int8Scores(u.operand(), rowScaleSlot, offsetSlot, queryScaleSlot));
            case Binary b -> new Binary(b.kind(), int8Scores(b.left(), rowScaleSlot, offsetSlot, queryScaleSlot),
                    int8Scores(b.right(), rowScaleSlot, offsetSlot, queryScaleSlot));
            case Int32Score x -> throw new IllegalArgumentException("already an int8 epilogue: " + e);
            default -> e;
        };
    }

    /** Whether the tile holds s32 products ({@link Int32Score}) rather than f32 scores. */
    public static boolean readsInt32(Epilogue e) {
        return switch (e) {
            case Int32Score x -> true;
            case Unary u -> readsInt32(u.operand());
            case Binary b -> readsInt32(b.left()) || readsInt32(b.right());
            default -> false;
        };
    }

    /** Evaluates in f32 arithmetic (the scalar twin of the generated code). */
    static float eval(Epilogue e, float s, int row, int col, SideInputs sides) {
        return (float) eval(e, s, row, col, sides, true);
    }

    /** Evaluates in f64 arithmetic (f64 regions). */
    static double evalDouble(Epilogue e, double s, int row, int col, SideInputs sides) {
        return eval(e, s, row, col, sides, false);
    }

    /**
     * One evaluator for both widths: in f32 mode every intermediate is rounded to float, which
     * gives exactly float arithmetic (+, -, *, / and sqrt computed in double and rounded once are
     * correctly rounded floats), so the scalar twin matches the SIMD kernels bit for bit.
     */
    private static double eval(Epilogue e, double s, int row, int col, SideInputs sides, boolean f32) {
        double v = switch (e) {
            case Score x -> s;
            case Int32Score x -> s;
            case ColumnVector c -> f32 ? sides.columns()[c.slot()][col] : sides.columnsF64()[c.slot()][col];
            case RowVector r -> f32 ? sides.rows()[r.slot()][row] : sides.rowsF64()[r.slot()][row];
            case Scalar k -> f32 ? sides.scalars()[k.slot()] : sides.scalarsF64()[k.slot()];
            case Unary u -> {
                double x = eval(u.operand(), s, row, col, sides, f32);
                yield switch (u.kind()) {
                    case NEG -> -x;
                    case SQRT -> Math.sqrt(x);
                    case SQUARE -> x * x;
                    case ABS -> Math.abs(x);
                    case EXP -> Math.exp(x);
                    case LOG -> Math.log(x);
                    case SIGN -> Math.signum(x);
                };
            }
            case Binary b -> {
                double l = eval(b.left(), s, row, col, sides, f32);
                double r = eval(b.right(), s, row, col, sides, f32);
                yield switch (b.kind()) {
                    case ADD -> l + r;
                    case SUB -> l - r;
                    case MUL -> l * r;
                    case DIV -> l / r;
                    case MAX -> Math.max(l, r);
                    case MIN -> Math.min(l, r);
                };
            }
        };
        return f32 ? (float) v : v;
    }
}
