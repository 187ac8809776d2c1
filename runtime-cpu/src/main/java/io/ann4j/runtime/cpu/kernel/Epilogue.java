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
