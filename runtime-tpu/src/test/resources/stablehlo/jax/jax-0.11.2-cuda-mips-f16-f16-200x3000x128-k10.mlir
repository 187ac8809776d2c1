module @jit__lambda attributes {mhlo.num_partitions = 1 : i32, mhlo.num_replicas = 1 : i32} {
  func.func @top_k_gt_f16_comparator(%arg0: tensor<f16>, %arg1: tensor<f16>, %arg2: tensor<i32>, %arg3: tensor<i32>) -> tensor<i1> {
    %0 = stablehlo.compare GT, %arg0, %arg1 : (tensor<f16>, tensor<f16>) -> tensor<i1>
    stablehlo.return %0 : tensor<i1>
  }
  func.func public @main(%arg0: tensor<200x128xf16>, %arg1: tensor<3000x128xf16>) -> (tensor<200x10xf16> {jax.result_info = "result[0]"}, tensor<200x10xi32> {jax.result_info = "result[1]"}) {
    %0 = stablehlo.transpose %arg1, dims = [1, 0] : (tensor<3000x128xf16>) -> tensor<128x3000xf16>
    %1 = stablehlo.dot_general %arg0, %0, contracting_dims = [1] x [0], precision = [DEFAULT, DEFAULT] : (tensor<200x128xf16>, tensor<128x3000xf16>) -> tensor<200x3000xf16>
    %2 = stablehlo.iota dim = 1 : tensor<200x3000xi32>
    %c = stablehlo.constant dense<-1> : tensor<i32>
    %cst = stablehlo.constant dense<0xFC00> : tensor<f16>
    %3:2 = stablehlo.custom_call @ApproxTopK(%1, %2, %cst, %c) {backend_config = "", called_computations = [@top_k_gt_f16_comparator], mhlo.backend_config = {aggregate_to_topk = true, is_fallback = true, recall_target = 0.949999988 : f32, reduction_dim = 1 : i64, reduction_input_size_override = -1 : i64, top_k = 10 : i64}} : (tensor<200x3000xf16>, tensor<200x3000xi32>, tensor<f16>, tensor<i32>) -> (tensor<200x10xf16>, tensor<200x10xi32>)
    return %3#0, %3#1 : tensor<200x10xf16>, tensor<200x10xi32>
  }
}
