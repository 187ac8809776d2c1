package io.ann4j.runtime.tpu.stablehlo;

import io.ann4j.compiler.ir.DType;
import io.ann4j.compiler.ir.Dims;
import io.ann4j.compiler.ir.TensorType;
import java.util.Locale;

/** How IR types and constants are spelled in StableHLO's textual form. */
final class StableHloTypes {
    private StableHloTypes() {}

    static String element(DType t) {
        return switch (t) {
            case F32 -> "f32";
            case F64 -> "f64";
            case F16 -> "f16";
            case BF16 -> "bf16";
            case I32 -> "i32";
        };
    }

    /** {@code tensor<200x128xf32>}; a scalar is {@code tensor<f32>}. */
    static String tensor(TensorType t) {
        StringBuilder sb = new StringBuilder("tensor<");
        for (int i = 0; i < t.rank(); i++) {
            sb.append(t.dim(i)).append('x');
        }
        return sb.append(element(t.dtype())).append('>').toString();
    }

    static String scalar(DType t) {
        return "tensor<" + element(t) + ">";
    }

    /** {@code [1, 0]}. */
    static String list(Dims d) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < d.size(); i++) {
            sb.append(i > 0 ? ", " : "").append(d.get(i));
        }
        return sb.append(']').toString();
    }

    /**
     * A scalar literal of {@code t}: integers as they are; floats as their shortest decimal,
     * and non-finite values by their bit pattern, as MLIR prints them ({@code 0xFF800000}).
     */
    static String literal(double value, DType t) {
        if (t == DType.I32) {
            return Long.toString((long) value);
        }
        if (!Double.isFinite(value)) {
            return switch (t) {
                case F64 -> String.format(Locale.ROOT, "0x%016X", Double.doubleToRawLongBits(value));
                case F16 -> String.format(Locale.ROOT, "0x%04X", Float.floatToFloat16((float) value) & 0xffff);
                case BF16 -> String.format(Locale.ROOT, "0x%04X", io.ann4j.compiler.ir.Bf16.fromFloat((float) value) & 0xffff);
                default -> String.format(Locale.ROOT, "0x%08X", Float.floatToRawIntBits((float) value));
            };
        }
        // A half constant is printed as the value it holds: rounded to nearest even, as JAX converts
        // a Python float (bf16 is not truncated).
        float f = switch (t) {
            case BF16 -> io.ann4j.compiler.ir.Bf16.toFloat(
                    io.ann4j.compiler.ir.Bf16.fromFloat((float) value));
            case F16 -> Float.float16ToFloat(Float.floatToFloat16((float) value));
            default -> (float) value;
        };
        String s = t == DType.F64 ? Double.toString(value) : Float.toString(f);
        return s.replace("E", "e");
    }

    /** An f32 attribute as MLIR prints it (nine significant digits): {@code 0.949999988}. */
    static String f32Attribute(float v) {
        if (v == Math.rint(v)) {
            return String.format(Locale.ROOT, "%.6e", v);
        }
        String s = String.format(Locale.ROOT, "%.9g", (double) v);
        return s.contains("e") ? s : s.replaceAll("0+$", "");
    }
}
