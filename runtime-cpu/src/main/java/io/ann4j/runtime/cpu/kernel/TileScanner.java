package io.ann4j.runtime.cpu.kernel;

import io.ann4j.runtime.cpu.select.RowBins;
import io.ann4j.runtime.cpu.select.RowTopK;
import java.lang.foreign.MemorySegment;

/**
 * A kernel that applies a region's {@link Epilogue} to a tile of scores while it is in cache and
 * feeds the results to the selection state. Generated per epilogue (see {@link KernelGenerator})
 * with a scalar twin ({@link ScalarScanner}) for f64 and for differential tests.
 *
 * <p>The tile holds {@code rows x cols} elements at {@code tile[r * ld + c]}; its element (r, c)
 * is the score of global row {@code row0 + r} and global column {@code col0 + c}; the selection
 * state's row for it is {@code stateRow0 + r}. Columns are visited in increasing order.
 */
public interface TileScanner {
    void threshold(MemorySegment tile, long ld, int rows, int cols, int row0, int stateRow0, int col0,
                   SideInputs sides, RowTopK state);

    /** Bins mode; {@code col0} must be a multiple of the vector length. */
    void bins(MemorySegment tile, long ld, int rows, int cols, int row0, int stateRow0, int col0,
              SideInputs sides, RowBins state);
}
