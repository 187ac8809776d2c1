package io.ann4j.runtime.cpu.kernel;

import io.ann4j.runtime.cpu.select.RowBins;
import io.ann4j.runtime.cpu.select.RowTopK;
import io.ann4j.compiler.ops.TotalOrder;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The scalar twin of the generated kernels: the same epilogue and selection, one element at a
 * time, by interpretation. Runs f64 regions (keys are then f64 keys; bins mode is f32-only and
 * falls back to thresholds upstream) and checks the SIMD kernels in tests.
 */
public final class ScalarScanner implements TileScanner {
    private final Epilogue epilogue;
    private final boolean isMax;
    private final boolean f64;
    private final boolean int32;

    public ScalarScanner(Epilogue epilogue, boolean isMax, boolean f64) {
        this.epilogue = epilogue;
        this.isMax = isMax;
        this.f64 = f64;
        this.int32 = Epilogue.readsInt32(epilogue);
    }

    @Override
    public void threshold(MemorySegment tile, long ld, int rows, int cols, int row0, int stateRow0, int col0,
                          SideInputs sides, RowTopK state) {
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                long at = r * ld + c;
                long key;
                if (f64) {
                    double s = tile.getAtIndex(ValueLayout.JAVA_DOUBLE, at);
                    key = TotalOrder.selectKey(Epilogue.evalDouble(epilogue, s, row0 + r, col0 + c, sides), isMax);
                } else {
                    float s = int32 ? (float) tile.getAtIndex(ValueLayout.JAVA_INT, at)
                            : tile.getAtIndex(ValueLayout.JAVA_FLOAT, at);
                    key = TotalOrder.selectKey(Epilogue.eval(epilogue, s, row0 + r, col0 + c, sides), isMax);
                }
                if (key >= state.thresholdLong(stateRow0 + r)) {
                    state.offer(stateRow0 + r, key, col0 + c);
                }
            }
        }
    }

    @Override
    public void bins(MemorySegment tile, long ld, int rows, int cols, int row0, int stateRow0, int col0,
                     SideInputs sides, RowBins state) {
        if (f64) {
            throw new IllegalStateException("bins run on f32 scores only");
        }
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                float s = int32 ? (float) tile.getAtIndex(ValueLayout.JAVA_INT, r * ld + c)
                        : tile.getAtIndex(ValueLayout.JAVA_FLOAT, r * ld + c);
                int key = TotalOrder.selectKey(Epilogue.eval(epilogue, s, row0 + r, col0 + c, sides), isMax);
                state.offer(stateRow0 + r, key, col0 + c);
            }
        }
    }
}
