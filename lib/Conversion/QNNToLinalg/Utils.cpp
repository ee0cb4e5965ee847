//===- Utils.cpp - Helpers shared by the qnn-to-linalg patterns ----------===//
//
// Empty tensors with dynamic sizes, scalar constants, and the broadcasting
// elementwise linalg.generic that most elementwise patterns build.
//
//===----------------------------------------------------------------------===//

#include "quantc/Conversion/QNNToLinalg/QNNToLinalg.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StructuredOpsUtils.h"

using namespace mlir;
using namespace quantc;
using namespace quantc::qnn_to_linalg;

SmallVector<Value> qnn_to_linalg::getDynamicSizes(OpBuilder &b, Location loc,
                                                  Value value) {
  SmallVector<Value> sizes;
  auto type = cast<RankedTensorType>(value.getType());
  for (int64_t d = 0; d < type.getRank(); ++d)
    if (type.isDynamicDim(d))
      sizes.push_back(tensor::DimOp::create(b, loc, value, d));
  return sizes;
}

Value qnn_to_linalg::createEmpty(OpBuilder &b, Location loc,
                                 RankedTensorType type,
                                 ValueRange dynamicSizes) {
  return tensor::EmptyOp::create(b, loc, type.getShape(), type.getElementType(),
                                 dynamicSizes);
}

Value qnn_to_linalg::createScalar(OpBuilder &b, Location loc, Type type,
                                  double value) {
  if (auto floatType = dyn_cast<FloatType>(type))
    return arith::ConstantOp::create(b, loc, b.getFloatAttr(floatType, value));
  return arith::ConstantOp::create(b, loc,
                                   b.getIntegerAttr(type, int64_t(value)));
}

Value qnn_to_linalg::createElementwise(
    OpBuilder &b, Location loc, RankedTensorType resultType, ValueRange inputs,
    function_ref<Value(OpBuilder &, Location, ValueRange)> body,
    std::optional<ValueRange> givenSizes) {
  int64_t rank = resultType.getRank();
  MLIRContext *context = b.getContext();

  // Each input is aligned to the trailing dimensions of the result; a
  // dimension of static size 1 where the result's is not broadcasts.
  SmallVector<AffineMap> maps;
  SmallVector<Value> dynamicSizes;
  for (Value input : inputs) {
    auto type = cast<RankedTensorType>(input.getType());
    int64_t offset = rank - type.getRank();
    SmallVector<AffineExpr> exprs;
    for (int64_t d = 0; d < type.getRank(); ++d) {
      bool broadcasts =
          type.getDimSize(d) == 1 && resultType.getDimSize(d + offset) != 1;
      exprs.push_back(broadcasts ? getAffineConstantExpr(0, context)
                                 : getAffineDimExpr(d + offset, context));
    }
    maps.push_back(AffineMap::get(rank, 0, exprs, context));
  }
  maps.push_back(b.getMultiDimIdentityMap(rank));

  // A dynamic result size comes from an input that has the dimension
  // unbroadcast.
  if (givenSizes)
    dynamicSizes.assign(givenSizes->begin(), givenSizes->end());
  for (int64_t d = 0; d < rank && !givenSizes; ++d) {
    if (!resultType.isDynamicDim(d))
      continue;
    Value size;
    for (Value input : inputs) {
      auto type = cast<RankedTensorType>(input.getType());
      int64_t inputDim = d - (rank - type.getRank());
      if (inputDim >= 0 && type.getDimSize(inputDim) != 1) {
        size = tensor::DimOp::create(b, loc, input, inputDim);
        break;
      }
    }
    assert(size && "a dynamic result size with no input to read it from");
    dynamicSizes.push_back(size);
  }

  Value init = createEmpty(b, loc, resultType, dynamicSizes);
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, loc, resultType, inputs, init, maps, iterators,
      [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
        Value result = body(nested, nestedLoc, args.drop_back());
        linalg::YieldOp::create(nested, nestedLoc, result);
      });
  return generic.getResult(0);
}

Value ScalarBuilder::constant(double value) {
  return createScalar(b, loc, type, value);
}

Value ScalarBuilder::add(Value x, Value y) {
  return isFloat() ? Value(arith::AddFOp::create(b, loc, x, y))
                   : Value(arith::AddIOp::create(b, loc, x, y));
}

Value ScalarBuilder::sub(Value x, Value y) {
  return isFloat() ? Value(arith::SubFOp::create(b, loc, x, y))
                   : Value(arith::SubIOp::create(b, loc, x, y));
}

Value ScalarBuilder::mul(Value x, Value y) {
  return isFloat() ? Value(arith::MulFOp::create(b, loc, x, y))
                   : Value(arith::MulIOp::create(b, loc, x, y));
}

Value ScalarBuilder::div(Value x, Value y) {
  if (isFloat())
    return arith::DivFOp::create(b, loc, x, y);
  return isUnsigned() ? Value(arith::DivUIOp::create(b, loc, x, y))
                      : Value(arith::DivSIOp::create(b, loc, x, y));
}

Value ScalarBuilder::max(Value x, Value y) {
  if (isFloat())
    return arith::MaximumFOp::create(b, loc, x, y);
  return isUnsigned() ? Value(arith::MaxUIOp::create(b, loc, x, y))
                      : Value(arith::MaxSIOp::create(b, loc, x, y));
}

Value ScalarBuilder::min(Value x, Value y) {
  if (isFloat())
    return arith::MinimumFOp::create(b, loc, x, y);
  return isUnsigned() ? Value(arith::MinUIOp::create(b, loc, x, y))
                      : Value(arith::MinSIOp::create(b, loc, x, y));
}

Value ScalarBuilder::clampUnit(Value x) {
  return max(constant(0.0), min(constant(1.0), x));
}

Value qnn_to_linalg::createFromCoordinates(
    OpBuilder &b, Location loc, RankedTensorType type, ValueRange dynamicSizes,
    function_ref<Value(OpBuilder &, Location, ValueRange)> body) {
  int64_t rank = type.getRank();
  Value init = createEmpty(b, loc, type, dynamicSizes);
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  return linalg::GenericOp::create(
             b, loc, type, ValueRange(), init,
             ArrayRef<AffineMap>{b.getMultiDimIdentityMap(rank)}, iterators,
             [&](OpBuilder &nested, Location nestedLoc, ValueRange) {
               SmallVector<Value> coordinates;
               for (int64_t d = 0; d < rank; ++d)
                 coordinates.push_back(
                     linalg::IndexOp::create(nested, nestedLoc, d));
               linalg::YieldOp::create(nested, nestedLoc,
                                       body(nested, nestedLoc, coordinates));
             })
      .getResult(0);
}
