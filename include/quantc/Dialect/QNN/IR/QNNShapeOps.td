//===- QNNShapeOps.td - Data movement ops --------------------*- tablegen -*-===//
//
// Ops that move, select or interpolate elements: reshape, transpose, concat,
// slice, gather, pad and resize; and shape, which reads a tensor's sizes.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_DIALECT_QNN_IR_QNNSHAPEOPS_TD
#define QUANTC_DIALECT_QNN_IR_QNNSHAPEOPS_TD

include "quantc/Dialect/QNN/IR/QNNAttrs.td"

def QNN_ReshapeOp : QNN_Op<"reshape"> {
  let summary = "Reshape a tensor";
  let description = [{
    Reinterprets the row-major element order of `input` in the result's
    shape. A result with one dynamic dimension gets its size from the
    element count. A result with more takes its runtime shape from the
    optional 1-D integer `shape` operand, which holds the exact sizes (the
    importer resolves ONNX's `0` and `-1`).

    ```mlir
    %y = qnn.reshape %x : (tensor<1x64x7x7xf32>) -> tensor<1x3136xf32>
    %z = qnn.reshape %x, %s : (tensor<?x64xf32>, tensor<3xi64>) -> tensor<?x8x8xf32>
    ```

    Constraints:
    - (reshape-C1) input and result have the same element type;
    - (reshape-C2) static shapes have the same number of elements;
    - (reshape-C3) a result with more than one dynamic dimension has a
      `shape` operand;
    - (reshape-C4) `shape` has one element per result dimension.

    A reshape to its input type folds away, and a reshape of a reshape reads
    the first input.
  }];
  let arguments = (ins QNN_Tensor:$input,
                       Optional<RankedTensorOf<[AnySignlessInteger]>>:$shape);
  let results = (outs QNN_Tensor:$result);
  let assemblyFormat = [{
    $input (`,` $shape^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

def QNN_ShapeOp : QNN_Op<"shape"> {
  let summary = "The sizes of a tensor's dimensions, as a tensor";
  let description = [{
    Sizes `start` to `end - 1` of `input`'s shape, as 64-bit integers: ONNX's
    Shape, with `start` and `end` already resolved into `[0, rank]`. Shapes
    with dynamic sizes are read at run time.

    ```mlir
    %s = qnn.shape %x {start = 0, end = 2} : tensor<?x3x8xf32> -> tensor<2xi64>
    ```

    Constraints:
    - (shape-C1) `0 <= start <= end <= rank`;
    - (shape-C2) the result is a 1-D `i64` tensor of `end - start` elements.

    Folds to a constant when the selected sizes are static.
  }];
  let arguments = (ins QNN_Tensor:$input, I64Attr:$start, I64Attr:$end);
  let results = (outs 1DTensorOf<[I64]>:$result);
  let assemblyFormat =
      "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def QNN_RangeOp : QNN_Op<"range"> {
  let summary = "The sequence start, start + delta, ... short of limit";
  let description = [{
    ONNX's Range: the `n = max(0, ceil((limit - start) / delta))` elements
    `start + i * delta`, computed in the element type (integers wrap, floats
    round once for the product and once for the sum). The operands are
    scalars, read at run time unless constant; the result's size is dynamic
    unless the bounds are constants.

    ```mlir
    %r = qnn.range %start, %limit, %delta : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<?xi64>
    ```

    Constraints:
    - (range-C1) the operands are scalars (rank 0) of the result's element
      type, a float or a signless integer;
    - (range-C2) `delta` is not 0, and a static result size is `n` when the
      operands are constants.

    Folds to a constant when the operands are constants and the result's
    size is static.
  }];
  let arguments = (ins RankedTensorOf<[AnyFloat, AnySignlessInteger]>:$start,
                       RankedTensorOf<[AnyFloat, AnySignlessInteger]>:$limit,
                       RankedTensorOf<[AnyFloat, AnySignlessInteger]>:$delta);
  let results = (outs 1DTensorOf<[AnyFloat, AnySignlessInteger]>:$result);
  let assemblyFormat = [{
    $start `,` $limit `,` $delta attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
  let extraClassDeclaration = [{
    /// The number of elements of the range of constants `start`, `limit`
    /// and `delta` (scalars of one element type), or nothing if `delta` is
    /// 0 or the count does not fit in 2^31.
    static std::optional<int64_t> getCount(mlir::DenseElementsAttr start,
                                           mlir::DenseElementsAttr limit,
                                           mlir::DenseElementsAttr delta);
  }];
}

def QNN_TransposeOp : QNN_Op<"transpose"> {
  let summary = "Permute the dimensions of a tensor";
  let description = [{
    Result dimension `i` is input dimension `perm[i]`. A per-axis or
    sub-channel quantized input keeps its parameters, moved to the permuted
    axes.

    ```mlir
    %y = qnn.transpose %x {perm = array<i64: 0, 2, 1>} : tensor<1x4x8xf32> -> tensor<1x8x4xf32>
    ```

    Constraints:
    - (transpose-C1) `perm` is a permutation of `[0, rank)`;
    - (transpose-C2) result dimension `i` is input dimension `perm[i]`;
    - (transpose-C3) the element types match, with quantized axes permuted.

    The identity permutation folds away, two transposes compose, and a
    constant input folds.
  }];
  let arguments = (ins QNN_Tensor:$input, DenseI64ArrayAttr:$perm);
  let results = (outs QNN_Tensor:$result);
  let assemblyFormat =
      "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def QNN_ConcatOp : QNN_Op<"concat", [QNN_SameExpressedType]> {
  let summary = "Concatenate tensors along an axis";
  let description = [{
    Joins the inputs along `axis`. Quantized inputs may carry different
    parameters; the result's type is what the joined real values are
    expressed in.

    ```mlir
    %y = qnn.concat %a, %b {axis = 1 : i64}
         : (tensor<1x16x8x8xf32>, tensor<1x32x8x8xf32>) -> tensor<1x48x8x8xf32>
    ```

    Constraints:
    - (concat-C1) there is at least one input, and all inputs have the
      result's rank;
    - (concat-C2) `0 <= axis < rank`;
    - (concat-C3) the inputs agree on every dimension but `axis`, and the
      result's `axis` dimension is their sum;
    - rule T1 (same expressed type).

    A concat of one input of the result's type folds to it, and constant
    inputs of one element type fold.
  }];
  let arguments = (ins Variadic<QNN_Tensor>:$inputs, I64Attr:$axis);
  let results = (outs QNN_Tensor:$result);
  let assemblyFormat = [{
    $inputs attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

def QNN_SliceOp : QNN_Op<"slice"> {
  let summary = "Strided slice of every dimension";
  let description = [{
    ONNX `Slice` with one `starts`, `ends` and `steps` entry per dimension.
    Negative starts and ends count from the end of the dimension, and both
    are clamped as ONNX does; a negative step walks backwards. The result
    size is `max(0, ceil((end - start) / step))` after clamping.

    ```mlir
    %y = qnn.slice %x {starts = array<i64: 0, 2>, ends = array<i64: 4, 9223372036854775807>,
           steps = array<i64: 1, 2>} : tensor<4x10xf32> -> tensor<4x4xf32>
    ```

    Constraints:
    - (slice-C1) `starts`, `ends` and `steps` have one entry per dimension;
    - (slice-C2) no step is 0;
    - (slice-C3) the result's shape follows from the clamped bounds;
    - (slice-C4) input and result have the same element type.

    A slice that keeps every element folds away, and a constant input
    folds.
  }];
  let arguments = (ins QNN_Tensor:$input, DenseI64ArrayAttr:$starts,
                       DenseI64ArrayAttr:$ends, DenseI64ArrayAttr:$steps);
  let results = (outs QNN_Tensor:$result);
  let assemblyFormat =
      "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def QNN_GatherOp : QNN_Op<"gather"> {
  let summary = "Gather slices along an axis";
  let description = [{
    ONNX `Gather`: the result is `data` with dimension `axis` replaced by the
    shape of `indices`. Negative indices count from the end.

    ```mlir
    %e = qnn.gather %table, %ids {axis = 0 : i64}
         : (tensor<6625x64xf32>, tensor<1x16xi64>) -> tensor<1x16x64xf32>
    ```

    Constraints:
    - (gather-C1) `0 <= axis < rank(data)`;
    - (gather-C2) the result's shape is `data.shape[:axis] + indices.shape +
      data.shape[axis + 1:]`;
    - (gather-C3) `data` and the result have the same element type.

    Constant data and indices fold, unless an index is out of range.
  }];
  let arguments = (ins QNN_Tensor:$data, QNN_IntegerTensor:$indices,
                       I64Attr:$axis);
  let results = (outs QNN_Tensor:$result);
  let assemblyFormat = [{
    $data `,` $indices attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

def QNN_PadOp : QNN_Op<"pad", [QNN_SameExpressedType]> {
  let summary = "Pad a tensor";
  let description = [{
    ONNX `Pad`. `pads` holds all begin pads, then all end pads; a negative
    pad crops. `constant` mode fills with `value`, `reflect` mirrors without
    repeating the edge, `edge` repeats the edge and `wrap` wraps around.

    ```mlir
    %y = qnn.pad %x {pads = array<i64: 0, 0, 1, 1, 0, 0, 1, 1>, mode = #qnn.pad_mode<reflect>}
         : tensor<1x3x8x8xf32> -> tensor<1x3x10x10xf32>
    ```

    Constraints:
    - (pad-C1) `pads` has two entries per dimension;
    - (pad-C2) each result dimension is `dim + begin + end`, and not
      negative;
    - (pad-C3) `reflect` pads are smaller than the dimension they mirror;
    - rule T1 (same expressed type).

    A pad by zero everywhere folds away.
  }];
  let arguments = (ins QNN_Tensor:$input, DenseI64ArrayAttr:$pads,
                       DefaultValuedAttr<QNN_PadModeAttr,
                                         "PadMode::Constant">:$mode,
                       DefaultValuedAttr<F32Attr, "0.0f">:$value);
  let results = (outs QNN_Tensor:$result);
  let assemblyFormat =
      "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def QNN_ResizeOp : QNN_Op<"resize", [QNN_SameExpressedType]> {
  let summary = "Resize by interpolation";
  let description = [{
    ONNX `Resize`. The result's shape gives the output sizes. `scales`, when
    present, is what the coordinate transform divides by (ONNX computes
    `floor(input * scale)` sizes from it); otherwise the scale of each
    dimension is `output / input`.

    ```mlir
    %y = qnn.resize %x {mode = #qnn.resize_mode<nearest>,
           coordinate_transform = #qnn.coordinate_transform<asymmetric>,
           nearest_rounding = #qnn.nearest_rounding<floor>}
         : tensor<1x8x16x16xf32> -> tensor<1x8x32x32xf32>
    ```

    Constraints:
    - (resize-C1) input and result have the same rank;
    - (resize-C2) `scales`, when present, has one positive entry per
      dimension and each static output size is `floor(input * scale)`;
    - (resize-C3) a dynamic output dimension needs `scales`;
    - rule T1 (same expressed type).
  }];
  let arguments = (ins QNN_RealTensor:$input,
                       OptionalAttr<DenseF32ArrayAttr>:$scales,
                       DefaultValuedAttr<QNN_ResizeModeAttr,
                                         "ResizeMode::Nearest">:$mode,
                       DefaultValuedAttr<QNN_CoordinateTransformAttr,
                           "CoordinateTransform::HalfPixel">:$coordinate_transform,
                       DefaultValuedAttr<QNN_NearestRoundingAttr,
                           "NearestRounding::RoundPreferFloor">:$nearest_rounding,
                       DefaultValuedAttr<F32Attr, "-0.75f">:$cubic_coeff_a,
                       DefaultValuedAttr<BoolAttr, "false">:$exclude_outside);
  let results = (outs QNN_RealTensor:$result);
  let assemblyFormat =
      "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

#endif // QUANTC_DIALECT_QNN_IR_QNNSHAPEOPS_TD
