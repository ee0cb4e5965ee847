// A convolution whose weight expects 3 input channels while the input has 4:
// quant-opt rejects it and names the op and the reason.

func.func @bad(%x: tensor<1x4x8x8xf32>, %w: tensor<16x3x3x3xf32>) -> tensor<1x16x6x6xf32> {
  %y = qnn.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>,
                        pads = array<i64: 0, 0, 0, 0>}
      : (tensor<1x4x8x8xf32>, tensor<16x3x3x3xf32>) -> tensor<1x16x6x6xf32>
  return %y : tensor<1x16x6x6xf32>
}
