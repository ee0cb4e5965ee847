// RUN: not quant-opt %s --convert-qnn-to-linalg --split-input-file 2>&1 | FileCheck %s

// An op no pattern lowers is reported with the ONNX node it came from (its
// NameLoc) and the reason its pattern gives.
// CHECK: model.onnx:0:0: error: node 'up1': cannot lower qnn.resize: cubic resize is not lowered yet
func.func @cubic(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x8x8xf32> {
  %r = qnn.resize %x {mode = #qnn.resize_mode<cubic>} : tensor<1x1x4x4xf32> -> tensor<1x1x8x8xf32> loc("up1"("model.onnx":0:0))
  return %r : tensor<1x1x8x8xf32>
}

// -----

// CHECK: error: node 'pool': cannot lower qnn.max_pool: ceil mode needs static spatial sizes
func.func @ceil_dynamic(%x: tensor<1x1x?x?xf32>) -> tensor<1x1x?x?xf32> {
  %r = qnn.max_pool %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, ceil_mode = true} : tensor<1x1x?x?xf32> -> tensor<1x1x?x?xf32> loc("pool"("model.onnx":0:0))
  return %r : tensor<1x1x?x?xf32>
}


// -----

// Unsigned gather indices are refused, not read as signed.
// CHECK: error: node 'take': cannot lower qnn.gather: signed or unsigned integer indices are not lowered
func.func @unsigned_indices(%t: tensor<300x4xf32>, %i: tensor<2xui8>) -> tensor<2x4xf32> {
  %r = qnn.gather %t, %i {axis = 0 : i64} : (tensor<300x4xf32>, tensor<2xui8>) -> tensor<2x4xf32> loc("take"("model.onnx":0:0))
  return %r : tensor<2x4xf32>
}

// -----

// 4-bit tensors are stored packed: only qnn.constant and qnn.dequantize
// lower them.
// CHECK: error: node 'flat': cannot lower quantized qnn.reshape: sub-channel and sub-byte quantized tensors are only dequantized
func.func @packed_reshape() -> tensor<4x!quant.uniform<i4:f32, 0.5>> {
  %q = qnn.constant dense<[[1, 2], [3, 4]]> : tensor<2x2xi4> -> tensor<2x2x!quant.uniform<i4:f32, 0.5>>
  %s = qnn.constant dense<4> : tensor<1xi64> -> tensor<1xi64>
  %r = qnn.reshape %q, %s : (tensor<2x2x!quant.uniform<i4:f32, 0.5>>, tensor<1xi64>) -> tensor<4x!quant.uniform<i4:f32, 0.5>> loc("flat"("model.onnx":0:0))
  return %r : tensor<4x!quant.uniform<i4:f32, 0.5>>
}
