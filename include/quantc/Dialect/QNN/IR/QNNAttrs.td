//===- QNNAttrs.td - qnn enum attributes ---------------------*- tablegen -*-===//
//
// Enumerations that select an op's variant: the reduction combiner, padding
// and resize modes, and the GELU approximation.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_DIALECT_QNN_IR_QNNATTRS_TD
#define QUANTC_DIALECT_QNN_IR_QNNATTRS_TD

include "quantc/Dialect/QNN/IR/QNNBase.td"
include "mlir/IR/EnumAttr.td"

class QNN_EnumAttr<EnumAttrInfo info, string name>
    : EnumAttr<QNN_Dialect, info, name> {
  let assemblyFormat = "`<` $value `>`";
}

def QNN_ReduceKind : I32EnumAttr<"ReduceKind", "reduction combiner", [
    I32EnumAttrCase<"Sum", 0, "sum">,
    I32EnumAttrCase<"Mean", 1, "mean">,
    I32EnumAttrCase<"Max", 2, "max">,
    I32EnumAttrCase<"Min", 3, "min">,
    I32EnumAttrCase<"Prod", 4, "prod">,
    I32EnumAttrCase<"SumSquare", 5, "sum_square">,
    I32EnumAttrCase<"L1", 6, "l1">,
    I32EnumAttrCase<"L2", 7, "l2">]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::quantc::qnn";
}
def QNN_ReduceKindAttr : QNN_EnumAttr<QNN_ReduceKind, "reduce_kind">;

def QNN_PadMode : I32EnumAttr<"PadMode", "padding mode", [
    I32EnumAttrCase<"Constant", 0, "constant">,
    I32EnumAttrCase<"Reflect", 1, "reflect">,
    I32EnumAttrCase<"Edge", 2, "edge">,
    I32EnumAttrCase<"Wrap", 3, "wrap">]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::quantc::qnn";
}
def QNN_PadModeAttr : QNN_EnumAttr<QNN_PadMode, "pad_mode">;

def QNN_GeluApproximation : I32EnumAttr<"GeluApproximation",
    "GELU approximation", [
    I32EnumAttrCase<"None", 0, "none">,
    I32EnumAttrCase<"Tanh", 1, "tanh">]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::quantc::qnn";
}
def QNN_GeluApproximationAttr
    : QNN_EnumAttr<QNN_GeluApproximation, "gelu_approximation">;

def QNN_ComparePredicate : I32EnumAttr<"ComparePredicate",
    "elementwise comparison", [
    I32EnumAttrCase<"Eq", 0, "eq">,
    I32EnumAttrCase<"Lt", 1, "lt">,
    I32EnumAttrCase<"Le", 2, "le">,
    I32EnumAttrCase<"Gt", 3, "gt">,
    I32EnumAttrCase<"Ge", 4, "ge">]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::quantc::qnn";
}
def QNN_ComparePredicateAttr
    : QNN_EnumAttr<QNN_ComparePredicate, "compare_predicate">;

def QNN_ResizeMode : I32EnumAttr<"ResizeMode", "resize interpolation", [
    I32EnumAttrCase<"Nearest", 0, "nearest">,
    I32EnumAttrCase<"Linear", 1, "linear">,
    I32EnumAttrCase<"Cubic", 2, "cubic">]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::quantc::qnn";
}
def QNN_ResizeModeAttr : QNN_EnumAttr<QNN_ResizeMode, "resize_mode">;

def QNN_CoordinateTransform : I32EnumAttr<"CoordinateTransform",
    "mapping from output to input coordinates", [
    I32EnumAttrCase<"HalfPixel", 0, "half_pixel">,
    I32EnumAttrCase<"HalfPixelSymmetric", 1, "half_pixel_symmetric">,
    I32EnumAttrCase<"PytorchHalfPixel", 2, "pytorch_half_pixel">,
    I32EnumAttrCase<"AlignCorners", 3, "align_corners">,
    I32EnumAttrCase<"Asymmetric", 4, "asymmetric">]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::quantc::qnn";
}
def QNN_CoordinateTransformAttr
    : QNN_EnumAttr<QNN_CoordinateTransform, "coordinate_transform">;

def QNN_NearestRounding : I32EnumAttr<"NearestRounding",
    "rounding of a nearest-neighbour source coordinate", [
    I32EnumAttrCase<"RoundPreferFloor", 0, "round_prefer_floor">,
    I32EnumAttrCase<"RoundPreferCeil", 1, "round_prefer_ceil">,
    I32EnumAttrCase<"Floor", 2, "floor">,
    I32EnumAttrCase<"Ceil", 3, "ceil">]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::quantc::qnn";
}
def QNN_NearestRoundingAttr
    : QNN_EnumAttr<QNN_NearestRounding, "nearest_rounding">;

#endif // QUANTC_DIALECT_QNN_IR_QNNATTRS_TD
