package io.ann4j.dsl;

import java.util.Arrays;

/**
 * {@code jax.pmap}'s arguments: {@code inAxes} (one per argument; {@code null} broadcasts the
 * argument to every device, JAX's {@code None}), {@code outAxes} (where each output stacks the
 * devices; one value applies to all outputs) and {@code staticArgnums} (JAX's
 * {@code static_broadcasted_argnums}: Java values, not tensors), and the {@link JitConfig} the
 * per-device function compiles with.
 */
public record PmapSpec(Integer[] inAxes, int[] outAxes, int[] staticArgnums, JitConfig config) {

    /** Every argument mapped along axis 0, outputs stacked along axis 0. */
    public static PmapSpec defaults() {
        return new PmapSpec(null, new int[] {0}, new int[0], JitConfig.defaults());
    }

    /** One in-axis per argument ({@code null}: not mapped). */
    public static PmapSpec inAxes(Integer... axes) {
        return new PmapSpec(axes.clone(), new int[] {0}, new int[0], JitConfig.defaults());
    }

    public PmapSpec outAxes(int... axes) {
        return new PmapSpec(inAxes, axes.clone(), staticArgnums, config);
    }

    public PmapSpec staticArgnums(int... positions) {
        return new PmapSpec(inAxes, outAxes, positions.clone(), config);
    }

    /** How the per-device function is compiled (its backend and options). */
    public PmapSpec withConfig(JitConfig jitConfig) {
        return new PmapSpec(inAxes, outAxes, staticArgnums, jitConfig);
    }

    boolean isStatic(int position) {
        return Arrays.stream(staticArgnums).anyMatch(p -> p == position);
    }

    Integer[] inAxesFor(int arity) {
        if (inAxes == null) {
            Integer[] all = new Integer[arity];
            Arrays.fill(all, 0);
            for (int p : staticArgnums) {
                all[p] = null;
            }
            return all;
        }
        if (inAxes.length != arity) {
            throw new IllegalArgumentException("pmap: " + inAxes.length + " in_axes for " + arity + " arguments");
        }
        return inAxes;
    }

    int[] outAxesFor(int outputs) {
        if (outAxes.length == 1) {
            int[] all = new int[outputs];
            Arrays.fill(all, outAxes[0]);
            return all;
        }
        if (outAxes.length != outputs) {
            throw new IllegalArgumentException("pmap: " + outAxes.length + " out_axes for " + outputs + " outputs");
        }
        return outAxes;
    }
}
