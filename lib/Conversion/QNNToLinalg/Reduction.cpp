//===- Reduction.cpp - Lower qnn reductions and pooling ------------------===//
//
// A reduction is a linalg.generic with reduction loops over the reduced
// dimensions, into the non-keepdims shape (expanded afterwards), from the
// combiner's identity: 0 for sums, 1 for products, -inf / +inf (or the
// integer extremes) for max / min. mean divides by the element count and l2
// takes a square root afterwards.
//
// Pooling pads its input (with -inf for max, 0 for average), adding high
// padding for the last window of ceil mode, and reduces each window with a
// generic whose kernel loops are bounded by an unused kernel-shaped tensor.
// Average pooling divides by the window's element count, clipped to the
// padded input with count_include_pad and to the input without it, as
// onnxruntime does.
//
//===----------------------------------------------------------------------===//

#include "quantc/Conversion/QNNToLinalg/QNNToLinalg.h"
#include "quantc/Dialect/QNN/IR/QNNOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StructuredOpsUtils.h"

#include <limits>

using namespace mlir;
using namespace quantc;
using namespace quantc::qnn_to_linalg;

/// The identity of `kind`'s combiner in `type`.
static Value createIdentity(OpBuilder &b, Location loc, Type type,
                            qnn::ReduceKind kind) {
  bool isFloat = isa<FloatType>(type);
  switch (kind) {
  case qnn::ReduceKind::Prod:
    return createScalar(b, loc, type, 1.0);
  case qnn::ReduceKind::Max:
  case qnn::ReduceKind::Min: {
    bool max = kind == qnn::ReduceKind::Max;
    if (isFloat)
      return arith::ConstantOp::create(
          b, loc,
          b.getFloatAttr(
              type, APFloat::getInf(cast<FloatType>(type).getFloatSemantics(),
                                    /*Negative=*/max)));
    unsigned width = type.getIntOrFloatBitWidth();
    bool isUnsigned = type.isUnsignedInteger();
    APInt value = max ? (isUnsigned ? APInt::getMinValue(width)
                                    : APInt::getSignedMinValue(width))
                      : (isUnsigned ? APInt::getMaxValue(width)
                                    : APInt::getSignedMaxValue(width));
    return arith::ConstantOp::create(b, loc, b.getIntegerAttr(type, value));
  }
  default:
    return createScalar(b, loc, type, 0.0);
  }
}

/// Combines `acc` with element `x` for `kind` (mean and l2 accumulate sums;
/// their final step comes after).
static Value combine(ScalarBuilder &s, qnn::ReduceKind kind, Value acc,
                     Value x) {
  switch (kind) {
  case qnn::ReduceKind::Max:
    return s.max(acc, x);
  case qnn::ReduceKind::Min:
    return s.min(acc, x);
  case qnn::ReduceKind::Prod:
    return s.mul(acc, x);
  case qnn::ReduceKind::SumSquare:
  case qnn::ReduceKind::L2:
    return s.add(acc, s.mul(x, x));
  case qnn::ReduceKind::L1:
    return s.add(acc, s.isFloat() ? Value(math::AbsFOp::create(s.b, s.loc, x))
                                  : Value(math::AbsIOp::create(s.b, s.loc, x)));
  default:
    return s.add(acc, x);
  }
}

Value qnn_to_linalg::createWindowReduction(
    OpBuilder &b, Location loc, Value input, Value init,
    ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
    ArrayRef<int64_t> dilations,
    function_ref<Value(OpBuilder &, Location, Value, Value)> combine) {
  MLIRContext *context = b.getContext();
  int64_t spatial = int64_t(kernel.size());
  int64_t numLoops = 2 + 2 * spatial;
  auto d = [&](int64_t i) { return getAffineDimExpr(i, context); };
  SmallVector<AffineExpr> inExprs = {d(0), d(1)}, windowExprs,
                          outExprs = {d(0), d(1)};
  for (int64_t i = 0; i < spatial; ++i) {
    inExprs.push_back(d(2 + i) * strides[i] +
                      d(2 + spatial + i) * dilations[i]);
    windowExprs.push_back(d(2 + spatial + i));
    outExprs.push_back(d(2 + i));
  }
  // The window operand only gives the reduction loops their sizes.
  Value window =
      tensor::EmptyOp::create(b, loc, kernel, getElementTypeOrSelf(input));
  SmallVector<utils::IteratorType> iterators(2 + spatial,
                                             utils::IteratorType::parallel);
  iterators.append(spatial, utils::IteratorType::reduction);
  return linalg::GenericOp::create(
             b, loc, init.getType(), ValueRange{input, window}, init,
             {AffineMap::get(numLoops, 0, inExprs, context),
              AffineMap::get(numLoops, 0, windowExprs, context),
              AffineMap::get(numLoops, 0, outExprs, context)},
             iterators,
             [&](OpBuilder &nb, Location nl, ValueRange args) {
               linalg::YieldOp::create(nb, nl,
                                       combine(nb, nl, args[2], args[0]));
             })
      .getResult(0);
}

Value qnn_to_linalg::createReduction(OpBuilder &b, Location loc, Value input,
                                     ArrayRef<int64_t> axes,
                                     qnn::ReduceKind kind,
                                     RankedTensorType resultType) {
  MLIRContext *context = b.getContext();
  auto inputType = cast<RankedTensorType>(input.getType());
  int64_t rank = inputType.getRank();
  Type element = inputType.getElementType();

  SmallVector<int64_t> kept;
  SmallVector<AffineExpr> outExprs;
  SmallVector<Value> sizes;
  SmallVector<utils::IteratorType> iterators;
  for (int64_t d = 0; d < rank; ++d) {
    bool reduced = llvm::is_contained(axes, d);
    iterators.push_back(reduced ? utils::IteratorType::reduction
                                : utils::IteratorType::parallel);
    if (reduced)
      continue;
    kept.push_back(inputType.getDimSize(d));
    outExprs.push_back(getAffineDimExpr(d, context));
    if (inputType.isDynamicDim(d))
      sizes.push_back(tensor::DimOp::create(b, loc, input, d));
  }
  auto reducedType = RankedTensorType::get(kept, element);
  Value init =
      linalg::FillOp::create(b, loc, createIdentity(b, loc, element, kind),
                             createEmpty(b, loc, reducedType, sizes))
          .getResult(0);
  SmallVector<AffineMap> maps = {b.getMultiDimIdentityMap(rank),
                                 AffineMap::get(rank, 0, outExprs, context)};
  Value result =
      linalg::GenericOp::create(
          b, loc, reducedType, input, init, maps, iterators,
          [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
            ScalarBuilder s(nested, nestedLoc, element);
            linalg::YieldOp::create(nested, nestedLoc,
                                    combine(s, kind, args[1], args[0]));
          })
          .getResult(0);

  if (kind == qnn::ReduceKind::Mean) {
    Value count = arith::ConstantIndexOp::create(b, loc, 1);
    for (int64_t axis : axes)
      count = arith::MulIOp::create(b, loc, count,
                                    tensor::DimOp::create(b, loc, input, axis));
    Value divisor = arith::IndexCastOp::create(b, loc, b.getI64Type(), count);
    divisor = isa<FloatType>(element)
                  ? Value(arith::SIToFPOp::create(b, loc, element, divisor))
                  : Value(arith::TruncIOp::create(b, loc, element, divisor));
    result = createElementwise(
        b, loc, reducedType, result,
        [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
          ScalarBuilder s(nested, nestedLoc, element);
          return s.div(args[0], divisor);
        });
  } else if (kind == qnn::ReduceKind::L2) {
    result = createElementwise(
        b, loc, reducedType, result,
        [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
          return Value(math::SqrtOp::create(nested, nestedLoc, args[0]));
        });
  }

  if (reducedType.getRank() == resultType.getRank())
    return result;
  // keepdims: put the reduced dimensions back as size 1, each joining the
  // group of the next kept dimension (or of the last one at the end).
  SmallVector<ReassociationIndices> groups;
  ReassociationIndices pending;
  for (int64_t d = 0; d < rank; ++d) {
    pending.push_back(d);
    if (!llvm::is_contained(axes, d)) {
      groups.push_back(pending);
      pending.clear();
    }
  }
  if (!groups.empty())
    groups.back().append(pending.begin(), pending.end());
  return tensor::ExpandShapeOp::create(b, loc, resultType, result, groups);
}

namespace {

struct ReduceLowering final : OpRewritePattern<qnn::ReduceOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(qnn::ReduceOp op,
                                PatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, createReduction(rewriter, op.getLoc(), op.getInput(),
                                           op.getAxes(), op.getKind(),
                                           op.getType()));
    return success();
  }
};

template <typename OpTy, qnn::ReduceKind kind>
struct GlobalPoolLowering final : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;

  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    SmallVector<int64_t> axes;
    for (int64_t d = 2; d < op.getType().getRank(); ++d)
      axes.push_back(d);
    rewriter.replaceOp(op, createReduction(rewriter, op.getLoc(), op.getInput(),
                                           axes, kind, op.getType()));
    return success();
  }
};

/// Lowers max_pool and avg_pool.
template <typename OpTy>
struct WindowPoolLowering final : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;
  static constexpr bool isMax = std::is_same_v<OpTy, qnn::MaxPoolOp>;

  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType inputType = op.getInput().getType();
    RankedTensorType resultType = op.getType();
    Type element = resultType.getElementType();
    int64_t rank = inputType.getRank(), spatial = rank - 2;
    bool dynamicSpatial = false;
    for (int64_t i = 0; i < spatial; ++i)
      dynamicSpatial |= inputType.isDynamicDim(i + 2);
    if (dynamicSpatial && op.getCeilMode())
      return rewriter.notifyMatchFailure(
          op, "ceil mode needs static spatial sizes");
    ArrayRef<int64_t> kernel = op.getKernel(), strides = op.getStrides(),
                      pads = op.getPads();
    SmallVector<int64_t> dilations(spatial, 1);
    if constexpr (isMax)
      dilations.assign(op.getDilations().begin(), op.getDilations().end());
    auto index = [&](int64_t v) -> Value {
      return arith::ConstantIndexOp::create(rewriter, loc, v);
    };

    // Pad so that every window lies inside: begin pads as given, end pads
    // at least as given and as far as the last (ceil mode) window reaches.
    // Without ceil mode the last window never reaches past the end pad, so
    // dynamic sizes keep the given pads.
    SmallVector<OpFoldResult> low(rank, rewriter.getIndexAttr(0));
    SmallVector<OpFoldResult> high(rank, rewriter.getIndexAttr(0));
    SmallVector<int64_t> paddedShape(inputType.getShape());
    // The input's spatial sizes, and the result's dynamic sizes.
    SmallVector<Value> inSizes;
    SmallVector<Value> resultSizes;
    if (resultType.isDynamicDim(0))
      resultSizes.push_back(
          tensor::DimOp::create(rewriter, loc, op.getInput(), 0));
    if (resultType.isDynamicDim(1))
      resultSizes.push_back(
          tensor::DimOp::create(rewriter, loc, op.getInput(), 1));
    bool padded = false;
    for (int64_t i = 0; i < spatial; ++i) {
      int64_t highPad = pads[i + spatial];
      if (!inputType.isDynamicDim(i + 2)) {
        int64_t in = inputType.getDimSize(i + 2);
        int64_t out = resultType.getDimSize(i + 2);
        int64_t reach = (out - 1) * strides[i] +
                        dilations[i] * (kernel[i] - 1) + 1 - in - pads[i];
        highPad = std::max(highPad, reach);
        paddedShape[i + 2] = in + pads[i] + highPad;
        inSizes.push_back(index(in));
      } else {
        Value in = tensor::DimOp::create(rewriter, loc, op.getInput(), i + 2);
        inSizes.push_back(in);
        // floor((in + pads - dilation (kernel - 1) - 1) / stride) + 1
        int64_t shrink =
            pads[i] + pads[i + spatial] - dilations[i] * (kernel[i] - 1) - 1;
        Value steps = arith::DivUIOp::create(
            rewriter, loc,
            arith::AddIOp::create(rewriter, loc, in, index(shrink)),
            index(strides[i]));
        if (resultType.isDynamicDim(i + 2))
          resultSizes.push_back(
              arith::AddIOp::create(rewriter, loc, steps, index(1)));
      }
      low[i + 2] = rewriter.getIndexAttr(pads[i]);
      high[i + 2] = rewriter.getIndexAttr(highPad);
      padded |= pads[i] != 0 || highPad != 0;
    }
    Value input = op.getInput();
    qnn::ReduceKind kind = isMax ? qnn::ReduceKind::Max : qnn::ReduceKind::Sum;
    if (padded)
      input = tensor::PadOp::create(
          rewriter, loc, inputType.clone(paddedShape), input, low, high,
          createIdentity(rewriter, loc, element, kind));

    Value init =
        linalg::FillOp::create(
            rewriter, loc, createIdentity(rewriter, loc, element, kind),
            createEmpty(rewriter, loc, resultType, resultSizes))
            .getResult(0);
    Value pooled = createWindowReduction(
        rewriter, loc, input, init, kernel, strides, dilations,
        [&](OpBuilder &b, Location nestedLoc, Value acc, Value x) {
          ScalarBuilder s(b, nestedLoc, element);
          return combine(s, kind, acc, x);
        });

    if constexpr (!isMax) {
      // Divide each window's sum by its element count.
      bool includePad = op.getCountIncludePad();
      pooled = createElementwise(
          rewriter, loc, resultType, pooled,
          [&](OpBuilder &b, Location nestedLoc, ValueRange args) {
            Value count = arith::ConstantIndexOp::create(b, nestedLoc, 1);
            auto index = [&](int64_t v) {
              return arith::ConstantIndexOp::create(b, nestedLoc, v);
            };
            for (int64_t i = 0; i < spatial; ++i) {
              Value in = inSizes[i];
              Value o = linalg::IndexOp::create(b, nestedLoc, i + 2);
              // Window [start, start + kernel) in input coordinates.
              Value start = arith::SubIOp::create(
                  b, nestedLoc,
                  arith::MulIOp::create(b, nestedLoc, o, index(strides[i])),
                  index(pads[i]));
              Value end =
                  arith::AddIOp::create(b, nestedLoc, start, index(kernel[i]));
              int64_t lo = includePad ? -pads[i] : 0;
              Value hi = includePad
                             ? arith::AddIOp::create(b, nestedLoc, in,
                                                     index(pads[i + spatial]))
                                   .getResult()
                             : in;
              Value clippedStart =
                  arith::MaxSIOp::create(b, nestedLoc, start, index(lo));
              Value clippedEnd = arith::MinSIOp::create(b, nestedLoc, end, hi);
              count = arith::MulIOp::create(
                  b, nestedLoc, count,
                  arith::SubIOp::create(b, nestedLoc, clippedEnd,
                                        clippedStart));
            }
            Value divisor = arith::SIToFPOp::create(
                b, nestedLoc, element,
                arith::IndexCastOp::create(b, nestedLoc, b.getI64Type(),
                                           count));
            return Value(arith::DivFOp::create(b, nestedLoc, args[0], divisor));
          });
    }
    rewriter.replaceOp(op, pooled);
    return success();
  }
};

} // namespace

void qnn_to_linalg::populateReductionPatterns(RewritePatternSet &patterns) {
  patterns.add<ReduceLowering, WindowPoolLowering<qnn::MaxPoolOp>,
               WindowPoolLowering<qnn::AvgPoolOp>,
               GlobalPoolLowering<qnn::GlobalAvgPoolOp, qnn::ReduceKind::Mean>,
               GlobalPoolLowering<qnn::GlobalMaxPoolOp, qnn::ReduceKind::Max>>(
      patterns.getContext());
}
