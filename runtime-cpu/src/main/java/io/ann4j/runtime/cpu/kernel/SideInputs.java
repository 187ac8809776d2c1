package io.ann4j.runtime.cpu.kernel;

/**
 * The vectors and scalars an {@link Epilogue} reads, by slot: per-column, per-row, scalar; f32
 * arrays for f32 regions, f64 arrays for f64 regions (the other kind is empty).
 */
public record SideInputs(float[][] columns, float[][] rows, float[] scalars,
                         double[][] columnsF64, double[][] rowsF64, double[] scalarsF64) {
    public static final SideInputs NONE = new SideInputs(new float[0][], new float[0][], new float[0],
            new double[0][], new double[0][], new double[0]);
}
