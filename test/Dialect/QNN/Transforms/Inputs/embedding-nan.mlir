// A table with a NaN, which qnn-quantize-embeddings refuses
// (qnn-quantize-embeddings.mlir).
func.func @nan(%ids: tensor<2xi64>) -> tensor<2x2xf32> {
  %table = qnn.constant dense<[[1.0, 0x7FC00000], [1.0, 2.0]]> : tensor<2x2xf32> -> tensor<2x2xf32>
  %y = qnn.gather %table, %ids {axis = 0 : i64} : (tensor<2x2xf32>, tensor<2xi64>) -> tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}
