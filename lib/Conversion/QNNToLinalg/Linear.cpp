//===- Linear.cpp - Lower qnn matmul, gemm and conv ----------------------===//
//
// Contractions become linalg.generic ops with one reduction loop per
// contracted dimension, accumulating into a zero (or bias) filled tensor in
// the element type. Broadcast batch dimensions read index 0. Convolution
// pads its input with tensor.pad, splits channels into groups with
// tensor.expand_shape, and contracts
//   out[n, g, m, o...] += in[n, g, c, o * stride + k * dilation...]
//                         * w[g, m, c, k...]
// before collapsing the groups back into channels.
//
//===----------------------------------------------------------------------===//

#include "quantc/Conversion/QNNToLinalg/QNNToLinalg.h"
#include "quantc/Dialect/QNN/IR/QNNOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StructuredOpsUtils.h"

using namespace mlir;
using namespace quantc;
using namespace quantc::qnn_to_linalg;

/// A zero-filled tensor of `type`.
static Value createZeros(OpBuilder &b, Location loc, RankedTensorType type,
                         ValueRange dynamicSizes) {
  Value empty = createEmpty(b, loc, type, dynamicSizes);
  Value zero = createScalar(b, loc, type.getElementType(), 0.0);
  return linalg::FillOp::create(b, loc, zero, empty).getResult(0);
}

/// A linalg.generic that accumulates `inputs[0] * inputs[1]` into `init`
/// over `maps` (inputs then output) with `iterators`.
static Value createContraction(OpBuilder &b, Location loc, ValueRange inputs,
                               Value init, ArrayRef<AffineMap> maps,
                               ArrayRef<utils::IteratorType> iterators) {
  Type element = cast<RankedTensorType>(init.getType()).getElementType();
  auto generic = linalg::GenericOp::create(
      b, loc, init.getType(), inputs, init, maps, iterators,
      [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
        ScalarBuilder s(nested, nestedLoc, element);
        linalg::YieldOp::create(nested, nestedLoc,
                                s.add(args[2], s.mul(args[0], args[1])));
      });
  return generic.getResult(0);
}

/// The affine map of a matmul operand's batch dimensions, right-aligned to
/// the `batchRank` batch loops; a static 1 against a larger result
/// dimension broadcasts.
static void appendBatchExprs(SmallVectorImpl<AffineExpr> &exprs,
                             RankedTensorType type, int64_t operandBatchRank,
                             int64_t batchRank, RankedTensorType resultType,
                             MLIRContext *context) {
  for (int64_t i = 0; i < operandBatchRank; ++i) {
    int64_t loop = batchRank - operandBatchRank + i;
    bool broadcasts =
        type.getDimSize(i) == 1 && resultType.getDimSize(loop) != 1;
    exprs.push_back(broadcasts ? getAffineConstantExpr(0, context)
                               : getAffineDimExpr(loop, context));
  }
}

namespace {

struct MatMulLowering final : OpRewritePattern<qnn::MatMulOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(qnn::MatMulOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *context = getContext();
    Value lhs = op.getLhs(), rhs = op.getRhs();
    RankedTensorType lhsType = op.getLhs().getType();
    RankedTensorType rhsType = op.getRhs().getType();
    RankedTensorType resultType = op.getType();
    bool lhsVector = lhsType.getRank() == 1, rhsVector = rhsType.getRank() == 1;
    int64_t outRank = resultType.getRank();
    int64_t batchRank = outRank - !lhsVector - !rhsVector;
    int64_t numLoops = outRank + 1;
    AffineExpr k = getAffineDimExpr(outRank, context);
    int64_t mLoop = batchRank, nLoop = batchRank + !lhsVector;

    SmallVector<AffineExpr> lhsExprs, rhsExprs;
    appendBatchExprs(lhsExprs, lhsType, lhsVector ? 0 : lhsType.getRank() - 2,
                     batchRank, resultType, context);
    if (!lhsVector)
      lhsExprs.push_back(getAffineDimExpr(mLoop, context));
    lhsExprs.push_back(k);
    appendBatchExprs(rhsExprs, rhsType, rhsVector ? 0 : rhsType.getRank() - 2,
                     batchRank, resultType, context);
    rhsExprs.push_back(k);
    if (!rhsVector)
      rhsExprs.push_back(getAffineDimExpr(nLoop, context));
    SmallVector<AffineExpr> outExprs;
    for (int64_t d = 0; d < outRank; ++d)
      outExprs.push_back(getAffineDimExpr(d, context));
    SmallVector<AffineMap> maps = {
        AffineMap::get(numLoops, 0, lhsExprs, context),
        AffineMap::get(numLoops, 0, rhsExprs, context),
        AffineMap::get(numLoops, 0, outExprs, context)};

    // Dynamic result sizes: batch from whichever operand has it, rows from
    // lhs, columns from rhs.
    SmallVector<Value> sizes;
    for (int64_t d = 0; d < outRank; ++d) {
      if (!resultType.isDynamicDim(d))
        continue;
      if (d == mLoop && !lhsVector) {
        sizes.push_back(
            tensor::DimOp::create(rewriter, loc, lhs, lhsType.getRank() - 2));
      } else if (d == nLoop && !rhsVector) {
        sizes.push_back(
            tensor::DimOp::create(rewriter, loc, rhs, rhsType.getRank() - 1));
      } else {
        for (auto [operand, type, batch] :
             {std::tuple{lhs, lhsType, lhsVector ? 0 : lhsType.getRank() - 2},
              std::tuple{rhs, rhsType,
                         rhsVector ? 0 : rhsType.getRank() - 2}}) {
          int64_t dim = d - (batchRank - batch);
          if (dim >= 0 && dim < batch && type.getDimSize(dim) != 1) {
            sizes.push_back(tensor::DimOp::create(rewriter, loc, operand, dim));
            break;
          }
        }
      }
    }
    Value init = createZeros(rewriter, loc, resultType, sizes);
    SmallVector<utils::IteratorType> iterators(outRank,
                                               utils::IteratorType::parallel);
    iterators.push_back(utils::IteratorType::reduction);
    rewriter.replaceOp(op, createContraction(rewriter, loc, {lhs, rhs}, init,
                                             maps, iterators));
    return success();
  }
};

struct GemmLowering final : OpRewritePattern<qnn::GemmOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(qnn::GemmOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *context = getContext();
    AffineExpr m = getAffineDimExpr(0, context),
               n = getAffineDimExpr(1, context),
               k = getAffineDimExpr(2, context);
    bool transA = op.getTransA(), transB = op.getTransB();
    SmallVector<AffineMap> maps = {
        AffineMap::get(3, 0,
                       transA ? ArrayRef<AffineExpr>{k, m}
                              : ArrayRef<AffineExpr>{m, k},
                       context),
        AffineMap::get(3, 0,
                       transB ? ArrayRef<AffineExpr>{n, k}
                              : ArrayRef<AffineExpr>{k, n},
                       context),
        AffineMap::get(3, 0, {m, n}, context)};
    RankedTensorType resultType = op.getType();
    SmallVector<Value> sizes;
    if (resultType.isDynamicDim(0))
      sizes.push_back(
          tensor::DimOp::create(rewriter, loc, op.getA(), transA ? 1 : 0));
    if (resultType.isDynamicDim(1))
      sizes.push_back(
          tensor::DimOp::create(rewriter, loc, op.getB(), transB ? 0 : 1));
    Value init = createZeros(rewriter, loc, resultType, sizes);
    Value product = createContraction(
        rewriter, loc, {op.getA(), op.getB()}, init, maps,
        {utils::IteratorType::parallel, utils::IteratorType::parallel,
         utils::IteratorType::reduction});

    // Y = alpha * A B + beta * C.
    double alpha = op.getAlpha().convertToDouble();
    double beta = op.getBeta().convertToDouble();
    Value c = op.getC();
    if (alpha != 1.0 || (c && beta != 0.0)) {
      SmallVector<Value> inputs = {product};
      if (c && beta != 0.0)
        inputs.push_back(c);
      product = createElementwise(
          rewriter, loc, resultType, inputs,
          [&](OpBuilder &b, Location nestedLoc, ValueRange args) {
            ScalarBuilder s(b, nestedLoc, resultType.getElementType());
            Value y =
                alpha == 1.0 ? args[0] : s.mul(args[0], s.constant(alpha));
            if (args.size() > 1)
              y = s.add(y, beta == 1.0 ? args[1]
                                       : s.mul(args[1], s.constant(beta)));
            return y;
          },
          ValueRange(sizes));
    }
    rewriter.replaceOp(op, product);
    return success();
  }
};

struct ConvLowering final : OpRewritePattern<qnn::ConvOp> {
  using OpRewritePattern::OpRewritePattern;

  // A pointwise conv becomes a one-dimensional one, which lowers directly.
  void initialize() { setHasBoundedRewriteRecursion(); }

  LogicalResult matchAndRewrite(qnn::ConvOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *context = getContext();
    RankedTensorType inputType = op.getInput().getType();
    RankedTensorType weightType = op.getWeight().getType();
    RankedTensorType resultType = op.getType();
    Type element = resultType.getElementType();
    int64_t rank = inputType.getRank(), spatial = rank - 2;
    int64_t group = op.getGroup();
    int64_t channels = inputType.getDimSize(1);
    int64_t filters = weightType.getDimSize(0);
    if (ShapedType::isDynamic(channels) || ShapedType::isDynamic(filters))
      return rewriter.notifyMatchFailure(op, "channel counts must be static");
    int64_t channelsPerGroup = channels / group;
    int64_t filtersPerGroup = filters / group;
    ArrayRef<int64_t> pads = op.getPads();

    // A pointwise convolution over several spatial dimensions is one over
    // the flattened pixels: its contraction then runs along all of them.
    bool pointwise =
        llvm::all_of(weightType.getShape().drop_front(2),
                     [](int64_t k) { return k == 1; }) &&
        llvm::all_of(op.getStrides(), [](int64_t s) { return s == 1; }) &&
        llvm::all_of(pads, [](int64_t p) { return p == 0; });
    // Expanding a group with two dynamic sizes back trips upstream's
    // expand-strided-metadata, so those stay as they are.
    int64_t dynamicSpatial = llvm::count_if(inputType.getShape().drop_front(2),
                                            ShapedType::isDynamic);
    if (pointwise && spatial > 1 && dynamicSpatial <= 1)
      return flattenPointwise(op, rewriter);

    // Pad the spatial dimensions with zeros.
    Value input = op.getInput();
    if (llvm::any_of(pads, [](int64_t p) { return p != 0; })) {
      SmallVector<OpFoldResult> low(rank, rewriter.getIndexAttr(0));
      SmallVector<OpFoldResult> high(rank, rewriter.getIndexAttr(0));
      SmallVector<int64_t> paddedShape(inputType.getShape());
      for (int64_t i = 0; i < spatial; ++i) {
        low[i + 2] = rewriter.getIndexAttr(pads[i]);
        high[i + 2] = rewriter.getIndexAttr(pads[i + spatial]);
        if (!ShapedType::isDynamic(paddedShape[i + 2]))
          paddedShape[i + 2] += pads[i] + pads[i + spatial];
      }
      input = tensor::PadOp::create(rewriter, loc, inputType.clone(paddedShape),
                                    input, low, high,
                                    createScalar(rewriter, loc, element, 0.0));
    }

    // Split channels into groups: input [N, G, C/G, ...], weight
    // [G, M/G, C/G, K...], output [N, G, M/G, O...].
    auto paddedType = cast<RankedTensorType>(input.getType());
    SmallVector<int64_t> inShape = {paddedType.getDimSize(0), group,
                                    channelsPerGroup};
    llvm::append_range(inShape, paddedType.getShape().drop_front(2));
    SmallVector<ReassociationIndices> inGroups = {{0}, {1, 2}};
    for (int64_t i = 0; i < spatial; ++i)
      inGroups.push_back({i + 3});
    Value groupedInput = tensor::ExpandShapeOp::create(
        rewriter, loc, paddedType.clone(inShape), input, inGroups);

    SmallVector<int64_t> wShape = {group, filtersPerGroup};
    llvm::append_range(wShape, weightType.getShape().drop_front(1));
    SmallVector<ReassociationIndices> wGroups = {{0, 1}};
    for (int64_t i = 1; i < rank; ++i)
      wGroups.push_back({i + 1});
    Value groupedWeight = tensor::ExpandShapeOp::create(
        rewriter, loc, weightType.clone(wShape), op.getWeight(), wGroups);

    SmallVector<int64_t> outShape = {resultType.getDimSize(0), group,
                                     filtersPerGroup};
    llvm::append_range(outShape, resultType.getShape().drop_front(2));
    auto groupedOutType = resultType.clone(outShape);

    // The output's dynamic sizes: the batch, and spatial sizes computed as
    // (padded - dilation * (kernel - 1) - 1) / stride + 1.
    SmallVector<Value> sizes;
    if (groupedOutType.isDynamicDim(0))
      sizes.push_back(tensor::DimOp::create(rewriter, loc, input, 0));
    for (int64_t i = 0; i < spatial; ++i) {
      if (!groupedOutType.isDynamicDim(i + 3))
        continue;
      Value in = tensor::DimOp::create(rewriter, loc, input, i + 2);
      int64_t span =
          op.getDilations()[i] * (weightType.getDimSize(i + 2) - 1) + 1;
      Value shrunk = arith::SubIOp::create(
          rewriter, loc, in,
          arith::ConstantIndexOp::create(rewriter, loc, span));
      Value steps = arith::DivSIOp::create(
          rewriter, loc, shrunk,
          arith::ConstantIndexOp::create(rewriter, loc, op.getStrides()[i]));
      sizes.push_back(arith::AddIOp::create(
          rewriter, loc, steps,
          arith::ConstantIndexOp::create(rewriter, loc, 1)));
    }

    // Start from the bias broadcast over the output, or from zeros.
    Value init;
    if (Value bias = op.getBias()) {
      SmallVector<int64_t> biasShape(rank + 1, 1);
      biasShape[1] = group;
      biasShape[2] = filtersPerGroup;
      SmallVector<ReassociationIndices> biasGroups(1);
      for (int64_t i = 0; i <= rank; ++i)
        biasGroups[0].push_back(i);
      auto biasType = cast<RankedTensorType>(bias.getType());
      Value groupedBias = tensor::ExpandShapeOp::create(
          rewriter, loc, biasType.clone(biasShape), bias, biasGroups);
      init = createElementwise(
          rewriter, loc, groupedOutType, groupedBias,
          [](OpBuilder &, Location, ValueRange args) { return args[0]; },
          ValueRange(sizes));
    } else {
      init = createZeros(rewriter, loc, groupedOutType, sizes);
    }

    // Loops: n, g, m, o_1..o_s (parallel), c, k_1..k_s (reduction).
    int64_t numLoops = 4 + 2 * spatial;
    auto d = [&](int64_t i) { return getAffineDimExpr(i, context); };
    AffineExpr n = d(0), g = d(1), m = d(2), c = d(3 + spatial);
    SmallVector<AffineExpr> inExprs = {n, g, c}, wExprs = {g, m, c},
                            outExprs = {n, g, m};
    for (int64_t i = 0; i < spatial; ++i) {
      AffineExpr o = d(3 + i), kernel = d(4 + spatial + i);
      inExprs.push_back(o * op.getStrides()[i] + kernel * op.getDilations()[i]);
      wExprs.push_back(kernel);
      outExprs.push_back(o);
    }
    SmallVector<AffineMap> maps = {
        AffineMap::get(numLoops, 0, inExprs, context),
        AffineMap::get(numLoops, 0, wExprs, context),
        AffineMap::get(numLoops, 0, outExprs, context)};
    SmallVector<utils::IteratorType> iterators(3 + spatial,
                                               utils::IteratorType::parallel);
    iterators.append(1 + spatial, utils::IteratorType::reduction);
    Value grouped = createContraction(
        rewriter, loc, {groupedInput, groupedWeight}, init, maps, iterators);

    SmallVector<ReassociationIndices> outGroups = {{0}, {1, 2}};
    for (int64_t i = 0; i < spatial; ++i)
      outGroups.push_back({i + 3});
    rewriter.replaceOpWithNewOp<tensor::CollapseShapeOp>(op, resultType,
                                                         grouped, outGroups);
    return success();
  }

private:
  /// Rewrites a pointwise `op` as a one-dimensional qnn.conv over the
  /// collapsed spatial dimensions, expanded back afterwards.
  static LogicalResult flattenPointwise(qnn::ConvOp op,
                                        PatternRewriter &rewriter) {
    Location loc = op.getLoc();
    RankedTensorType inputType = op.getInput().getType();
    RankedTensorType weightType = op.getWeight().getType();
    RankedTensorType resultType = op.getType();
    int64_t rank = inputType.getRank();
    SmallVector<ReassociationIndices> groups = {{0}, {1}, {}};
    int64_t pixels = 1;
    for (int64_t d = 2; d < rank; ++d) {
      groups[2].push_back(d);
      pixels = inputType.isDynamicDim(d) || ShapedType::isDynamic(pixels)
                   ? ShapedType::kDynamic
                   : pixels * inputType.getDimSize(d);
    }
    auto flatInputType = RankedTensorType::get(
        {inputType.getDimSize(0), inputType.getDimSize(1), pixels},
        inputType.getElementType());
    Value input = tensor::CollapseShapeOp::create(rewriter, loc, flatInputType,
                                                  op.getInput(), groups);
    auto flatWeightType = RankedTensorType::get(
        {weightType.getDimSize(0), weightType.getDimSize(1), 1},
        weightType.getElementType());
    Value weight = tensor::CollapseShapeOp::create(
        rewriter, loc, flatWeightType, op.getWeight(), groups);
    auto flatResultType = RankedTensorType::get(
        {resultType.getDimSize(0), resultType.getDimSize(1), pixels},
        resultType.getElementType());
    Value flat = qnn::ConvOp::create(
        rewriter, loc, flatResultType, input, weight, op.getBias(),
        rewriter.getDenseI64ArrayAttr({1}), rewriter.getDenseI64ArrayAttr({1}),
        rewriter.getDenseI64ArrayAttr({0, 0}),
        rewriter.getI64IntegerAttr(op.getGroup()));
    // The result has the input's batch and spatial sizes.
    SmallVector<OpFoldResult> sizes =
        tensor::getMixedSizes(rewriter, loc, op.getInput());
    sizes[1] = rewriter.getIndexAttr(resultType.getDimSize(1));
    rewriter.replaceOpWithNewOp<tensor::ExpandShapeOp>(op, resultType, flat,
                                                       groups, sizes);
    return success();
  }
};

/// A transposed convolution is a convolution of the input with stride - 1
/// zeros inserted between its elements, padded by dilation * (K - 1) minus
/// the pads (plus the output padding at the end), with the kernel flipped
/// and its two channel dimensions swapped within each group:
///   w'[g * M/G + m, c, k] = w[g * C/G + c, m, K - 1 - k].
/// The pattern builds that qnn.conv, which ConvLowering then lowers.
struct ConvTransposeLowering final : OpRewritePattern<qnn::ConvTransposeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(qnn::ConvTransposeOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType inputType = op.getInput().getType();
    RankedTensorType weightType = op.getWeight().getType();
    Type element = inputType.getElementType();
    int64_t rank = inputType.getRank(), spatial = rank - 2;
    if (!weightType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "the weight must be static");
    for (int64_t i = 1; i < rank; ++i)
      if (inputType.isDynamicDim(i))
        return rewriter.notifyMatchFailure(
            op, "channels and spatial sizes must be static");
    ArrayRef<int64_t> strides = op.getStrides(), dilations = op.getDilations(),
                      pads = op.getPads(), extra = op.getOutputPadding();
    ArrayRef<int64_t> kernel = weightType.getShape().drop_front(2);
    int64_t group = op.getGroup();

    // Insert stride - 1 zeros between input elements.
    SmallVector<int64_t> zeroedShape(inputType.getShape());
    for (int64_t i = 0; i < spatial; ++i)
      zeroedShape[i + 2] = (zeroedShape[i + 2] - 1) * strides[i] + 1;
    auto zeroedType = inputType.clone(zeroedShape);
    Value zeroed =
        linalg::FillOp::create(
            rewriter, loc, createScalar(rewriter, loc, element, 0.0),
            createEmpty(rewriter, loc, zeroedType,
                        getDynamicSizes(rewriter, loc, op.getInput())))
            .getResult(0);
    SmallVector<OpFoldResult> offsets(rank, rewriter.getIndexAttr(0)), sizes,
        insertStrides(rank, rewriter.getIndexAttr(1));
    for (int64_t d = 0; d < rank; ++d)
      sizes.push_back(inputType.isDynamicDim(d)
                          ? OpFoldResult(tensor::DimOp::create(rewriter, loc,
                                                               op.getInput(), d)
                                             .getResult())
                          : rewriter.getIndexAttr(inputType.getDimSize(d)));
    for (int64_t i = 0; i < spatial; ++i)
      insertStrides[i + 2] = rewriter.getIndexAttr(strides[i]);
    Value input = tensor::InsertSliceOp::create(
        rewriter, loc, op.getInput(), zeroed, offsets, sizes, insertStrides);

    // Pads of the equivalent convolution; a negative one crops.
    SmallVector<int64_t> convPads(2 * spatial);
    SmallVector<OpFoldResult> cropOffsets(rank, rewriter.getIndexAttr(0)),
        cropSizes, cropStrides(rank, rewriter.getIndexAttr(1));
    bool crop = false;
    SmallVector<int64_t> croppedShape(zeroedShape);
    for (int64_t i = 0; i < spatial; ++i) {
      int64_t reach = dilations[i] * (kernel[i] - 1);
      int64_t low = reach - pads[i],
              high = reach - pads[i + spatial] + extra[i];
      convPads[i] = std::max<int64_t>(low, 0);
      convPads[i + spatial] = std::max<int64_t>(high, 0);
      if (low < 0 || high < 0) {
        crop = true;
        cropOffsets[i + 2] = rewriter.getIndexAttr(std::max<int64_t>(-low, 0));
        croppedShape[i + 2] -=
            std::max<int64_t>(-low, 0) + std::max<int64_t>(-high, 0);
      }
    }
    if (crop) {
      for (int64_t d = 0; d < rank; ++d)
        cropSizes.push_back(
            zeroedType.isDynamicDim(d)
                ? OpFoldResult(tensor::DimOp::create(rewriter, loc, input, d)
                                   .getResult())
                : rewriter.getIndexAttr(croppedShape[d]));
      input = tensor::ExtractSliceOp::create(
          rewriter, loc, inputType.clone(croppedShape), input, cropOffsets,
          cropSizes, cropStrides);
    }

    // Flip the kernel and swap its channel dimensions within groups.
    int64_t channelsPerGroup = weightType.getDimSize(0) / group;
    int64_t filtersPerGroup = weightType.getDimSize(1);
    SmallVector<int64_t> flippedShape = {filtersPerGroup * group,
                                         channelsPerGroup};
    llvm::append_range(flippedShape, kernel);
    auto flippedType = weightType.clone(flippedShape);
    Value weight = op.getWeight();
    Value flipped = createFromCoordinates(
        rewriter, loc, flippedType, {},
        [&](OpBuilder &b, Location l, ValueRange at) -> Value {
          auto idx = [&](int64_t v) {
            return arith::ConstantIndexOp::create(b, l, v);
          };
          Value m = at[0], c = at[1];
          Value g = arith::DivUIOp::create(b, l, m, idx(filtersPerGroup));
          SmallVector<Value> from = {
              arith::AddIOp::create(
                  b, l, arith::MulIOp::create(b, l, g, idx(channelsPerGroup)),
                  c),
              arith::RemUIOp::create(b, l, m, idx(filtersPerGroup))};
          for (int64_t i = 0; i < spatial; ++i)
            from.push_back(
                arith::SubIOp::create(b, l, idx(kernel[i] - 1), at[i + 2]));
          return tensor::ExtractOp::create(b, l, weight, from);
        });

    SmallVector<int64_t> ones(spatial, 1);
    rewriter.replaceOpWithNewOp<qnn::ConvOp>(
        op, op.getType(), input, flipped, op.getBias(),
        rewriter.getDenseI64ArrayAttr(ones),
        rewriter.getDenseI64ArrayAttr(dilations),
        rewriter.getDenseI64ArrayAttr(convPads),
        rewriter.getI64IntegerAttr(group));
    return success();
  }
};

} // namespace

void qnn_to_linalg::populateLinearPatterns(RewritePatternSet &patterns) {
  patterns
      .add<ConvLowering, ConvTransposeLowering, GemmLowering, MatMulLowering>(
          patterns.getContext());
}
