//===- QNNElementwiseOps.cpp - Elementwise arithmetic and activations ----===//
//
// Folders of the broadcasting binary ops and verifiers and folders of the
// activations. Constant folding evaluates float operands in their own
// format, rounding to nearest even, and integer operands with wrap-around,
// as the lowered code does. qnn does not keep the sign of a zero: x + 0
// folds to x.
//
//===----------------------------------------------------------------------===//

#include "quantc/Dialect/QNN/IR/QNNOps.h"

#include "mlir/IR/Matchers.h"
#include "mlir/IR/TypeUtilities.h"

#include <optional>

using namespace mlir;
using namespace quantc;
using namespace quantc::qnn;

using FloatFn =
    function_ref<std::optional<APFloat>(const APFloat &, const APFloat &)>;
using IntFn = function_ref<std::optional<APInt>(const APInt &, const APInt &)>;

/// Evaluates a binary op on two dense constants with numpy broadcasting.
/// Only plain float or integer tensors fold; quantized constants hold stored
/// integers, not the values they stand for.
static Attribute foldBroadcastBinary(ArrayRef<Attribute> operands,
                                     RankedTensorType resultType,
                                     FloatFn floatFn, IntFn intFn) {
  auto lhs = dyn_cast_if_present<DenseElementsAttr>(operands[0]);
  auto rhs = dyn_cast_if_present<DenseElementsAttr>(operands[1]);
  Type element = resultType.getElementType();
  if (!lhs || !rhs || !resultType.hasStaticShape() ||
      lhs.getElementType() != element || rhs.getElementType() != element ||
      !(isa<FloatType>(element) || isa<IntegerType>(element)))
    return {};

  ArrayRef<int64_t> shape = resultType.getShape();
  int64_t rank = shape.size();
  // Stride of each result dimension in an operand: 0 where it broadcasts.
  auto broadcastStrides = [&](ShapedType type) {
    SmallVector<int64_t> strides(rank, 0);
    int64_t stride = 1;
    for (int64_t d = type.getRank() - 1, r = rank - 1; d >= 0; --d, --r) {
      if (type.getDimSize(d) != 1)
        strides[r] = stride;
      stride *= type.getDimSize(d);
    }
    return strides;
  };
  SmallVector<int64_t> lhsStrides = broadcastStrides(lhs.getType());
  SmallVector<int64_t> rhsStrides = broadcastStrides(rhs.getType());
  auto operandIndices = [&](int64_t index) {
    int64_t l = 0, r = 0;
    for (int64_t d = rank - 1; d >= 0; --d) {
      int64_t coordinate = index % shape[d];
      index /= shape[d];
      l += coordinate * lhsStrides[d];
      r += coordinate * rhsStrides[d];
    }
    return std::make_pair(l, r);
  };

  int64_t numElements = resultType.getNumElements();
  if (isa<FloatType>(element)) {
    auto lhsValues = lhs.getValues<APFloat>();
    auto rhsValues = rhs.getValues<APFloat>();
    SmallVector<APFloat> results;
    for (int64_t i = 0; i < numElements; ++i) {
      auto [l, r] = operandIndices(i);
      std::optional<APFloat> value = floatFn(lhsValues[l], rhsValues[r]);
      if (!value)
        return {};
      results.push_back(*value);
    }
    return DenseElementsAttr::get(resultType, results);
  }
  auto lhsValues = lhs.getValues<APInt>();
  auto rhsValues = rhs.getValues<APInt>();
  SmallVector<APInt> results;
  for (int64_t i = 0; i < numElements; ++i) {
    auto [l, r] = operandIndices(i);
    std::optional<APInt> value = intFn(lhsValues[l], rhsValues[r]);
    if (!value)
      return {};
    results.push_back(*value);
  }
  return DenseElementsAttr::get(resultType, results);
}

/// True if `value` is a float or integer constant whose every element is
/// `splat`. A quantized constant holds stored integers, so it never is.
static bool isSplatConstant(Value value, double splat) {
  if (isa<quant::QuantizedType>(getElementTypeOrSelf(value.getType())))
    return false;
  DenseElementsAttr attr;
  if (!matchPattern(value, m_Constant(&attr)) || !attr.isSplat())
    return false;
  Type element = attr.getElementType();
  if (isa<FloatType>(element))
    return attr.getSplatValue<APFloat>().convertToDouble() == splat;
  if (isa<IntegerType>(element))
    return attr.getSplatValue<APInt>().getSExtValue() == int64_t(splat);
  return false;
}

/// `x op c` where `c` is the identity of `op` folds to `x` if no broadcast
/// or type change happens.
static Value foldRightIdentity(Value lhs, Value rhs, Type resultType,
                               double identity) {
  if (lhs.getType() == resultType && isSplatConstant(rhs, identity))
    return lhs;
  return {};
}

static APFloat apply(APFloat lhs, const APFloat &rhs,
                     APFloat::opStatus (APFloat::*fn)(const APFloat &,
                                                      APFloat::roundingMode)) {
  (lhs.*fn)(rhs, APFloat::rmNearestTiesToEven);
  return lhs;
}

OpFoldResult AddOp::fold(FoldAdaptor adaptor) {
  if (Value x = foldRightIdentity(getLhs(), getRhs(), getType(), 0.0))
    return x;
  if (Value x = foldRightIdentity(getRhs(), getLhs(), getType(), 0.0))
    return x;
  return foldBroadcastBinary(
      adaptor.getOperands(), getType(),
      [](const APFloat &a, const APFloat &b) -> std::optional<APFloat> {
        return apply(a, b, &APFloat::add);
      },
      [](const APInt &a, const APInt &b) -> std::optional<APInt> {
        return a + b;
      });
}

OpFoldResult SubOp::fold(FoldAdaptor adaptor) {
  if (Value x = foldRightIdentity(getLhs(), getRhs(), getType(), 0.0))
    return x;
  return foldBroadcastBinary(
      adaptor.getOperands(), getType(),
      [](const APFloat &a, const APFloat &b) -> std::optional<APFloat> {
        return apply(a, b, &APFloat::subtract);
      },
      [](const APInt &a, const APInt &b) -> std::optional<APInt> {
        return a - b;
      });
}

OpFoldResult MulOp::fold(FoldAdaptor adaptor) {
  if (Value x = foldRightIdentity(getLhs(), getRhs(), getType(), 1.0))
    return x;
  if (Value x = foldRightIdentity(getRhs(), getLhs(), getType(), 1.0))
    return x;
  return foldBroadcastBinary(
      adaptor.getOperands(), getType(),
      [](const APFloat &a, const APFloat &b) -> std::optional<APFloat> {
        return apply(a, b, &APFloat::multiply);
      },
      [](const APInt &a, const APInt &b) -> std::optional<APInt> {
        return a * b;
      });
}

OpFoldResult DivOp::fold(FoldAdaptor adaptor) {
  if (Value x = foldRightIdentity(getLhs(), getRhs(), getType(), 1.0))
    return x;
  return foldBroadcastBinary(
      adaptor.getOperands(), getType(),
      [](const APFloat &a, const APFloat &b) -> std::optional<APFloat> {
        return apply(a, b, &APFloat::divide);
      },
      // ONNX integer division truncates; division by zero is left to run
      // time, and so is INT_MIN / -1.
      [](const APInt &a, const APInt &b) -> std::optional<APInt> {
        bool overflow = false;
        if (b.isZero())
          return std::nullopt;
        APInt quotient = a.sdiv_ov(b, overflow);
        if (overflow)
          return std::nullopt;
        return quotient;
      });
}

//===----------------------------------------------------------------------===//
// Activations
//===----------------------------------------------------------------------===//

OpFoldResult ReluOp::fold(FoldAdaptor) {
  // relu is idempotent.
  auto inner = getInput().getDefiningOp<ReluOp>();
  if (inner && inner.getType() == getType())
    return getInput();
  return {};
}

LogicalResult ClipOp::verify() {
  // clip-C1
  std::optional<APFloat> min = getMin(), max = getMax();
  if (min && max && max->compare(*min) == APFloat::cmpLessThan)
    return emitOpError("min ") << min->convertToDouble()
                               << " is greater than max "
                               << max->convertToDouble();
  return success();
}

OpFoldResult ClipOp::fold(FoldAdaptor) {
  if (!getMin() && !getMax() && getInput().getType() == getType())
    return getInput();
  return {};
}
