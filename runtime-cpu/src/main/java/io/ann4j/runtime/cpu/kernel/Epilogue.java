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
        return switch (e) {
            case Score x -> s;
            case ColumnVector c -> sides.columns()[c.slot()][col];
            case RowVector r -> sides.rows()[r.slot()][row];
            case Scalar k -> sides.scalars()[k.slot()];
            case Unary u -> {
                float v = eval(u.operand(), s, row, col, sides);
                yield switch (u.kind()) {
                    case NEG -> -v;
                    case SQRT -> (float) Math.sqrt(v);
                    case SQUARE -> v * v;
                    case ABS -> Math.abs(v);
                };
            }
            case Binary b -> {
                float l = eval(b.left(), s, row, col, sides);
                float r = eval(b.right(), s, row, col, sides);
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
    }

    /** Evaluates in f64 arithmetic (f64 regions). */
    static double evalDouble(Epilogue e, double s, int row, int col, SideInputs sides) {
        return switch (e) {
            case Score x -> s;
            case ColumnVector c -> sides.columnsF64()[c.slot()][col];
            case RowVector r -> sides.rowsF64()[r.slot()][row];
            case Scalar k -> sides.scalarsF64()[k.slot()];
            case Unary u -> {
                double v = evalDouble(u.operand(), s, row, col, sides);
                yield switch (u.kind()) {
                    case NEG -> -v;
                    case SQRT -> Math.sqrt(v);
                    case SQUARE -> v * v;
                    case ABS -> Math.abs(v);
                };
            }
            case Binary b -> {
                double l = evalDouble(b.left(), s, row, col, sides);
                double r = evalDouble(b.right(), s, row, col, sides);
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
    }
}
