// RUN: quant-opt %s --qnn-instrument --split-input-file --verify-diagnostics | FileCheck %s

// Every float activation becomes a result named after its ONNX node; the
// second qnn op of one node gets "/1". Constants, shapes and integer
// tensors are left out.
// CHECK-LABEL: func.func @main
// CHECK-SAME: -> (tensor<2x4xf32> {qnn.name = "y"}, tensor<2x4xf32> {qnn.name = "mm"}, tensor<2x4xf32> {qnn.name = "mm/1"}, tensor<2x4xf32> {qnn.name = "act"})
// CHECK-SAME: attributes {qnn.instrumented = 1 : i64}
// CHECK: return %{{.*}}, %[[MM:.*]], %[[BIAS:.*]], %[[ACT:.*]] :
func.func @main(%x: tensor<2x3xf32> {qnn.name = "x"}) -> (tensor<2x4xf32> {qnn.name = "y"}) {
  %w = qnn.constant dense<1.0> : tensor<3x4xf32> -> tensor<3x4xf32> loc("w"("m.onnx":0:0))
  %b = qnn.constant dense<0.5> : tensor<4xf32> -> tensor<4xf32> loc("b"("m.onnx":0:0))
  %s = qnn.shape %x {start = 0, end = 2} : tensor<2x3xf32> -> tensor<2xi64> loc("s"("m.onnx":0:0))
  %m = qnn.matmul %x, %w : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32> loc("mm"("m.onnx":0:0))
  %a = qnn.add %m, %b : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xf32> loc("mm"("m.onnx":0:0))
  %r = qnn.relu %a : tensor<2x4xf32> -> tensor<2x4xf32> loc("act"("m.onnx":0:0))
  return %r : tensor<2x4xf32>
}

// -----

// An op without a node name gets a numbered key.
// CHECK-LABEL: func.func @unnamed
// CHECK-SAME: tensor<4xf32> {qnn.name = "op0"}
func.func @unnamed(%x: tensor<4xf32>) -> tensor<4xf32> {
  %r = qnn.relu %x : tensor<4xf32> -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

// expected-error @+1 {{the function is already instrumented}}
func.func @twice(%x: tensor<4xf32>) -> tensor<4xf32> attributes {qnn.instrumented = 1 : i64} {
  return %x : tensor<4xf32>
}
