module @jit_mips attributes {mhlo.num_partitions = 1 : i32, mhlo.num_replicas = 1 : i32} {
  func.func @top_k_gt_f32_comparator(%arg0: tensor<f32>, %arg1: tensor<f32>, %arg2: tensor<i32>, %arg3: tensor<i32>) -> tensor<i1> {
    %0 = stablehlo.compare GT, %arg0, %arg1 : (tensor<f32>, tensor<f32>) -> tensor<i1>
    stablehlo.return %0 : tensor<i1>
  }
  func.func public @main(%arg0: tensor<200x128xf32>, %arg1: tensor<3000x128xf32>) -> (tensor<200x10xf32>, tensor<200x10xi32>) {
    %0 = stablehlo.dot_general %arg0, %arg1, contracting_dims = [1] x [1], precision = [DEFAULT, DEFAULT] : (tensor<200x128xf32>, tensor<3000x128xf32>) -> tensor<200x3000xf32>
    %1 = stablehlo.iota dim = 1 : tensor<200x3000xi32>
    %2 = stablehlo.constant dense<-1> : tensor<i32>
    %3 = stablehlo.constant dense<0xFF800000> : tensor<f32>
    %4:2 = stablehlo.custom_call @ApproxTopK(%0, %1, %3, %2) {backend_config = "", called_computations = [@top_k_gt_f32_comparator], mhlo.backend_config = {aggregate_to_topk = true, recall_target = 0.949999988 : f32, reduction_dim = 1 : i64, reduction_input_size_override = -1 : i64, top_k = 10 : i64}} : (tensor<200x3000xf32>, tensor<200x3000xi32>, tensor<f32>, tensor<i32>) -> (tensor<200x10xf32>, tensor<200x10xi32>)
    return %4#0, %4#1 : tensor<200x10xf32>, tensor<200x10xi32>
  }
}
