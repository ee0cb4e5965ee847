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

#endif // QUANTC_DIALECT_QNN_IR_QNNQUANTOPS_TD
