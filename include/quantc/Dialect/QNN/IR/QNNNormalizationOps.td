//===- QNNNormalizationOps.td - Softmax and normalizations ---*- tablegen -*-===//
//
// Softmax, layer normalization and inference-time batch normalization.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_DIALECT_QNN_IR_QNNNORMALIZATIONOPS_TD
#define QUANTC_DIALECT_QNN_IR_QNNNORMALIZATIONOPS_TD

include "quantc/Dialect/QNN/IR/QNNBase.td"

def QNN_SoftmaxOp : QNN_Op<"softmax",
    [SameOperandsAndResultShape, QNN_SameExpressedType]> {
  let summary = "Softmax along one axis";
  let description = [{
    `exp(x - max) / sum(exp(x - max))` along `axis` (ONNX opset 13
    semantics: one axis, not the flattened trailing block).

    ```mlir
    %y = qnn.softmax %x {axis = 2 : i64} : tensor<1x8x8xf32> -> tensor<1x8x8xf32>
    ```

    Constraints:
    - (softmax-C1) `0 <= axis < rank`;
    - rule T1 (same expressed type); input and result have one shape.
  }];
  let arguments = (ins QNN_RealTensor:$input, I64Attr:$axis);
  let results = (outs QNN_RealTensor:$result);
  let assemblyFormat =
      "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

def QNN_LogSoftmaxOp : QNN_Op<"log_softmax",
    [SameOperandsAndResultShape, QNN_SameExpressedType]> {
  let summary = "Log of softmax along one axis";
  let description = [{
    `x - max - log(sum(exp(x - max)))` along `axis`: the logarithm of
    `qnn.softmax`, computed without forming the softmax, so that small
    probabilities keep their precision (ONNX `LogSoftmax`, opset 13
    semantics).

    ```mlir
    %y = qnn.log_softmax %x {axis = 1 : i64} : tensor<4x10xf32> -> tensor<4x10xf32>
    ```

    Constraints:
    - (log_softmax-C1) `0 <= axis < rank`;
    - rule T1 (same expressed type); input and result have one shape.
  }];
  let arguments = (ins QNN_RealTensor:$input, I64Attr:$axis);
  let results = (outs QNN_RealTensor:$result);
  let assemblyFormat =
      "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

def QNN_LayerNormOp : QNN_Op<"layer_norm", [QNN_SameExpressedType]> {
  let summary = "Layer normalization over the trailing dimensions";
  let description = [{
    Normalizes over the dimensions `[axis, rank)`:
    `(x - mean) / sqrt(var + epsilon) * scale + bias`, with the population
    variance. `scale` and `bias` broadcast to those trailing dimensions.

    ```mlir
    %y = qnn.layer_norm %x, %g, %b {axis = 2 : i64, epsilon = 1.0e-05 : f32}
         : (tensor<1x16x64xf32>, tensor<64xf32>, tensor<64xf32>) -> tensor<1x16x64xf32>
    ```

    Constraints:
    - (layer_norm-C1) `0 <= axis < rank`;
    - (layer_norm-C2) `scale` and `bias` broadcast to the input's dimensions
      `[axis, rank)`;
    - (layer_norm-C3) `epsilon` is positive;
    - (layer_norm-C4) the result has the input's shape;
    - rule T1 (same expressed type).
  }];
  let arguments = (ins QNN_RealTensor:$input, QNN_RealTensor:$scale,
                       Optional<QNN_RealTensor>:$bias,
                       I64Attr:$axis,
                       DefaultValuedAttr<F32Attr, "1.0e-5f">:$epsilon);
  let results = (outs QNN_RealTensor:$result);
  let assemblyFormat = [{
    $input `,` $scale (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def QNN_BatchNormOp : QNN_Op<"batch_norm", [QNN_SameExpressedType]> {
  let summary = "Batch normalization with running statistics (inference)";
  let description = [{
    `(x - mean) / sqrt(var + epsilon) * scale + bias` per channel, with the
    channel on dimension 1.

    ```mlir
    %y = qnn.batch_norm %x, %s, %b, %m, %v {epsilon = 1.0e-05 : f32}
         : (tensor<1x8x4x4xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>,
            tensor<8xf32>) -> tensor<1x8x4x4xf32>
    ```

    Constraints:
    - (batch_norm-C1) the input has rank 2 or more;
    - (batch_norm-C2) `scale`, `bias`, `mean` and `var` have shape `[C]`;
    - (batch_norm-C3) `epsilon` is positive;
    - (batch_norm-C4) the result has the input's shape;
    - rule T1 (same expressed type).
  }];
  let arguments = (ins QNN_RealTensor:$input, QNN_RealTensor:$scale,
                       QNN_RealTensor:$bias, QNN_RealTensor:$mean,
                       QNN_RealTensor:$var,
                       DefaultValuedAttr<F32Attr, "1.0e-5f">:$epsilon);
  let results = (outs QNN_RealTensor:$result);
  let assemblyFormat = [{
    $input `,` $scale `,` $bias `,` $mean `,` $var attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

#endif // QUANTC_DIALECT_QNN_IR_QNNNORMALIZATIONOPS_TD
