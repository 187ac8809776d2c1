package io.ann4j.runtime.cpu.search;

import io.ann4j.compiler.ir.Graph;
import io.ann4j.compiler.ir.Node;
import io.ann4j.compiler.ir.Value;
import io.ann4j.compiler.ops.ApproxTopK;
import io.ann4j.compiler.ops.BinaryOp;
import io.ann4j.compiler.ops.BroadcastInDim;
import io.ann4j.compiler.ops.DotGeneral;
import io.ann4j.compiler.ops.Op;
import io.ann4j.compiler.ops.TopK;
import io.ann4j.compiler.ops.UnaryOp;
import io.ann4j.runtime.cpu.kernel.Epilogue;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the CPU runs for a fused region: which region inputs are the product's operands (and
 * their gemm transpose flags), the epilogue over the scores, which inputs feed its column, row
 * and scalar slots, and the reduction.
 */
public record RegionPlan(int lhsInput, boolean transA, int rhsInput, boolean transB, int depth,
                         Epilogue epilogue, List<Integer> columnInputs, List<Integer> rowInputs,
                         List<Integer> scalarInputs, Op reduction) {

    /** Analyses a region made by {@link io.ann4j.compiler.passes.Fusion}. */
    public static RegionPlan of(Graph body) {
        Map<Value, Integer> paramIndex = new HashMap<>();
        for (int i = 0; i < body.parameters().size(); i++) {
            paramIndex.put(body.parameters().get(i), i);
        }
        Map<Value, Epilogue> expr = new HashMap<>();
        List<Integer> cols = new ArrayList<>();
        List<Integer> rows = new ArrayList<>();
        List<Integer> scalars = new ArrayList<>();
        int lhs = -1;
        int rhs = -1;
        boolean transA = false;
        boolean transB = false;
        int depth = 0;
        Op reduction = null;
        for (Node n : body.nodes()) {
            switch (n.op()) {
                case DotGeneral d -> {
                    lhs = paramIndex.get(n.inputs().get(0));
                    rhs = paramIndex.get(n.inputs().get(1));
                    transA = d.lhsContracting().get(0) == 0;
                    transB = d.rhsContracting().get(0) == 1;
                    depth = n.inputs().get(0).type().dim(d.lhsContracting().get(0));
                    expr.put(n.output(), new Epilogue.Score());
                }
                case BroadcastInDim bc -> {
                    Value src = n.inputs().get(0);
                    int p = paramIndex.get(src);
                    Epilogue e;
                    if (src.type().rank() == 0 || src.type().elementCount() == 1) {
                        e = new Epilogue.Scalar(scalars.size());
                        scalars.add(p);
                    } else if (bc.broadcastDimensions().get(0) == 1) {
                        e = new Epilogue.ColumnVector(cols.size());
                        cols.add(p);
                    } else {
                        e = new Epilogue.RowVector(rows.size());
                        rows.add(p);
                    }
                    expr.put(n.output(), e);
                }
                case UnaryOp u -> expr.put(n.output(), new Epilogue.Unary(u.kind(), expr.get(n.inputs().get(0))));
                case BinaryOp b -> expr.put(n.output(), new Epilogue.Binary(b.kind(), expr.get(n.inputs().get(0)),
                        expr.get(n.inputs().get(1))));
                case ApproxTopK a -> reduction = a;
                case TopK t -> reduction = t;
                default -> throw new IllegalArgumentException("unexpected op in a fused region: " + n.op().name());
            }
        }
        Value operand = body.nodes().get(body.nodes().size() - 1).inputs().get(0);
        return new RegionPlan(lhs, transA, rhs, transB, depth, expr.get(operand), cols, rows, scalars, reduction);
    }
}
