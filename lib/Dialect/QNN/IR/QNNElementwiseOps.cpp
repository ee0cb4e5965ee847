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

namespace {
/// Maps each row-major index of a broadcast result to the indices of the two
/// operand elements it reads.
class BroadcastIndexer {
public:
  BroadcastIndexer(ArrayRef<int64_t> shape, ShapedType lhs, ShapedType rhs)
      : shape(shape), lhsStrides(strides(lhs)), rhsStrides(strides(rhs)) {}

  std::pair<int64_t, int64_t> operator()(int64_t index) const {
    int64_t l = 0, r = 0;
    for (int64_t d = shape.size() - 1; d >= 0; --d) {
      int64_t coordinate = index % shape[d];
      index /= shape[d];
      l += coordinate * lhsStrides[d];
      r += coordinate * rhsStrides[d];
    }
    return {l, r};
  }

private:
  /// The stride of each result dimension in `type`: 0 where it broadcasts.
  SmallVector<int64_t> strides(ShapedType type) const {
    SmallVector<int64_t> result(shape.size(), 0);
    int64_t stride = 1;
    for (int64_t d = type.getRank() - 1, r = shape.size() - 1; d >= 0;
         --d, --r) {
      if (type.getDimSize(d) != 1)
        result[r] = stride;
      stride *= type.getDimSize(d);
    }
    return result;
  }

  ArrayRef<int64_t> shape;
  SmallVector<int64_t> lhsStrides, rhsStrides;
};
} // namespace

/// Applies `fn` to every pair of broadcast elements of `lhs` and `rhs`,
/// read as `T` (APFloat or APInt); fails if `fn` declines an element.
template <typename T, typename Fn>
static Attribute evaluate(DenseElementsAttr lhs, DenseElementsAttr rhs,
                          RankedTensorType resultType, Fn fn) {
  BroadcastIndexer indices(resultType.getShape(), lhs.getType(), rhs.getType());
  auto lhsValues = lhs.getValues<T>();
  auto rhsValues = rhs.getValues<T>();
  SmallVector<T> results;
  for (int64_t i = 0, e = resultType.getNumElements(); i < e; ++i) {
    auto [l, r] = indices(i);
    std::optional<T> value = fn(lhsValues[l], rhsValues[r]);
    if (!value)
      return {};
    results.push_back(*value);
  }
  return DenseElementsAttr::get(resultType, results);
}

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
      lhs.getElementType() != element || rhs.getElementType() != element)
    return {};
  if (isa<FloatType>(element))
    return evaluate<APFloat>(lhs, rhs, resultType, floatFn);
  if (isa<IntegerType>(element))
    return evaluate<APInt>(lhs, rhs, resultType, intFn);
  return {};
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

using FloatMethod = APFloat::opStatus (APFloat::*)(const APFloat &,
                                                   APFloat::roundingMode);

/// Folds the binary arithmetic `op`: to an operand when the other is the
/// splat `identity` (on either side if `op` is commutative), else to a
/// constant when both operands are constants.
static OpFoldResult foldArithmetic(Operation *op, ArrayRef<Attribute> operands,
                                   double identity, FloatMethod floatMethod,
                                   IntFn intFn) {
  Value lhs = op->getOperand(0), rhs = op->getOperand(1);
  auto type = cast<RankedTensorType>(op->getResult(0).getType());
  if (Value x = foldRightIdentity(lhs, rhs, type, identity))
    return x;
  if (op->hasTrait<mlir::OpTrait::IsCommutative>())
    if (Value x = foldRightIdentity(rhs, lhs, type, identity))
      return x;
  return foldBroadcastBinary(
      operands, type,
      [&](const APFloat &a, const APFloat &b) -> std::optional<APFloat> {
        APFloat result = a;
        (result.*floatMethod)(b, APFloat::rmNearestTiesToEven);
        return result;
      },
      intFn);
}

OpFoldResult AddOp::fold(FoldAdaptor adaptor) {
  return foldArithmetic(
      *this, adaptor.getOperands(), 0.0, &APFloat::add,
      [](const APInt &a, const APInt &b) -> std::optional<APInt> {
        return a + b;
      });
}

OpFoldResult SubOp::fold(FoldAdaptor adaptor) {
  return foldArithmetic(
      *this, adaptor.getOperands(), 0.0, &APFloat::subtract,
      [](const APInt &a, const APInt &b) -> std::optional<APInt> {
        return a - b;
      });
}

OpFoldResult MulOp::fold(FoldAdaptor adaptor) {
  return foldArithmetic(
      *this, adaptor.getOperands(), 1.0, &APFloat::multiply,
      [](const APInt &a, const APInt &b) -> std::optional<APInt> {
        return a * b;
      });
}

OpFoldResult DivOp::fold(FoldAdaptor adaptor) {
  // ONNX integer division truncates; division by zero is left to run time,
  // and so is INT_MIN / -1.
  return foldArithmetic(
      *this, adaptor.getOperands(), 1.0, &APFloat::divide,
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
// Comparison and choice
//===----------------------------------------------------------------------===//

LogicalResult CompareOp::verify() {
  // compare-C1; compare-C2 is in the result's type constraint.
  if (getLhs().getType().getElementType() !=
      getRhs().getType().getElementType())
    return emitOpError("operands have element types ")
           << getLhs().getType().getElementType() << " and "
           << getRhs().getType().getElementType();
  return success();
}

/// Whether `order` (of `a` against `b`: -1, 0, 1, or unordered) satisfies
/// `predicate`.
static bool satisfies(ComparePredicate predicate, std::optional<int> order) {
  if (!order)
    return false;
  switch (predicate) {
  case ComparePredicate::Eq:
    return *order == 0;
  case ComparePredicate::Lt:
    return *order < 0;
  case ComparePredicate::Le:
    return *order <= 0;
  case ComparePredicate::Gt:
    return *order > 0;
  case ComparePredicate::Ge:
    return *order >= 0;
  }
  return false;
}

OpFoldResult CompareOp::fold(FoldAdaptor adaptor) {
  auto lhs = dyn_cast_if_present<DenseElementsAttr>(adaptor.getLhs());
  auto rhs = dyn_cast_if_present<DenseElementsAttr>(adaptor.getRhs());
  RankedTensorType type = getType();
  if (!lhs || !rhs || !type.hasStaticShape())
    return {};
  Type element = lhs.getElementType();
  BroadcastIndexer indices(type.getShape(), lhs.getType(), rhs.getType());
  SmallVector<bool> results;
  for (int64_t i = 0, e = type.getNumElements(); i < e; ++i) {
    auto [l, r] = indices(i);
    std::optional<int> order;
    if (isa<FloatType>(element)) {
      APFloat a = lhs.getValues<APFloat>()[l], b = rhs.getValues<APFloat>()[r];
      switch (a.compare(b)) {
      case APFloat::cmpLessThan:
        order = -1;
        break;
      case APFloat::cmpEqual:
        order = 0;
        break;
      case APFloat::cmpGreaterThan:
        order = 1;
        break;
      case APFloat::cmpUnordered:
        break;
      }
    } else {
      APInt a = lhs.getValues<APInt>()[l], b = rhs.getValues<APInt>()[r];
      bool isUnsigned = element.isUnsignedInteger();
      bool less = isUnsigned ? a.ult(b) : a.slt(b);
      order = a == b ? 0 : less ? -1 : 1;
    }
    results.push_back(satisfies(getPredicate(), order));
  }
  return DenseElementsAttr::get(type, results);
}

LogicalResult WhereOp::verify() {
  // where-C1 is in the condition's type constraint; where-C2:
  Type element = getType().getElementType();
  if (getLhs().getType().getElementType() != element ||
      getRhs().getType().getElementType() != element)
    return emitOpError("lhs, rhs and result have element types ")
           << getLhs().getType().getElementType() << ", "
           << getRhs().getType().getElementType() << " and " << element;
  return success();
}

OpFoldResult WhereOp::fold(FoldAdaptor adaptor) {
  RankedTensorType type = getType();
  auto condition =
      dyn_cast_if_present<DenseElementsAttr>(adaptor.getCondition());
  if (!condition)
    return {};
  // A splat condition picks one operand, when it needs no broadcast.
  if (condition.isSplat()) {
    Value picked = condition.getSplatValue<bool>() ? getLhs() : getRhs();
    if (picked.getType() == type)
      return picked;
  }
  auto lhs = dyn_cast_if_present<DenseElementsAttr>(adaptor.getLhs());
  auto rhs = dyn_cast_if_present<DenseElementsAttr>(adaptor.getRhs());
  if (!lhs || !rhs || !type.hasStaticShape())
    return {};
  BroadcastIndexer pick(type.getShape(), condition.getType(), lhs.getType());
  BroadcastIndexer other(type.getShape(), rhs.getType(), rhs.getType());
  auto conditions = condition.getValues<bool>();
  auto choose = [&](auto lhsValues, auto rhsValues, auto results) {
    for (int64_t i = 0, e = type.getNumElements(); i < e; ++i) {
      auto [c, l] = pick(i);
      results.push_back(conditions[c] ? lhsValues[l]
                                      : rhsValues[other(i).first]);
    }
    return DenseElementsAttr::get(type, results);
  };
  if (isa<FloatType>(type.getElementType()))
    return choose(lhs.getValues<APFloat>(), rhs.getValues<APFloat>(),
                  SmallVector<APFloat>());
  return choose(lhs.getValues<APInt>(), rhs.getValues<APInt>(),
                SmallVector<APInt>());
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
    return emitOpError("min ")
           << min->convertToDouble() << " is greater than max "
           << max->convertToDouble();
  return success();
}

OpFoldResult ClipOp::fold(FoldAdaptor) {
  if (!getMin() && !getMax() && getInput().getType() == getType())
    return getInput();
  return {};
}

//===----------------------------------------------------------------------===//
// Conversion
//===----------------------------------------------------------------------===//

LogicalResult CastOp::verify() {
  // cast-C1 is SameOperandsAndResultShape.
  // cast-C2
  for (Type type : {getInput().getType(), getType()}) {
    Type element = getElementTypeOrSelf(type);
    if (isa<FloatType, IntegerType>(element))
      continue;
    return emitOpError("casts floats and integers, not ") << element;
  }
  return success();
}
