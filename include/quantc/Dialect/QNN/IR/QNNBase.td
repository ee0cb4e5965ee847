//===- QNNBase.td - qnn dialect, type constraints and traits -*- tablegen -*-===//
//
// The qnn dialect definition and the pieces every qnn op shares: the tensor
// type constraints and the native traits that check quantized types against
// tensor shapes and expressed types.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_DIALECT_QNN_IR_QNNBASE_TD
#define QUANTC_DIALECT_QNN_IR_QNNBASE_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/Dialect/Quant/IR/QuantBase.td"

def QNN_Dialect : Dialect {
  let name = "qnn";
  let cppNamespace = "::quantc::qnn";
  let summary = "Tensor operations on float and quantized values";
  let description = [{
    `qnn` models neural-network graphs as tensor operations with value
    semantics. A tensor's element type is a float type, a signless integer
    type, or one of the upstream `quant` dialect's quantized types
    (`!quant.uniform` per tensor, per axis or sub-channel).

    Every op has real-valued semantics: a quantized operand stands for the
    real values `(q - zero_point) * scale`, the op computes its float
    function on those values, and a quantized result holds that function's
    value quantized to the result type (round half to even, then saturate to
    the storage range). Passes choose how to compute this; integer-only
    lowering must reproduce it within the rounding rules of
    `docs/numerics.md`.
  }];
  let dependentDialects = ["::mlir::quant::QuantDialect"];
  let hasConstantMaterializer = 1;
  let useDefaultAttributePrinterParser = 1;
}

//===----------------------------------------------------------------------===//
// Type constraints
//===----------------------------------------------------------------------===//

def QNN_QuantizedType : Type<
    CPred<"::llvm::isa<::mlir::quant::QuantizedType>($_self)">,
    "quantized type">;

/// Any element a qnn tensor may carry.
def QNN_Tensor : RankedTensorOf<[AnyFloat, AnyInteger,
                                 QNN_QuantizedType]>;
/// A tensor whose elements stand for real numbers.
def QNN_RealTensor : RankedTensorOf<[AnyFloat, QNN_QuantizedType]>;
def QNN_FloatTensor : RankedTensorOf<[AnyFloat]>;
def QNN_QuantizedTensor : RankedTensorOf<[QNN_QuantizedType]>;
def QNN_IntegerTensor : RankedTensorOf<[AnyInteger]>;

//===----------------------------------------------------------------------===//
// Traits
//===----------------------------------------------------------------------===//

/// Every quantized operand and result has quantization parameters that fit
/// its shape (rule T2 in docs/dialect.md).
def QNN_QuantizedShapesFit : NativeOpTrait<"QuantizedShapesFit"> {
  let cppNamespace = "::quantc::qnn::OpTrait";
}

/// All operands and results carry the same expressed type: a float tensor
/// expresses its own element type, a quantized tensor its expressed type, an
/// integer tensor its own integer type (rule T1 in docs/dialect.md).
def QNN_SameExpressedType : NativeOpTrait<"SameExpressedType"> {
  let cppNamespace = "::quantc::qnn::OpTrait";
}

/// The result's shape is the numpy broadcast of the operand shapes (rule T3
/// in docs/dialect.md).
def QNN_BroadcastsOperands : NativeOpTrait<"BroadcastsOperands"> {
  let cppNamespace = "::quantc::qnn::OpTrait";
}

//===----------------------------------------------------------------------===//
// Op base class
//===----------------------------------------------------------------------===//

/// Every qnn op is pure and checks its quantized types against its shapes.
class QNN_Op<string mnemonic, list<Trait> traits = []>
    : Op<QNN_Dialect, mnemonic,
         !listconcat(traits, [Pure, QNN_QuantizedShapesFit])>;

#endif // QUANTC_DIALECT_QNN_IR_QNNBASE_TD
