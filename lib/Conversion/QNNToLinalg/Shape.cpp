//===- Shape.cpp - Lower qnn data movement ops ---------------------------===//
//
// Reshape becomes tensor.reshape (with a shape operand built from static
// sizes and the one inferred dynamic size), transpose linalg.transpose,
// concat a chain of tensor.insert_slice. Slices with positive steps are
// tensor.extract_slice; other slices, gathers and the non-constant pad
// modes are linalg.generic ops that compute each output element's source
// index and read it with tensor.extract.
//
//===----------------------------------------------------------------------===//

#include "quantc/Conversion/QNNToLinalg/QNNToLinalg.h"
#include "quantc/Dialect/QNN/IR/QNNOps.h"
#include "quantc/Dialect/QNN/IR/ShapeInference.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Utils/StructuredOpsUtils.h"

#include <limits>

using namespace mlir;
using namespace quantc;
using namespace quantc::qnn_to_linalg;

namespace {

struct ReshapeLowering final : OpRewritePattern<qnn::ReshapeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(qnn::ReshapeOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType resultType = op.getType();
    Value input = op.getInput();
    SmallVector<Value> sizes;
    if (Value shape = op.getShape()) {
      // The shape operand holds the exact sizes.
      auto shapeType = cast<RankedTensorType>(shape.getType());
      for (int64_t i = 0; i < resultType.getRank(); ++i) {
        Value index = arith::ConstantIndexOp::create(rewriter, loc, i);
        Value size = tensor::ExtractOp::create(rewriter, loc, shape, index);
        if (!shapeType.getElementType().isIndex())
          size = arith::IndexCastOp::create(rewriter, loc,
                                            rewriter.getIndexType(), size);
        sizes.push_back(size);
      }
    } else {
      // Static sizes, and at most one dynamic size: the element count
      // divided by the product of the static sizes.
      Value count = arith::ConstantIndexOp::create(rewriter, loc, 1);
      RankedTensorType inputType = op.getInput().getType();
      for (int64_t d = 0; d < inputType.getRank(); ++d)
        count = arith::MulIOp::create(
            rewriter, loc, count,
            tensor::DimOp::create(rewriter, loc, input, d));
      int64_t known = 1;
      for (int64_t size : resultType.getShape())
        if (!ShapedType::isDynamic(size))
          known *= size;
      for (int64_t size : resultType.getShape())
        sizes.push_back(
            ShapedType::isDynamic(size)
                ? Value(arith::DivUIOp::create(
                      rewriter, loc, count,
                      arith::ConstantIndexOp::create(rewriter, loc, known)))
                : Value(arith::ConstantIndexOp::create(rewriter, loc, size)));
    }
    Value shape = tensor::FromElementsOp::create(
        rewriter, loc,
        RankedTensorType::get({resultType.getRank()}, rewriter.getIndexType()),
        sizes);
    rewriter.replaceOpWithNewOp<tensor::ReshapeOp>(op, resultType, input,
                                                   shape);
    return success();
  }
};

struct TransposeLowering final : OpRewritePattern<qnn::TransposeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(qnn::TransposeOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    SmallVector<Value> sizes;
    for (auto [i, p] : llvm::enumerate(op.getPerm()))
      if (op.getType().isDynamicDim(i))
        sizes.push_back(tensor::DimOp::create(rewriter, loc, op.getInput(), p));
    Value init = createEmpty(rewriter, loc, op.getType(), sizes);
    rewriter.replaceOpWithNewOp<linalg::TransposeOp>(op, op.getInput(), init,
                                                     op.getPerm());
    return success();
  }
};

/// An index constant.
static Value index(OpBuilder &b, Location loc, int64_t value) {
  return arith::ConstantIndexOp::create(b, loc, value);
}

/// The size of dimension `d` of `value` as an index.
static Value dimSize(OpBuilder &b, Location loc, Value value, int64_t d) {
  auto type = cast<RankedTensorType>(value.getType());
  if (!type.isDynamicDim(d))
    return index(b, loc, type.getDimSize(d));
  return tensor::DimOp::create(b, loc, value, d);
}

struct ConcatLowering final : OpRewritePattern<qnn::ConcatOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(qnn::ConcatOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = op.getType();
    int64_t rank = type.getRank(), axis = op.getAxis();
    // The result's sizes: the first input's, with the axis summed.
    Value first = op.getInputs()[0];
    Value total = index(rewriter, loc, 0);
    for (Value input : op.getInputs())
      total = arith::AddIOp::create(rewriter, loc, total,
                                    dimSize(rewriter, loc, input, axis));
    SmallVector<Value> sizes;
    for (int64_t d = 0; d < rank; ++d)
      if (type.isDynamicDim(d))
        sizes.push_back(d == axis ? total : dimSize(rewriter, loc, first, d));
    Value result = createEmpty(rewriter, loc, type, sizes);
    // Offsets stay static while the sizes before them are.
    OpFoldResult offset = rewriter.getIndexAttr(0);
    for (Value input : op.getInputs()) {
      SmallVector<OpFoldResult> offsets(rank, rewriter.getIndexAttr(0));
      SmallVector<OpFoldResult> strides(rank, rewriter.getIndexAttr(1));
      offsets[axis] = offset;
      result = tensor::InsertSliceOp::create(
          rewriter, loc, input, result, offsets,
          tensor::getMixedSizes(rewriter, loc, input), strides);
      std::optional<int64_t> known = getConstantIntValue(offset);
      auto inputType = cast<RankedTensorType>(input.getType());
      if (known && !inputType.isDynamicDim(axis))
        offset = rewriter.getIndexAttr(*known + inputType.getDimSize(axis));
      else
        offset = arith::AddIOp::create(
                     rewriter, loc,
                     getValueOrCreateConstantIndexOp(rewriter, loc, offset),
                     dimSize(rewriter, loc, input, axis))
                     .getResult();
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct SliceLowering final : OpRewritePattern<qnn::SliceOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(qnn::SliceOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType inputType = op.getInput().getType();
    RankedTensorType type = op.getType();
    int64_t rank = type.getRank();
    // Sizes and starts are only computed for static input dimensions here.
    for (int64_t d = 0; d < rank; ++d)
      if (inputType.isDynamicDim(d) &&
          (op.getStarts()[d] != 0 || op.getSteps()[d] != 1 ||
           op.getEnds()[d] < std::numeric_limits<int64_t>::max() / 2))
        return rewriter.notifyMatchFailure(
            op, "slicing a dynamic dimension is only lowered for the whole "
                "dimension");
    SmallVector<int64_t> starts;
    for (int64_t d = 0; d < rank; ++d)
      starts.push_back(inputType.isDynamicDim(d)
                           ? 0
                           : qnn::getSliceStart(inputType.getDimSize(d),
                                                op.getStarts()[d],
                                                op.getSteps()[d]));
    SmallVector<Value> sizes;
    for (int64_t d = 0; d < rank; ++d)
      if (type.isDynamicDim(d))
        sizes.push_back(dimSize(rewriter, loc, op.getInput(), d));

    if (llvm::all_of(op.getSteps(), [](int64_t s) { return s > 0; })) {
      SmallVector<OpFoldResult> offsets, resultSizes, strides;
      unsigned next = 0;
      for (int64_t d = 0; d < rank; ++d) {
        offsets.push_back(rewriter.getIndexAttr(starts[d]));
        strides.push_back(rewriter.getIndexAttr(op.getSteps()[d]));
        resultSizes.push_back(type.isDynamicDim(d)
                                  ? OpFoldResult(sizes[next++])
                                  : rewriter.getIndexAttr(type.getDimSize(d)));
      }
      rewriter.replaceOpWithNewOp<tensor::ExtractSliceOp>(
          op, type, op.getInput(), offsets, resultSizes, strides);
      return success();
    }
    // A negative step walks backwards: element i reads start + i * step.
    rewriter.replaceOp(
        op, createFromCoordinates(
                rewriter, loc, type, sizes,
                [&](OpBuilder &b, Location nestedLoc, ValueRange at) {
                  SmallVector<Value> from;
                  for (int64_t d = 0; d < rank; ++d)
                    from.push_back(arith::AddIOp::create(
                        b, nestedLoc, index(b, nestedLoc, starts[d]),
                        arith::MulIOp::create(
                            b, nestedLoc, at[d],
                            index(b, nestedLoc, op.getSteps()[d]))));
                  return Value(tensor::ExtractOp::create(b, nestedLoc,
                                                         op.getInput(), from));
                }));
    return success();
  }
};

struct GatherLowering final : OpRewritePattern<qnn::GatherOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(qnn::GatherOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = op.getType();
    RankedTensorType indicesType = op.getIndices().getType();
    int64_t axis = op.getAxis(), indexRank = indicesType.getRank();
    bool isUnsigned = indicesType.getElementType().isUnsignedInteger();
    SmallVector<Value> sizes;
    for (int64_t d = 0; d < type.getRank(); ++d) {
      if (!type.isDynamicDim(d))
        continue;
      if (d < axis)
        sizes.push_back(dimSize(rewriter, loc, op.getData(), d));
      else if (d < axis + indexRank)
        sizes.push_back(dimSize(rewriter, loc, op.getIndices(), d - axis));
      else
        sizes.push_back(
            dimSize(rewriter, loc, op.getData(), d - indexRank + 1));
    }
    Value axisSize = dimSize(rewriter, loc, op.getData(), axis);
    rewriter.replaceOp(
        op,
        createFromCoordinates(
            rewriter, loc, type, sizes,
            [&](OpBuilder &b, Location nestedLoc, ValueRange at) {
              Value raw = tensor::ExtractOp::create(
                  b, nestedLoc, op.getIndices(), at.slice(axis, indexRank));
              Value i = isUnsigned ? Value(arith::IndexCastUIOp::create(
                                         b, nestedLoc, b.getIndexType(), raw))
                                   : Value(arith::IndexCastOp::create(
                                         b, nestedLoc, b.getIndexType(), raw));
              // A negative index counts from the end.
              Value negative =
                  arith::CmpIOp::create(b, nestedLoc, arith::CmpIPredicate::slt,
                                        i, index(b, nestedLoc, 0));
              i = arith::SelectOp::create(
                  b, nestedLoc, negative,
                  arith::AddIOp::create(b, nestedLoc, i, axisSize), i);
              SmallVector<Value> from(at.take_front(axis));
              from.push_back(i);
              llvm::append_range(from, at.drop_front(axis + indexRank));
              return Value(
                  tensor::ExtractOp::create(b, nestedLoc, op.getData(), from));
            }));
    return success();
  }
};

/// The source index in [0, size) of padded coordinate `i` (already shifted
/// by the begin pad) for reflect, edge and wrap padding.
static Value padSource(OpBuilder &b, Location loc, qnn::PadMode mode, Value i,
                       Value size) {
  Value zero = index(b, loc, 0), one = index(b, loc, 1);
  Value last = arith::SubIOp::create(b, loc, size, one);
  switch (mode) {
  case qnn::PadMode::Edge:
    return arith::MinSIOp::create(
        b, loc, arith::MaxSIOp::create(b, loc, i, zero), last);
  case qnn::PadMode::Wrap: {
    Value rem = arith::RemSIOp::create(b, loc, i, size);
    return arith::RemSIOp::create(
        b, loc, arith::AddIOp::create(b, loc, rem, size), size);
  }
  default: {
    // Reflect without repeating the edge: -i before, 2 (size - 1) - i after.
    Value before =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, i, zero);
    Value mirrored = arith::SelectOp::create(
        b, loc, before, arith::SubIOp::create(b, loc, zero, i), i);
    Value after = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt,
                                        mirrored, last);
    Value back = arith::SubIOp::create(
        b, loc, arith::MulIOp::create(b, loc, last, index(b, loc, 2)),
        mirrored);
    return arith::SelectOp::create(b, loc, after, back, mirrored);
  }
  }
}

struct PadLowering final : OpRewritePattern<qnn::PadOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(qnn::PadOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = op.getType();
    Type element = type.getElementType();
    int64_t rank = type.getRank();
    ArrayRef<int64_t> pads = op.getPads();
    Value input = op.getInput();

    SmallVector<Value> sizes;
    for (int64_t d = 0; d < rank; ++d)
      if (type.isDynamicDim(d))
        sizes.push_back(arith::AddIOp::create(
            rewriter, loc, dimSize(rewriter, loc, input, d),
            index(rewriter, loc, pads[d] + pads[d + rank])));

    if (op.getMode() == qnn::PadMode::Constant &&
        llvm::all_of(pads, [](int64_t p) { return p >= 0; })) {
      SmallVector<OpFoldResult> low, high;
      for (int64_t d = 0; d < rank; ++d) {
        low.push_back(rewriter.getIndexAttr(pads[d]));
        high.push_back(rewriter.getIndexAttr(pads[d + rank]));
      }
      Value value =
          createScalar(rewriter, loc, element, op.getValue().convertToDouble());
      rewriter.replaceOpWithNewOp<tensor::PadOp>(op, type, input, low, high,
                                                 value);
      return success();
    }
    // Every output element reads its source, or the constant outside.
    double constant = op.getValue().convertToDouble();
    qnn::PadMode mode = op.getMode();
    rewriter.replaceOp(
        op,
        createFromCoordinates(
            rewriter, loc, type, sizes,
            [&](OpBuilder &b, Location nestedLoc, ValueRange at) {
              SmallVector<Value> from;
              Value inside;
              for (int64_t d = 0; d < rank; ++d) {
                Value size = dimSize(b, nestedLoc, input, d);
                Value i = arith::SubIOp::create(b, nestedLoc, at[d],
                                                index(b, nestedLoc, pads[d]));
                if (mode != qnn::PadMode::Constant) {
                  from.push_back(padSource(b, nestedLoc, mode, i, size));
                  continue;
                }
                // Constant mode with cropping: clamp the read, select
                // the constant outside the input.
                Value inRange = arith::AndIOp::create(
                    b, nestedLoc,
                    arith::CmpIOp::create(b, nestedLoc,
                                          arith::CmpIPredicate::sge, i,
                                          index(b, nestedLoc, 0)),
                    arith::CmpIOp::create(b, nestedLoc,
                                          arith::CmpIPredicate::slt, i, size));
                inside = inside ? Value(arith::AndIOp::create(b, nestedLoc,
                                                              inside, inRange))
                                : inRange;
                from.push_back(
                    padSource(b, nestedLoc, qnn::PadMode::Edge, i, size));
              }
              Value read = tensor::ExtractOp::create(b, nestedLoc, input, from);
              if (!inside)
                return read;
              return Value(arith::SelectOp::create(
                  b, nestedLoc, inside, read,
                  createScalar(b, nestedLoc, element, constant)));
            }));
    return success();
  }
};

} // namespace

namespace {
/// qnn.shape reads each selected size (a constant when static) into a
/// tensor.from_elements of i64.
struct ShapeLowering final : OpRewritePattern<qnn::ShapeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(qnn::ShapeOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType inputType = op.getInput().getType();
    SmallVector<Value> sizes;
    for (int64_t d = op.getStart(); d < op.getEnd(); ++d) {
      if (!inputType.isDynamicDim(d)) {
        sizes.push_back(arith::ConstantOp::create(
            rewriter, loc,
            rewriter.getI64IntegerAttr(inputType.getDimSize(d))));
        continue;
      }
      Value size = tensor::DimOp::create(rewriter, loc, op.getInput(), d);
      sizes.push_back(arith::IndexCastOp::create(rewriter, loc,
                                                 rewriter.getI64Type(), size));
    }
    rewriter.replaceOpWithNewOp<tensor::FromElementsOp>(op, op.getType(),
                                                        sizes);
    return success();
  }
};
} // namespace

namespace {
/// qnn.range: the count from the scalars read at run time, then a tensor
/// filled with start + i * delta.
struct RangeLowering final : OpRewritePattern<qnn::RangeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(qnn::RangeOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = op.getType();
    Type element = type.getElementType();
    Value start = tensor::ExtractOp::create(rewriter, loc, op.getStart());
    Value delta = tensor::ExtractOp::create(rewriter, loc, op.getDelta());
    SmallVector<Value> dynamicSizes;
    if (type.isDynamicDim(0)) {
      Value limit = tensor::ExtractOp::create(rewriter, loc, op.getLimit());
      Type i64 = rewriter.getI64Type();
      Value count;
      if (isa<FloatType>(element)) {
        Value span = arith::SubFOp::create(rewriter, loc, limit, start);
        Value steps = math::CeilOp::create(
            rewriter, loc, arith::DivFOp::create(rewriter, loc, span, delta));
        count = arith::FPToSIOp::create(rewriter, loc, i64, steps);
      } else {
        // In i64 (wider for narrower types), limit - start cannot wrap.
        auto widen = [&](Value v) -> Value {
          return element.getIntOrFloatBitWidth() < 64
                     ? arith::ExtSIOp::create(rewriter, loc, i64, v)
                     : v;
        };
        Value span =
            arith::SubIOp::create(rewriter, loc, widen(limit), widen(start));
        count = arith::CeilDivSIOp::create(rewriter, loc, span, widen(delta));
      }
      Value zero = arith::ConstantOp::create(rewriter, loc,
                                             rewriter.getI64IntegerAttr(0));
      count = arith::MaxSIOp::create(rewriter, loc, count, zero);
      dynamicSizes.push_back(arith::IndexCastOp::create(
          rewriter, loc, rewriter.getIndexType(), count));
    }
    Value result = createFromCoordinates(
        rewriter, loc, type, dynamicSizes,
        [&](OpBuilder &b, Location loc, ValueRange coordinates) -> Value {
          if (isa<FloatType>(element)) {
            Value i = arith::IndexCastOp::create(b, loc, b.getI64Type(),
                                                 coordinates[0]);
            Value index = arith::SIToFPOp::create(b, loc, element, i);
            Value offset = arith::MulFOp::create(b, loc, index, delta);
            return arith::AddFOp::create(b, loc, start, offset);
          }
          Value index =
              arith::IndexCastOp::create(b, loc, element, coordinates[0]);
          Value offset = arith::MulIOp::create(b, loc, index, delta);
          return arith::AddIOp::create(b, loc, start, offset);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};
} // namespace

void qnn_to_linalg::populateShapePatterns(RewritePatternSet &patterns) {
  patterns
      .add<ConcatLowering, GatherLowering, PadLowering, RangeLowering,
           ReshapeLowering, ShapeLowering, SliceLowering, TransposeLowering>(
          patterns.getContext());
}
