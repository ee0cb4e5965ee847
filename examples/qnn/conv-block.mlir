// A small quantized classifier block in qnn: a 3x3 convolution with per-channel
// int8 weights over a uint8 input, ReLU, global average pooling and a float
// classifier head. The weights are float constants quantized in the graph;
// canonicalization folds those casts into int8 constants at compile time.

!act = !quant.uniform<u8:f32, 0.0078125:128>
!wts = !quant.uniform<i8<-127:127>:f32:0, {0.01, 0.02}>
!out = !quant.uniform<u8:f32, 0.05:0>

func.func @classify(%image: tensor<1x1x8x8xf32>) -> tensor<1x3xf32> {
  %w = qnn.constant dense<[[[[0.25, -0.5, 0.25], [0.5, 1.0, 0.5], [0.25, -0.5, 0.25]]],
                           [[[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]]]]>
      : tensor<2x1x3x3xf32> -> tensor<2x1x3x3xf32>
  %wq = qnn.quantize %w : tensor<2x1x3x3xf32> -> tensor<2x1x3x3x!wts>
  %b = qnn.constant dense<[0.1, -0.1]> : tensor<2xf32> -> tensor<2xf32>

  %x = qnn.quantize %image : tensor<1x1x8x8xf32> -> tensor<1x1x8x8x!act>
  %c = qnn.conv %x, %wq, %b {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>,
                             pads = array<i64: 1, 1, 1, 1>}
      : (tensor<1x1x8x8x!act>, tensor<2x1x3x3x!wts>, tensor<2xf32>) -> tensor<1x2x8x8x!out>
  %r = qnn.relu %c : tensor<1x2x8x8x!out> -> tensor<1x2x8x8x!out>
  %p = qnn.global_avg_pool %r : tensor<1x2x8x8x!out> -> tensor<1x2x1x1x!out>
  %f = qnn.dequantize %p : tensor<1x2x1x1x!out> -> tensor<1x2x1x1xf32>
  %v = qnn.reshape %f : (tensor<1x2x1x1xf32>) -> tensor<1x2xf32>

  %head = qnn.constant dense<[[1.0, -1.0], [0.5, 0.5], [-1.0, 1.0]]> : tensor<3x2xf32> -> tensor<3x2xf32>
  %one = qnn.constant dense<1.0> : tensor<1xf32> -> tensor<1xf32>
  %scaled = qnn.mul %head, %one : (tensor<3x2xf32>, tensor<1xf32>) -> tensor<3x2xf32>
  %logits = qnn.gemm %v, %scaled {trans_b = true} : (tensor<1x2xf32>, tensor<3x2xf32>) -> tensor<1x3xf32>
  %probs = qnn.softmax %logits {axis = 1 : i64} : tensor<1x3xf32> -> tensor<1x3xf32>
  return %probs : tensor<1x3xf32>
}
