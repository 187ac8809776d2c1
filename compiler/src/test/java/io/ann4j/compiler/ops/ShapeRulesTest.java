package io.ann4j.compiler.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ann4j.compiler.ir.DType;
import io.ann4j.compiler.ir.Dims;
import io.ann4j.compiler.ir.GraphBuilder;
import io.ann4j.compiler.ir.ShapeError;
import io.ann4j.compiler.ir.TensorType;
import io.ann4j.compiler.ir.Value;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every op's shape rule: the types it infers, and the {@link ShapeError} it raises at trace time,
 * whose message names the op and the shapes involved.
 */
class ShapeRulesTest {

    static TensorType f32(int... shape) {
        return TensorType.of(DType.F32, shape);
    }

    static TensorType i32(int... shape) {
        return TensorType.of(DType.I32, shape);
    }

    static List<TensorType> infer(Op op, TensorType... inputs) {
        return op.inferTypes(List.of(inputs));
    }

    /** Asserts the rule fails, that the message starts with the op's name and contains each fragment. */
    static ShapeError fails(Op op, List<TensorType> inputs, String... fragments) {
        ShapeError e = assertThrows(ShapeError.class, () -> op.inferTypes(inputs),
                () -> op + " accepted " + inputs);
        String msg = e.getMessage();
        assertTrue(msg.startsWith(op.name() + ": "), () -> "message does not start with the op name '" + op.name() + "': " + msg);
        for (String f : fragments) {
            assertTrue(msg.contains(f), () -> "message lacks '" + f + "': " + msg);
        }
        return e;
    }

    static ShapeError fails(Op op, TensorType input, String... fragments) {
        return fails(op, List.of(input), fragments);
    }

    static ShapeError fails(Op op, TensorType a, TensorType b, String... fragments) {
        return fails(op, List.of(a, b), fragments);
    }

    @Nested
    class ApproxTopKRule {
        final TensorType scores = f32(200, 500);

        ApproxTopK maxK(int k) {
            return new ApproxTopK(ApproxTopKParams.defaults(k, true));
        }

        ApproxTopK with(int k, int dim, float recall, boolean max, long override, boolean aggregate) {
            return new ApproxTopK(new ApproxTopKParams(k, dim, recall, max, override, aggregate));
        }

        @Test
        void keepsTheDtypeAndReturnsI32IndicesOfKAlongTheLastDimension() {
            assertEquals(List.of(f32(200, 10), i32(200, 10)), infer(maxK(10), scores));
        }

        @Test
        void reducesTheChosenDimension() {
            assertEquals(List.of(f32(7, 500), i32(7, 500)), infer(with(7, 0, 0.95f, false, -1, true), scores));
            assertEquals(List.of(f32(3, 500), i32(3, 500)), infer(with(3, -2, 0.95f, true, -1, true), scores));
            TensorType bf16 = TensorType.of(DType.BF16, 3, 7);
            assertEquals(List.of(TensorType.of(DType.BF16, 3, 3), i32(3, 3)), infer(maxK(3), bf16));
        }

        @Test
        void withoutAggregationTheDimensionBecomesXlasOutputSize() {
            // N=500, k=10, r=.95, rank 2: 256 (see ApproxTopKShapeTest).
            assertEquals(List.of(f32(200, 256), i32(200, 256)), infer(with(10, 1, 0.95f, true, -1, false), scores));
            // N <= 128: no reduction.
            assertEquals(List.of(f32(500, 100), i32(500, 100)), infer(with(10, 1, 0.95f, true, -1, false), f32(500, 100)));
        }

        @Test
        void namesTheMinVariantInItsErrors() {
            fails(with(0, -1, 0.95f, false, -1, true), scores, "approxMinK", "f32[200,500]");
        }

        @ParameterizedTest
        @ValueSource(ints = {0, -1})
        void kMustBePositive(int k) {
            fails(maxK(k), scores, "approxMaxK", "k must be positive", "f32[200,500]");
        }

        @Test
        void kMustNotExceedTheReducedSize() {
            fails(maxK(501), scores, "approxMaxK", "501", "500", "f32[200,500]");
            fails(with(201, 0, 0.95f, true, -1, true), scores, "approxMaxK", "201", "f32[200,500]");
        }

        @Test
        void kEqualToTheReducedSizeIsAccepted() {
            assertEquals(List.of(f32(200, 500), i32(200, 500)), infer(maxK(500), scores));
        }

        @Test
        void operandMustBeFloating() {
            fails(maxK(10), i32(200, 500), "approxMaxK", "floating", "i32[200,500]");
        }

        @Test
        void operandMustHaveADimension() {
            fails(maxK(1), f32(), "approxMaxK", "f32[]");
        }

        @ParameterizedTest
        @ValueSource(ints = {2, 3, -3, -100})
        void reductionDimensionMustBeInRange(int dim) {
            fails(with(10, dim, 0.95f, true, -1, true), scores, "approxMaxK", "reductionDimension " + dim, "f32[200,500]");
        }

        /** NaN passes XLA's range check (both comparisons are false): N=500, k=10 keeps 256, as XLA computes. */
        @Test
        void nanRecallGoesThroughXlasArithmetic() {
            assertEquals(List.of(f32(200, 256), i32(200, 256)), infer(with(10, -1, Float.NaN, true, -1, false), scores));
        }

        @ParameterizedTest
        @ValueSource(floats = {0f, 1.5f, -0.1f, Float.NEGATIVE_INFINITY})
        void recallMustBeInZeroOne(float recall) {
            fails(with(10, -1, recall, true, -1, false), scores, "approxMaxK", "recall_target should range in (0,1]", "f32[200,500]");
        }

        /** XLA's size function returns before it reads the recall: JAX accepts these, with its output sizes. */
        @ParameterizedTest
        @ValueSource(floats = {0f, 1.5f, -0.1f, Float.NaN})
        void recallOutsideZeroOneIsAcceptedWhereXlaNeverReadsIt(float recall) {
            // aggregateToTopk: the output is k
            assertEquals(List.of(f32(200, 10), i32(200, 10)), infer(with(10, -1, recall, true, -1, true), scores));
            // k = 1 over 500 > 128: T = 128 results (log2 ceil(500/128) = 2 bins per result)
            assertEquals(List.of(f32(200, 128), i32(200, 128)), infer(with(1, -1, recall, true, -1, false), scores));
        }

        @Test
        void kEqualToTheSizeIsAcceptedAndOneMoreSaysAtMost() {
            assertEquals(List.of(f32(200, 500), i32(200, 500)), infer(with(500, -1, 0.95f, true, -1, true), scores));
            fails(maxK(501), scores, "approxMaxK", "k must be at most the size of reduction_dim 500, got 501", "f32[200,500]");
        }

        /** XLA treats every negative override as none. */
        @ParameterizedTest
        @ValueSource(longs = {-1, -2, -1000, Long.MIN_VALUE})
        void anyNegativeOverrideMeansNone(long override) {
            // N=500, k=10, r=0.95: 256 results (the semantics' N=500 case)
            assertEquals(List.of(f32(200, 256), i32(200, 256)), infer(with(10, -1, 0.95f, true, override, false), scores));
        }

        /** N <= 128 returns N before XLA compares the override; aggregateToTopk returns k before either. */
        @Test
        void overrideBelowTheSizeIsAcceptedWhereXlaNeverReadsIt() {
            assertEquals(List.of(f32(3, 100), i32(3, 100)), infer(with(10, -1, 0.95f, true, 50, false), f32(3, 100)));
            assertEquals(List.of(f32(200, 10), i32(200, 10)), infer(with(10, -1, 0.95f, true, 499, true), scores));
        }

        @Test
        void recallOneIsAccepted() {
            assertEquals(List.of(f32(200, 500), i32(200, 500)), infer(with(10, -1, 1f, true, -1, false), scores));
        }

        @Test
        void overrideMustBeAtLeastTheReducedSize() {
            fails(with(10, -1, 0.95f, true, 499, false), scores, "approxMaxK",
                    "reduction_input_size_override: 499 should be greater equals to operands[reduction_dim]: 500", "f32[200,500]");
        }

        @Test
        void overrideAtLeastTheReducedSizeIsAccepted() {
            // N=1024 override 2048 k=10 r=.9 -> 128 (the semantics' last worked case).
            assertEquals(List.of(f32(4, 128), i32(4, 128)), infer(with(10, 1, 0.9f, false, 2048, false), f32(4, 1024)));
        }

        @Test
        void takesOneOperand() {
            fails(maxK(1), List.of(scores, scores), "approxMaxK", "f32[200,500]");
        }
    }

    @Nested
    class DotGeneralRule {
        @Test
        void dotOfMatrices() {
            assertEquals(List.of(f32(200, 500)), infer(DotGeneral.dot(2), f32(200, 128), f32(128, 500)));
        }

        @Test
        void dotOfVectorAndMatrix() {
            assertEquals(List.of(f32(500)), infer(DotGeneral.dot(1), f32(128), f32(128, 500)));
        }

        @Test
        void contractingBothDimensionOneIsQyTimesDbTransposed() {
            DotGeneral d = new DotGeneral(Dims.of(1), Dims.of(1), Dims.empty(), Dims.empty());
            assertEquals(List.of(f32(200, 1000)), infer(d, f32(200, 128), f32(1000, 128)));
        }

        @Test
        void batchDimensionsComeFirstThenLhsFreeThenRhsFree() {
            DotGeneral d = new DotGeneral(Dims.of(2), Dims.of(1), Dims.of(0), Dims.of(2));
            assertEquals(List.of(f32(4, 3, 7)), infer(d, f32(4, 3, 5), f32(7, 5, 4)));
        }

        @Test
        void contractingSizesMustMatch() {
            fails(DotGeneral.dot(2), f32(200, 128), f32(64, 500), "dotGeneral", "contracting", "f32[200,128]", "f32[64,500]");
        }

        @Test
        void batchSizesMustMatch() {
            DotGeneral d = new DotGeneral(Dims.of(2), Dims.of(2), Dims.of(0), Dims.of(0));
            fails(d, f32(4, 3, 5), f32(2, 7, 5), "dotGeneral", "batch", "f32[4,3,5]", "f32[2,7,5]");
        }

        @Test
        void mixedFloatingDtypesComputeInThePromotedType() {
            assertEquals(TensorType.of(DType.F64, 2, 4),
                    DotGeneral.dot(2).inferTypes(List.of(f32(2, 3), TensorType.of(DType.F64, 3, 4))).get(0));
            assertEquals(TensorType.of(DType.F32, 2, 4),
                    DotGeneral.dot(2).inferTypes(List.of(f32(2, 3), TensorType.of(DType.BF16, 3, 4))).get(0));
            assertEquals(TensorType.of(DType.F32, 2, 4), DotGeneral.dot(2)
                    .inferTypes(List.of(TensorType.of(DType.F16, 2, 3), TensorType.of(DType.BF16, 3, 4))).get(0));
            assertEquals(TensorType.of(DType.BF16, 2, 4), DotGeneral.dot(2)
                    .inferTypes(List.of(TensorType.of(DType.BF16, 2, 3), TensorType.of(DType.BF16, 3, 4))).get(0));
        }

        @Test
        void operandsMustBeFloating() {
            fails(DotGeneral.dot(2), i32(2, 3), f32(3, 4), "dotGeneral", "lhs", "i32[2,3]");
            fails(DotGeneral.dot(2), f32(2, 3), i32(3, 4), "dotGeneral", "rhs", "i32[3,4]");
        }

        @Test
        void anAxisUsedTwiceIsRejected() {
            DotGeneral contractedTwice = new DotGeneral(Dims.of(1, 1), Dims.of(0, 1), Dims.empty(), Dims.empty());
            fails(contractedTwice, f32(3, 3), f32(3, 3), "dotGeneral", "lhs dimension 1 is used twice", "f32[3,3]");
            DotGeneral batchAndContract = new DotGeneral(Dims.of(0), Dims.of(0), Dims.of(0), Dims.of(1));
            fails(batchAndContract, f32(3, 3), f32(3, 3), "dotGeneral", "lhs dimension 0 is used twice", "f32[3,3]");
        }

        @Test
        void axesMustBeInRange() {
            DotGeneral d = new DotGeneral(Dims.of(2), Dims.of(0), Dims.empty(), Dims.empty());
            fails(d, f32(2, 3), f32(3, 4), "dotGeneral", "out of range", "f32[2,3]");
            DotGeneral neg = new DotGeneral(Dims.of(1), Dims.of(-1), Dims.empty(), Dims.empty());
            fails(neg, f32(2, 3), f32(3, 4), "dotGeneral", "out of range", "f32[3,4]");
        }

        @Test
        void contractingAndBatchListsMustPairUp() {
            DotGeneral d = new DotGeneral(Dims.of(1), Dims.of(0, 1), Dims.empty(), Dims.empty());
            fails(d, f32(2, 3), f32(3, 3), "dotGeneral", "pair up", "f32[2,3]", "f32[3,3]");
        }

        @Test
        void takesTwoOperands() {
            fails(DotGeneral.dot(2), List.of(f32(2, 3)), "dotGeneral", "f32[2,3]");
        }
    }

    @Nested
    class TransposeRule {
        @Test
        void permutesTheDimensions() {
            assertEquals(List.of(f32(4, 2, 3)), infer(new Transpose(Dims.of(2, 0, 1)), f32(2, 3, 4)));
            assertEquals(List.of(f32(2, 3)), infer(new Transpose(Dims.of(0, 1)), f32(2, 3)));
        }

        @Test
        void identityIsRecognised() {
            assertTrue(new Transpose(Dims.of(0, 1, 2)).isIdentity());
            assertTrue(!new Transpose(Dims.of(1, 0)).isIdentity());
        }

        @Test
        void permutationMustBeAPermutation() {
            fails(new Transpose(Dims.of(0, 0)), f32(2, 3), "transpose", "not a permutation", "[0, 0]", "f32[2,3]");
            fails(new Transpose(Dims.of(0, 2)), f32(2, 3), "transpose", "not a permutation", "f32[2,3]");
            fails(new Transpose(Dims.of(-1, 0)), f32(2, 3), "transpose", "not a permutation", "f32[2,3]");
        }

        @Test
        void permutationNeedsOneEntryPerDimension() {
            fails(new Transpose(Dims.of(1, 0, 2)), f32(2, 3), "transpose", "one entry per dimension", "f32[2,3]");
        }
    }

    @Nested
    class ReshapeRule {
        @Test
        void keepsTheElementCount() {
            assertEquals(List.of(f32(6, 4)), infer(new Reshape(Dims.of(6, 4)), f32(2, 3, 4)));
            assertEquals(List.of(f32()), infer(new Reshape(Dims.empty()), f32(1, 1)));
        }

        @Test
        void elementCountMustMatch() {
            fails(new Reshape(Dims.of(5, 5)), f32(2, 3, 4), "reshape", "f32[2,3,4]", "24", "[5, 5]", "25");
        }

        @Test
        void sizesMustBeNonNegative() {
            fails(new Reshape(Dims.of(-2, -12)), f32(2, 3, 4), "reshape", "non-negative", "f32[2,3,4]");
        }
    }

    @Nested
    class BroadcastInDimRule {
        @Test
        void placesOperandDimensionsInTheOutput() {
            assertEquals(List.of(f32(200, 500)), infer(new BroadcastInDim(Dims.of(200, 500), Dims.of(1)), f32(500)));
            assertEquals(List.of(f32(200, 500)), infer(new BroadcastInDim(Dims.of(200, 500), Dims.of(0)), f32(200)));
            assertEquals(List.of(f32(200, 500)), infer(new BroadcastInDim(Dims.of(200, 500), Dims.empty()), f32()));
            assertEquals(List.of(f32(4, 3)), infer(new BroadcastInDim(Dims.of(4, 3), Dims.of(0, 1)), f32(1, 3)));
        }

        @Test
        void sizeMustBeOneOrTheOutputs() {
            fails(new BroadcastInDim(Dims.of(200, 500), Dims.of(1)), f32(200), "broadcastInDim", "f32[200]", "[200, 500]");
        }

        @Test
        void needsOneBroadcastDimensionPerOperandDimension() {
            fails(new BroadcastInDim(Dims.of(200, 500), Dims.of(0, 1)), f32(500), "broadcastInDim", "one entry per dimension", "f32[500]");
        }

        @Test
        void broadcastDimensionsMustIncreaseAndStayInTheOutput() {
            fails(new BroadcastInDim(Dims.of(3, 3), Dims.of(1, 0)), f32(3, 3), "broadcastInDim", "strictly increasing", "f32[3,3]");
            fails(new BroadcastInDim(Dims.of(3, 3), Dims.of(2)), f32(3), "broadcastInDim", "below the output rank", "f32[3]");
        }
    }

    @Nested
    class ConcatenateRule {
        @Test
        void sumsTheConcatenatedDimension() {
            assertEquals(List.of(f32(2, 7)), new Concatenate(1).inferTypes(List.of(f32(2, 3), f32(2, 4))));
            assertEquals(List.of(f32(5, 3)), new Concatenate(0).inferTypes(List.of(f32(2, 3), f32(1, 3), f32(2, 3))));
        }

        @Test
        void otherDimensionsMustMatch() {
            fails(new Concatenate(1), f32(2, 3), f32(3, 4), "concatenate", "outside dimension 1", "f32[2,3]", "f32[3,4]");
        }

        @Test
        void dtypeAndRankMustMatch() {
            fails(new Concatenate(0), f32(2, 3), i32(2, 3), "concatenate", "f32[2,3]", "i32[2,3]");
            fails(new Concatenate(0), f32(2, 3), f32(2, 3, 1), "concatenate", "f32[2,3]", "f32[2,3,1]");
        }

        @Test
        void dimensionMustBeInRange() {
            fails(new Concatenate(2), f32(2, 3), f32(2, 3), "concatenate", "dimension 2", "f32[2,3]");
            fails(new Concatenate(-1), f32(2, 3), f32(2, 3), "concatenate", "dimension -1", "f32[2,3]");
        }

        @Test
        void needsAnOperand() {
            fails(new Concatenate(0), List.of(), "concatenate", "at least one operand");
        }
    }

    @Nested
    class SliceRule {
        @Test
        void sizeIsCeilOfRangeOverStride() {
            Slice s = new Slice(Dims.of(0, 1), Dims.of(2, 10), Dims.of(1, 3));
            assertEquals(List.of(f32(2, 3)), infer(s, f32(4, 10)));
            assertEquals(List.of(f32(0)), infer(new Slice(Dims.of(2), Dims.of(2), Dims.of(1)), f32(4)));
        }

        @Test
        void limitMustNotPassTheSize() {
            fails(new Slice(Dims.of(0), Dims.of(5), Dims.of(1)), f32(4), "slice", "limit (5)", "size (4)", "f32[4]");
        }

        @Test
        void startMustNotPassTheLimitNorBeNegative() {
            fails(new Slice(Dims.of(3), Dims.of(2), Dims.of(1)), f32(4), "slice", "start (3)", "f32[4]");
            fails(new Slice(Dims.of(-1), Dims.of(2), Dims.of(1)), f32(4), "slice", "start (-1)", "f32[4]");
        }

        @Test
        void strideMustBePositive() {
            fails(new Slice(Dims.of(0), Dims.of(2), Dims.of(0)), f32(4), "slice", "stride (0)", "f32[4]");
        }

        @Test
        void needsOneEntryPerDimension() {
            fails(new Slice(Dims.of(0), Dims.of(2), Dims.of(1)), f32(4, 4), "slice", "one entry per dimension", "f32[4,4]");
        }
    }

    @Nested
    class ReduceRule {
        @Test
        void reducedAxesDisappear() {
            assertEquals(List.of(f32(2, 4)), infer(new Reduce(Reduce.Kind.SUM, Dims.of(1)), f32(2, 3, 4)));
            assertEquals(List.of(f32(3)), infer(new Reduce(Reduce.Kind.MAX, Dims.of(2, 0)), f32(2, 3, 4)));
            assertEquals(List.of(f32()), infer(new Reduce(Reduce.Kind.SUM, Dims.of(0)), f32(5)));
        }

        @Test
        void axisMustBeInRange() {
            fails(new Reduce(Reduce.Kind.SUM, Dims.of(3)), f32(2, 3, 4), "reduceSum", "axis 3", "f32[2,3,4]");
            fails(new Reduce(Reduce.Kind.MAX, Dims.of(-1)), f32(2, 3, 4), "reduceMax", "axis -1", "f32[2,3,4]");
        }

        @Test
        void axisMustNotRepeat() {
            fails(new Reduce(Reduce.Kind.SUM, Dims.of(1, 1)), f32(2, 3, 4), "reduceSum", "listed twice", "f32[2,3,4]");
        }
    }

    @Nested
    class TopKRule {
        @Test
        void reducesTheLastDimensionToK() {
            assertEquals(List.of(f32(200, 10), i32(200, 10)), infer(new TopK(10), f32(200, 500)));
            assertEquals(List.of(f32(500), i32(500)), infer(new TopK(500), f32(500)));
        }

        @Test
        void kMustBeInOneToTheLastDimension() {
            fails(new TopK(0), f32(200, 500), "topK", "[1, 500]", "f32[200,500]", "got 0");
            fails(new TopK(501), f32(200, 500), "topK", "[1, 500]", "f32[200,500]", "got 501");
        }

        @Test
        void operandMustHaveADimension() {
            fails(new TopK(1), f32(), "topK", "f32[]");
        }
    }

    @Nested
    class SortKeyValRule {
        @Test
        void keepsBothTypes() {
            assertEquals(List.of(f32(4, 8), i32(4, 8)), infer(new SortKeyVal(1), f32(4, 8), i32(4, 8)));
            assertEquals(List.of(i32(4, 8), f32(4, 8)), infer(new SortKeyVal(0), i32(4, 8), f32(4, 8)));
        }

        @Test
        void shapesMustMatch() {
            fails(new SortKeyVal(1), f32(4, 8), i32(4, 9), "sortKeyVal", "f32[4,8]", "i32[4,9]");
        }

        @Test
        void dimensionMustBeInRange() {
            fails(new SortKeyVal(2), f32(4, 8), i32(4, 8), "sortKeyVal", "dimension 2", "f32[4,8]");
        }

        @Test
        void takesTwoOperands() {
            fails(new SortKeyVal(0), List.of(f32(4)), "sortKeyVal", "f32[4]");
        }
    }

    @Nested
    class GatherRowsRule {
        @Test
        void indicesReplaceTheRowDimension() {
            assertEquals(List.of(f32(200, 10, 128)), infer(new GatherRows(0), f32(1000, 128), i32(200, 10)));
            assertEquals(List.of(f32(128)), infer(new GatherRows(0), f32(1000, 128), i32()));
            assertEquals(List.of(f32(7)), infer(new GatherRows(0), f32(1000), i32(7)));
        }

        @Test
        void batchDimensionsLeadAndMustMatch() {
            assertEquals(List.of(f32(4, 10, 32)), infer(new GatherRows(1), f32(4, 1000, 32), i32(4, 10)));
            assertEquals(List.of(f32(4)), infer(new GatherRows(1), f32(4, 1000), i32(4)));
            fails(new GatherRows(1), f32(4, 1000, 32), i32(3, 10), "gatherRows", "batch dimension 0", "f32[4,1000,32]", "i32[3,10]");
        }

        @Test
        void indicesMustBeI32() {
            fails(new GatherRows(0), f32(1000, 128), f32(200, 10), "gatherRows", "indices", "f32[200,10]");
        }

        @Test
        void ranksMustLeaveARowDimension() {
            fails(new GatherRows(1), f32(4), i32(4), "gatherRows", "f32[4]", "i32[4]");
            fails(new GatherRows(2), f32(4, 5, 6), i32(4), "gatherRows", "f32[4,5,6]", "i32[4]");
            fails(new GatherRows(-1), f32(4, 5), i32(4), "gatherRows", "f32[4,5]", "i32[4]");
        }
    }

    @Nested
    class ConvertRule {
        @ParameterizedTest
        @EnumSource(DType.class)
        void changesOnlyTheDtype(DType to) {
            assertEquals(List.of(TensorType.of(to, 2, 3)), infer(new Convert(to), f32(2, 3)));
        }

        @Test
        void takesOneOperand() {
            fails(new Convert(DType.F16), List.of(), "convertElementType", "expects 1 operand");
        }
    }

    @Nested
    class IotaRule {
        @Test
        void hasTheGivenTypeAndNoOperands() {
            assertEquals(List.of(i32(3, 7)), new Iota(DType.I32, Dims.of(3, 7), 1).inferTypes(List.of()));
        }

        @Test
        void dimensionMustBeInRange() {
            fails(new Iota(DType.I32, Dims.of(3, 7), 2), List.of(), "iota", "dimension 2", "i32[3,7]");
            fails(new Iota(DType.I32, Dims.empty(), 0), List.of(), "iota", "i32[]");
        }

        @Test
        void takesNoOperands() {
            fails(new Iota(DType.I32, Dims.of(3), 0), f32(3), "iota", "expects 0 operand", "f32[3]");
        }
    }

    @Nested
    class ConstantRule {
        @Test
        void isAScalarOfItsDtype() {
            assertEquals(List.of(f32()), new Constant(0.5, DType.F32).inferTypes(List.of()));
            assertEquals(List.of(i32()), new Constant(-1, DType.I32).inferTypes(List.of()));
        }

        @Test
        void takesNoOperands() {
            fails(new Constant(1, DType.F32), f32(2), "constant", "expects 0 operand", "f32[2]");
        }
    }

    @Nested
    class ElementwiseRules {
        @ParameterizedTest
        @EnumSource(BinaryOp.Kind.class)
        void binaryKeepsTheCommonType(BinaryOp.Kind kind) {
            assertEquals(List.of(f32(2, 3)), infer(new BinaryOp(kind), f32(2, 3), f32(2, 3)));
        }

        @ParameterizedTest
        @EnumSource(BinaryOp.Kind.class)
        void binaryNeverBroadcasts(BinaryOp.Kind kind) {
            String name = kind.name().toLowerCase(java.util.Locale.ROOT);
            fails(new BinaryOp(kind), f32(2, 3), f32(3), name, "same shape and dtype", "f32[2,3]", "f32[3]");
            fails(new BinaryOp(kind), f32(2, 3), TensorType.of(DType.F64, 2, 3), name, "f32[2,3]", "f64[2,3]");
        }

        @Test
        void binaryTakesTwoOperands() {
            fails(new BinaryOp(BinaryOp.Kind.ADD), List.of(f32(2)), "add", "expects 2 operand", "f32[2]");
        }

        @ParameterizedTest
        @EnumSource(UnaryOp.Kind.class)
        void unaryKeepsTheType(UnaryOp.Kind kind) {
            assertEquals(List.of(f32(2, 3)), infer(new UnaryOp(kind), f32(2, 3)));
        }

        @ParameterizedTest
        @EnumSource(value = UnaryOp.Kind.class, names = {"NEG", "SQUARE", "ABS"})
        void integerUnaryIsAllowedWhereItIsExact(UnaryOp.Kind kind) {
            assertEquals(List.of(i32(4)), infer(new UnaryOp(kind), i32(4)));
        }

        @Test
        void sqrtNeedsAFloatingOperand() {
            fails(new UnaryOp(UnaryOp.Kind.SQRT), i32(4), "sqrt", "floating", "i32[4]");
        }

        @Test
        void unaryTakesOneOperand() {
            fails(new UnaryOp(UnaryOp.Kind.NEG), f32(2), f32(2), "neg", "expects 1 operand", "f32[2]");
        }
    }

    @Nested
    class FusedRegionRule {
        @Test
        void returnsTheBodysResultTypesForItsParameterTypes() {
            GraphBuilder b = new GraphBuilder();
            Value x = b.parameter(f32(2, 3));
            Value y = b.parameter(f32(3, 4));
            FusedRegion r = new FusedRegion(b.build(List.of(b.add1(DotGeneral.dot(2), x, y))));
            assertEquals(List.of(f32(2, 4)), infer(r, f32(2, 3), f32(3, 4)));
            fails(r, f32(2, 3), f32(3, 5), "fusedRegion", "f32[3,5]", "f32[3,4]");
        }
    }

    @Test
    void graphBuilderRunsTheShapeRuleAtTraceTime() {
        GraphBuilder b = new GraphBuilder();
        Value scores = b.parameter(f32(200, 500));
        ShapeError e = assertThrows(ShapeError.class,
                () -> b.add(new ApproxTopK(ApproxTopKParams.defaults(501, true)), List.of(scores)));
        assertTrue(e.getMessage().contains("approxMaxK") && e.getMessage().contains("f32[200,500]"), e.getMessage());
    }
}
