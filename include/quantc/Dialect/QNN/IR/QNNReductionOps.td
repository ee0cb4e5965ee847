//===- QNNReductionOps.td - Reductions and pooling -----------*- tablegen -*-===//
//
// Reductions over a set of axes and the windowed and global pooling ops.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_DIALECT_QNN_IR_QNNREDUCTIONOPS_TD
#define QUANTC_DIALECT_QNN_IR_QNNREDUCTIONOPS_TD

include "quantc/Dialect/QNN/IR/QNNAttrs.td"

def QNN_ReduceOp : QNN_Op<"reduce", [QNN_SameExpressedType]> {
  let summary = "Reduce over a set of axes";
  let description = [{
    Combines the elements along `axes` with `kind`: `sum`, `mean`, `max`,
    `min`, `prod`, `sum_square` (sum of squares), `l1` (sum of absolute
    values) or `l2` (square root of the sum of squares). With `keepdims` the
    reduced dimensions stay with size 1.

    ```mlir
    %m = qnn.reduce <mean> %x {axes = array<i64: 2>, keepdims = true}
         : tensor<1x16x64xf32> -> tensor<1x16x1xf32>
    ```

    Constraints:
    - (reduce-C1) `axes` is not empty, strictly increasing, and within
      `[0, rank)`;
    - (reduce-C2) the result's shape is the input's with the reduced
      dimensions set to 1 (`keepdims`) or removed;
    - rule T1 (same expressed type).
  }];
  let arguments = (ins QNN_ReduceKindAttr:$kind, QNN_Tensor:$input,
                       DenseI64ArrayAttr:$axes,
                       DefaultValuedAttr<BoolAttr, "true">:$keepdims);
  let results = (outs QNN_Tensor:$result);
  let assemblyFormat =
      "$kind $input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

class QNN_WindowPoolOp<string mnemonic, string combine, dag extraAttrs>
    : QNN_Op<mnemonic, [QNN_SameExpressedType]> {
  let summary = "Windowed " # combine # " pooling";
  let arguments = !con((ins QNN_RealTensor:$input,
                            DenseI64ArrayAttr:$kernel,
                            DenseI64ArrayAttr:$strides,
                            DenseI64ArrayAttr:$pads,
                            DefaultValuedAttr<BoolAttr, "false">:$ceil_mode),
                       extraAttrs);
  let results = (outs QNN_RealTensor:$result);
  let assemblyFormat =
      "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

def QNN_MaxPoolOp : QNN_WindowPoolOp<"max_pool", "max",
    (ins DenseI64ArrayAttr:$dilations)> {
  let description = [{
    ONNX `MaxPool` over the spatial dimensions of an `[N, C, D1 ... Dn]`
    input. Padding never wins the max. Each output size is
    `floor_or_ceil((D + pad_begin + pad_end - dilation * (K - 1) - 1) /
    stride) + 1`; with `ceil_mode` a window that would start in the end
    padding is dropped.

    ```mlir
    %y = qnn.max_pool %x {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>,
           pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>}
         : tensor<1x64x112x112xf32> -> tensor<1x64x56x56xf32>
    ```

    Constraints:
    - (pool-C1) the input has rank 3 or more;
    - (pool-C2) `kernel`, `strides` (and `dilations`) have one entry per
      spatial dimension and `pads` two;
    - (pool-C3) kernel sizes, strides and dilations are positive, pads are
      not negative and smaller than the kernel;
    - (pool-C4) the result's shape is `[N, C, ...]` with the sizes above,
      each at least 1;
    - rule T1 (same expressed type).
  }];
}

def QNN_AvgPoolOp : QNN_WindowPoolOp<"avg_pool", "average",
    (ins DefaultValuedAttr<BoolAttr, "false">:$count_include_pad)> {
  let description = [{
    ONNX `AveragePool` over the spatial dimensions of an `[N, C, D1 ... Dn]`
    input. Padded elements count in the divisor only with
    `count_include_pad`. Output sizes follow `qnn.max_pool` with unit
    dilation.

    ```mlir
    %y = qnn.avg_pool %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>,
           pads = array<i64: 0, 0, 0, 0>}
         : tensor<1x64x8x8xf32> -> tensor<1x64x4x4xf32>
    ```

    Constraints: pool-C1 to pool-C4 of `qnn.max_pool`, and rule T1.
  }];
}

class QNN_GlobalPoolOp<string mnemonic, string combine>
    : QNN_Op<mnemonic, [QNN_SameExpressedType]> {
  let summary = "Global " # combine # " pooling";
  let description = [{
    Combines all spatial positions of an `[N, C, D1 ... Dn]` input with
    }] # combine # [{ into an `[N, C, 1 ... 1]` result.

    ```mlir
    %y = qnn.}] # mnemonic # [{ %x : tensor<1x512x7x7xf32> -> tensor<1x512x1x1xf32>
    ```

    Constraints:
    - (global_pool-C1) the input has rank 3 or more;
    - (global_pool-C2) the result's shape is `[N, C, 1 ... 1]`;
    - rule T1 (same expressed type).
  }];
  let arguments = (ins QNN_RealTensor:$input);
  let results = (outs QNN_RealTensor:$result);
  let assemblyFormat =
      "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

def QNN_GlobalMaxPoolOp : QNN_GlobalPoolOp<"global_max_pool", "max">;
def QNN_GlobalAvgPoolOp : QNN_GlobalPoolOp<"global_avg_pool", "average">;

#endif // QUANTC_DIALECT_QNN_IR_QNNREDUCTIONOPS_TD
