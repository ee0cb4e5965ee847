//===- QNNQuantOps.td - Constants and quantization casts -----*- tablegen -*-===//
//
// Ops that move values between float and quantized types, and the constant
// op that holds float, integer and quantized tensors.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_DIALECT_QNN_IR_QNNQUANTOPS_TD
#define QUANTC_DIALECT_QNN_IR_QNNQUANTOPS_TD

include "quantc/Dialect/QNN/IR/QNNBase.td"

def QNN_ConstantOp : QNN_Op<"constant", [ConstantLike]> {
  let summary = "A constant tensor";
  let description = [{
    Holds a constant tensor. For a float or integer result the value's type
    equals the result type. For a quantized result the value holds the stored
    integers: its element type is the quantized type's storage type.

    ```mlir
    %w = qnn.constant dense<[[1.0, -2.0]]> : tensor<1x2xf32> -> tensor<1x2xf32>
    %q = qnn.constant dense<[3, -4]> : tensor<2xi8>
           -> tensor<2x!quant.uniform<i8:f32, 0.5>>
    ```

    Constraints:
    - (constant-C1) the value's shape equals the result's shape, which is
      static;
    - (constant-C2) the value's element type is the result's element type or,
      for a quantized result, its storage type.
  }];
  let arguments = (ins ElementsAttr:$value);
  let results = (outs QNN_Tensor:$result);
  let assemblyFormat = "attr-dict $value `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
  let extraClassDeclaration = [{
    /// Checks constant-C1 and constant-C2 for `value` as a constant of
    /// `type`, reporting through `emitError`.
    static ::mlir::LogicalResult verifyValueFitsType(
        ::mlir::ElementsAttr value, ::mlir::RankedTensorType type,
        ::llvm::function_ref<::mlir::InFlightDiagnostic()> emitError);
  }];
}

/// Dense float elements of any float type.
def QNN_FloatElementsAttr : ElementsAttrBase<
    CPred<"::llvm::isa<::mlir::DenseFPElementsAttr>($_self)">,
    "dense float elements attribute"> {
  let storageType = [{ ::mlir::DenseFPElementsAttr }];
  let returnType = [{ ::mlir::DenseFPElementsAttr }];
  let convertFromStorage = "$_self";
}

def QNN_CodebookConstantOp : QNN_Op<"codebook_constant", [Pure]> {
  let summary = "A constant tensor stored as indices into a codebook";
  let description = [{
    A float constant whose elements all come from a small table, the
    codebook: element `e` is `codebook[indices[e]]`, or with `axis`,
    `codebook[c, indices[e]]` with `c` the element's coordinate along
    `axis` (one codebook per channel). Weight sharing (k-means) and
    power-of-two quantization of weights give it (qnn-quantize-codebook).
    Indices are 4- or 8-bit unsigned integers; the compiled code stores
    4-bit indices two to a byte and looks every element up.

    ```mlir
    %w = qnn.codebook_constant dense<[[0, 3], [1, 2]]> : tensor<2x2xui4>,
           dense<[-1.0, -0.5, 0.5, 1.0]> : tensor<4xf32> -> tensor<2x2xf32>
    %v = qnn.codebook_constant dense<[[0, 1], [1, 0]]> : tensor<2x2xui4>,
           dense<[[-1.0, 1.0], [0.5, 2.0]]> : tensor<2x2xf32> {axis = 1 : i64}
           -> tensor<2x2xf32>
    ```

    Constraints:
    - (codebook_constant-C1) the indices' shape equals the result's shape,
      which is static;
    - (codebook_constant-C2) the indices are `ui4` or `ui8`;
    - (codebook_constant-C3) the codebook's element type is the result's
      element type;
    - (codebook_constant-C4) without `axis` the codebook has rank 1; with
      `axis` in `[0, rank)` it has rank 2, one row per element along
      `axis`;
    - (codebook_constant-C5) a codebook row has between 1 and `2^bits`
      entries, and every index is below their number.
  }];
  let arguments = (ins AnyIntElementsAttr:$indices,
                       QNN_FloatElementsAttr:$codebook,
                       OptionalAttr<I64Attr>:$axis);
  let results = (outs QNN_FloatTensor:$result);
  let assemblyFormat = "$indices `,` $codebook attr-dict `->` type($result)";
  let hasVerifier = 1;
}

def QNN_QuantizeOp : QNN_Op<"quantize", [SameOperandsAndResultShape]> {
  let summary = "Quantize a float tensor";
  let description = [{
    Maps each real value `x` to `clamp(round_half_even(x / scale) + zp,
    qmin, qmax)`, with the scale and zero point that apply to the element
    (per tensor, per axis or per block) and `[qmin, qmax]` the storage range.
    The division is done in the expressed float type, as ONNX's
    QuantizeLinear does.

    ```mlir
    %q = qnn.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<u8:f32, 0.1:128>>
    ```

    Constraints:
    - (quantize-C1) the result's expressed type is the input's element type.

    A constant input folds to a quantized constant, and
    `quantize(dequantize(q))` to `q`'s own type folds to `q`.
  }];
  let arguments = (ins QNN_FloatTensor:$input);
  let results = (outs QNN_QuantizedTensor:$result);
  let assemblyFormat =
      "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def QNN_DequantizeOp : QNN_Op<"dequantize", [SameOperandsAndResultShape]> {
  let summary = "Dequantize a tensor to float";
  let description = [{
    Maps each stored integer `q` to `(q - zp) * scale` in the expressed float
    type, as ONNX's DequantizeLinear does.

    ```mlir
    %x = qnn.dequantize %q : tensor<4x!quant.uniform<u8:f32, 0.1:128>> -> tensor<4xf32>
    ```

    Constraints:
    - (dequantize-C1) the result's element type is the input's expressed
      type.

    A constant input folds to a float constant. `dequantize(quantize(x))` is
    not folded: it rounds.
  }];
  let arguments = (ins QNN_QuantizedTensor:$input);
  let results = (outs QNN_FloatTensor:$result);
  let assemblyFormat =
      "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def QNN_RequantizeOp : QNN_Op<"requantize",
    [SameOperandsAndResultShape, QNN_SameExpressedType]> {
  let summary = "Change a quantized tensor's scale, zero point or storage";
  let description = [{
    Re-expresses the real values of a quantized tensor in another quantized
    type: the result is `quantize(dequantize(x))` with exact real arithmetic
    in between, rounded half to even once.

    ```mlir
    %r = qnn.requantize %q : tensor<4x!quant.uniform<i32:f32, 0.001>>
           -> tensor<4x!quant.uniform<i8:f32, 0.05:-3>>
    ```

    Constraints: rule T1 (same expressed type).

    A requantize to its own input type folds away.
  }];
  let arguments = (ins QNN_QuantizedTensor:$input);
  let results = (outs QNN_QuantizedTensor:$result);
  let assemblyFormat =
      "$input attr-dict `:` type($input) `->` type($result)";
  let hasFolder = 1;
}

def QNN_QuantizeLinearOp : QNN_Op<"quantize_linear"> {
  let summary = "Quantize a float tensor with run-time parameters";
  let description = [{
    ONNX `QuantizeLinear` when the scale or zero point is only known at run
    time: `clamp(round_half_even(x / scale) + zero_point, qmin, qmax)` with
    `[qmin, qmax]` the range of the zero point's integer type, NaN to the
    zero point. The result holds plain integers; `qnn.quantize` is the
    compile-time form, whose result type carries the parameters. The scale
    and zero point are scalars (rank 0) or 1-D along `axis`.

    ```mlir
    %q = qnn.quantize_linear %x, %scale, %zp {axis = 1 : i64}
         : (tensor<2x3xf32>, tensor<3xf32>, tensor<3xui8>) -> tensor<2x3xui8>
    ```

    Constraints:
    - (quantize_linear-C1) the scale has the input's element type and the
      zero point and result one 8-, 16- or 32-bit integer type;
    - (quantize_linear-C2) the scale and zero point have one shape: rank 0,
      or `[D]` with `D` the input's size along `axis`;
    - (quantize_linear-C3) the result has the input's shape.
  }];
  let arguments = (ins QNN_FloatTensor:$input, QNN_FloatTensor:$scale,
                       QNN_IntegerTensor:$zero_point,
                       DefaultValuedAttr<I64Attr, "1">:$axis);
  let results = (outs QNN_IntegerTensor:$result);
  let assemblyFormat = [{
    $input `,` $scale `,` $zero_point attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def QNN_DequantizeLinearOp : QNN_Op<"dequantize_linear"> {
  let summary = "Dequantize an integer tensor with run-time parameters";
  let description = [{
    ONNX `DequantizeLinear` on plain integers, with a scale and zero point
    known at compile time or only at run time: `(float(q) - float(zp)) *
    scale`. The scale and zero point are scalars (rank 0) or 1-D along
    `axis`.

    ```mlir
    %x = qnn.dequantize_linear %q, %scale, %zp
         : (tensor<4xui8>, tensor<f32>, tensor<ui8>) -> tensor<4xf32>
    ```

    Constraints:
    - (dequantize_linear-C1) the zero point has the input's element type,
      an 8-, 16- or 32-bit integer type, and the result the scale's;
    - (dequantize_linear-C2) as quantize_linear-C2;
    - (dequantize_linear-C3) the result has the input's shape.
  }];
  let arguments = (ins QNN_IntegerTensor:$input, QNN_FloatTensor:$scale,
                       QNN_IntegerTensor:$zero_point,
                       DefaultValuedAttr<I64Attr, "1">:$axis);
  let results = (outs QNN_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $scale `,` $zero_point attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def QNN_DynamicQuantizeLinearOp : QNN_Op<"dynamic_quantize_linear"> {
  let summary = "Quantize to u8 with parameters computed from the data";
  let description = [{
    ONNX `DynamicQuantizeLinear`, per tensor or per row: over the tensor
    (or over each row, the last dimension), `lo = min(0, min(x))` and
    `hi = max(0, max(x))`, then in f32

        scale = (hi - lo) / 255      (1 when hi == lo)
        zero_point = clamp(round_half_even(0 - lo / scale), 0, 255)
        y = clamp(round_half_even(x / scale) + zero_point, 0, 255)

    The range includes 0, so 0 is exact. `scale` and `zero_point` are
    rank 0 per tensor, or the input's shape with last dimension 1 per row.

    ```mlir
    %y, %scale, %zp = qnn.dynamic_quantize_linear %x
         : (tensor<4x8xf32>) -> (tensor<4x8xui8>, tensor<f32>, tensor<ui8>)
    ```

    Constraints:
    - (dynamic_quantize_linear-C1) the input holds f32, `y` and
      `zero_point` ui8 and `scale` f32;
    - (dynamic_quantize_linear-C2) `y` has the input's shape, and `scale`
      and `zero_point` the shape above;
    - (dynamic_quantize_linear-C3) `per_row` needs rank 1 or more.
  }];
  let arguments = (ins QNN_FloatTensor:$input,
                       DefaultValuedAttr<BoolAttr, "false">:$per_row);
  let results = (outs QNN_IntegerTensor:$result, QNN_FloatTensor:$scale,
                      QNN_IntegerTensor:$zero_point);
  let assemblyFormat = [{
    $input attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

#endif // QUANTC_DIALECT_QNN_IR_QNNQUANTOPS_TD
