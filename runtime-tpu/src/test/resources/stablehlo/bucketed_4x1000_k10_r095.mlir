module @jit_bucketed attributes {mhlo.num_partitions = 1 : i32, mhlo.num_replicas = 1 : i32} {
  func.func public @main(%arg0: tensor<4x1000xf32>) -> (tensor<4x10xf32>, tensor<4x10xi32>) {
    %0 = stablehlo.reshape %arg0 : (tensor<4x1000xf32>) -> tensor<4x10x100xf32>
    %1 = stablehlo.transpose %0, dims = [0, 2, 1] : (tensor<4x10x100xf32>) -> tensor<4x100x10xf32>
    %2:2 = chlo.top_k(%1, k = 1) : tensor<4x100x10xf32> -> (tensor<4x100x1xf32>, tensor<4x100x1xi32>)
    %3 = stablehlo.constant dense<100> : tensor<i32>
    %4 = stablehlo.broadcast_in_dim %3, dims = [] : (tensor<i32>) -> tensor<4x100x1xi32>
    %5 = stablehlo.iota dim = 1 : tensor<4x100x1xi32>
    %6 = stablehlo.multiply %2#1, %4 : tensor<4x100x1xi32>
    %7 = stablehlo.add %6, %5 : tensor<4x100x1xi32>
    %8 = stablehlo.reshape %2#0 : (tensor<4x100x1xf32>) -> tensor<4x100xf32>
    %9 = stablehlo.reshape %7 : (tensor<4x100x1xi32>) -> tensor<4x100x1xi32>
    %10:2 = chlo.top_k(%8, k = 10) : tensor<4x100xf32> -> (tensor<4x10xf32>, tensor<4x10xi32>)
    %11 = "stablehlo.gather"(%9, %10#1) {dimension_numbers = #stablehlo.gather<offset_dims = [2], collapsed_slice_dims = [1], operand_batching_dims = [0], start_indices_batching_dims = [0], start_index_map = [1], index_vector_dim = 2>, indices_are_sorted = false, slice_sizes = array<i64: 1, 1, 1>} : (tensor<4x100x1xi32>, tensor<4x10xi32>) -> tensor<4x10x1xi32>
    %12 = stablehlo.reshape %11 : (tensor<4x10x1xi32>) -> tensor<4x10xi32>
    return %10#0, %12 : tensor<4x10xf32>, tensor<4x10xi32>
  }
}
