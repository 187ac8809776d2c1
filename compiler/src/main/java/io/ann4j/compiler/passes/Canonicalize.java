package io.ann4j.compiler.passes;

import io.ann4j.compiler.ir.Dims;
import io.ann4j.compiler.ir.Graph;
import io.ann4j.compiler.ir.GraphBuilder;
import io.ann4j.compiler.ir.Node;
import io.ann4j.compiler.ir.Value;
import io.ann4j.compiler.ops.DotGeneral;
import io.ann4j.compiler.ops.Transpose;
import java.util.List;
import java.util.Map;

/**
 * Canonicalisation: drops identity transposes and folds a transpose into the dot that reads it,
 * by renumbering the dot's contracting and batch dimensions. So {@code dot(qy, transpose(db))}
 * becomes a dot contracting {@code qy}'s dimension 1 with {@code db}'s dimension 1, which gemm
 * runs with its transpose flag, and {@code db} is never copied. Two transposes in a row become
 * one (or none).
 */
public final class Canonicalize {
    private Canonicalize() {}

    public static Graph run(Graph graph) {
        Map<Value, Node> producers = graph.producers();
        Graph out = Rewriter.rewrite(graph, new Rewriter.Rule() { // a class, not a lambda: see Value.types
            @Override
            public List<Value> rewrite(Node node, List<Value> ins, GraphBuilder b, Map<Value, Value> map) {
                if (node.op() instanceof Transpose t && t.isIdentity()) {
                    return List.of(ins.get(0));
                }
                if (node.op() instanceof Transpose outer && producers.get(node.inputs().get(0)) instanceof Node inner
                        && inner.op() instanceof Transpose first) {
                    // transpose(transpose(x, p), q) = transpose(x, p o q); reverse sweeps make these pairs
                    int[] composed = new int[outer.permutation().size()];
                    for (int i = 0; i < composed.length; i++) {
                        composed[i] = first.permutation().get(outer.permutation().get(i));
                    }
                    Transpose t = new Transpose(Dims.of(composed));
                    Value x = map.get(inner.inputs().get(0));
                    return t.isIdentity() ? List.of(x) : b.add(t, List.of(x));
                }
                if (node.op() instanceof DotGeneral dot) {
                    DotGeneral folded = dot;
                    Value lhs = ins.get(0);
                    Value rhs = ins.get(1);
                    Node lp = producers.get(node.inputs().get(0));
                    if (lp != null && lp.op() instanceof Transpose t
                            && freeOrderKept(t.permutation(), folded.lhsContracting(), folded.lhsBatch())) {
                        folded = new DotGeneral(map(t.permutation(), folded.lhsContracting()), folded.rhsContracting(),
                                map(t.permutation(), folded.lhsBatch()), folded.rhsBatch());
                        lhs = map.get(lp.inputs().get(0));
                    }
                    Node rp = producers.get(node.inputs().get(1));
                    if (rp != null && rp.op() instanceof Transpose t
                            && freeOrderKept(t.permutation(), folded.rhsContracting(), folded.rhsBatch())) {
                        folded = new DotGeneral(folded.lhsContracting(), map(t.permutation(), folded.rhsContracting()),
                                folded.lhsBatch(), map(t.permutation(), folded.rhsBatch()));
                        rhs = map.get(rp.inputs().get(0));
                    }
                    if (folded != dot) {
                        return b.add(folded, List.of(lhs, rhs));
                    }
                }
                return null;
            }
        });
        return DeadCodeElimination.run(out);
    }

    private static Dims map(Dims perm, Dims axes) {
        int[] v = new int[axes.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = perm.get(axes.get(i));
        }
        return Dims.of(v);
    }

    /** Folding is exact only if the free axes keep their relative order through the permutation. */
    private static boolean freeOrderKept(Dims perm, Dims contracting, Dims batch) {
        int prev = -1;
        for (int a = 0; a < perm.size(); a++) {
            if (contracting.contains(a) || batch.contains(a)) {
                continue;
            }
            if (perm.get(a) < prev) {
                return false;
            }
            prev = perm.get(a);
        }
        return true;
    }
}
