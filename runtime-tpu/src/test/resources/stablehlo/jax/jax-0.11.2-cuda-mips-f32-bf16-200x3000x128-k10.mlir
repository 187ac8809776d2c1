module @jit__lambda attributes {mhlo.num_partitions = 1 : i32, mhlo.num_replicas = 1 : i32} {
  func.func @top_k_gt_f32_comparator(%arg0: tensor<f32>, %arg1: tensor<f32>, %arg2: tensor<i32>, %arg3: tensor<i32>) -> tensor<i1> {
    %0 = stablehlo.compare GT, %arg0, %arg1 : (tensor<f32>, tensor<f32>) -> tensor<i1>
    stablehlo.return %0 : tensor<i1>
  }
  func.func public @main(%arg0: tensor<200x128xf32>, %arg1: tensor<3000x128xbf16>) -> (tensor<200x10xf32> {jax.result_info = "result[0]"}, tensor<200x10xi32> {jax.result_info = "result[1]"}) {
    %0 = stablehlo.transpose %arg1, dims = [1, 0] : (tensor<3000x128xbf16>) -> tensor<128x3000xbf16>
    %1 = stablehlo.convert %arg0 : tensor<200x128xf32>
    %2 = stablehlo.convert %0 : (tensor<128x3000xbf16>) -> tensor<128x3000xf32>
    %3 = stablehlo.dot_general %1, %2, contracting_dims = [1] x [0], precision = [DEFAULT, DEFAULT] : (tensor<200x128xf32>, tensor<128x3000xf32>) -> tensor<200x3000xf32>
    %4 = stablehlo.iota dim = 1 : tensor<200x3000xi32>
    %c = stablehlo.constant dense<-1> : tensor<i32>
    %cst = stablehlo.constant dense<0xFF800000> : tensor<f32>
    %5:2 = stablehlo.custom_call @ApproxTopK(%3, %4, %cst, %c) {backend_config = "", called_computations = [@top_k_gt_f32_comparator], mhlo.backend_config = {aggregate_to_topk = true, is_fallback = true, recall_target = 0.949999988 : f32, reduction_dim = 1 : i64, reduction_input_size_override = -1 : i64, top_k = 10 : i64}} : (tensor<200x3000xf32>, tensor<200x3000xi32>, tensor<f32>, tensor<i32>) -> (tensor<200x10xf32>, tensor<200x10xi32>)
    return %5#0, %5#1 : tensor<200x10xf32>, tensor<200x10xi32>
  }
}
