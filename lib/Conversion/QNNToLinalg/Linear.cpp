//===- Linear.cpp - Lower qnn matmul, gemm and conv ----------------------===//
//
// Contractions become linalg.generic ops with one reduction loop per
// contracted dimension, accumulating into a zero (or bias) filled tensor in
// the element type. Broadcast batch dimensions read index 0. Convolution
// pads its input with tensor.pad, splits channels into groups with
// tensor.expand_shape, and contracts
//   out[n, g, m, o...] += in[n, g, c, o * stride + k * dilation...]
//                         * w[g, m, c, k...]
// before collapsing the groups back into channels. A transposed
// convolution contracts channels into columns and gathers them into the
// output (see ConvTransposeLowering).
//
//===----------------------------------------------------------------------===//

#include "quantc/Conversion/QNNToLinalg/QNNToLinalg.h"
#include "quantc/Conversion/QNNToLinalg/RuntimeKernels.h"
#include "quantc/Dialect/QNN/IR/QNNOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StructuredOpsUtils.h"

using namespace mlir;
using namespace quantc;
using namespace quantc::qnn_to_linalg;

ConvAttributes ConvAttributes::of(qnn::ConvOp op) {
  return {SmallVector<int64_t>(op.getStrides()),
          SmallVector<int64_t>(op.getDilations()),
          SmallVector<int64_t>(op.getPads()), int64_t(op.getGroup())};
}

ConvAttributes ConvAttributes::of(qnn::ConvIntegerOp op) {
  return {SmallVector<int64_t>(op.getStrides()),
          SmallVector<int64_t>(op.getDilations()),
          SmallVector<int64_t>(op.getPads()), int64_t(op.getGroup())};
}

/// A zero-filled tensor of `type`.
static Value createZeros(OpBuilder &b, Location loc, RankedTensorType type,
                         ValueRange dynamicSizes) {
  Value empty = createEmpty(b, loc, type, dynamicSizes);
  Value zero = createScalar(b, loc, type.getElementType(), 0.0);
  return linalg::FillOp::create(b, loc, zero, empty).getResult(0);
}

/// A linalg.generic that accumulates `inputs[0] * inputs[1]` into `init`
/// over `maps` (inputs then output) with `iterators`. Integer operands are
/// extended to the accumulator's type and shifted by their zero points.
static Value createContraction(OpBuilder &b, Location loc, ValueRange inputs,
                               Value init, ArrayRef<AffineMap> maps,
                               ArrayRef<utils::IteratorType> iterators,
                               const ContractionOperands &operands) {
  Type element = cast<RankedTensorType>(init.getType()).getElementType();
  auto generic = linalg::GenericOp::create(
      b, loc, init.getType(), inputs, init, maps, iterators,
      [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
        ScalarBuilder s(nested, nestedLoc, element);
        SmallVector<Value, 2> factors;
        for (unsigned i = 0; i < 2; ++i) {
          Value v = args[i];
          if (v.getType() != element) {
            v = operands.isUnsigned[i]
                    ? Value(
                          arith::ExtUIOp::create(nested, nestedLoc, element, v))
                    : Value(arith::ExtSIOp::create(nested, nestedLoc, element,
                                                   v));
          }
          if (operands.zeroPoints[i] != 0)
            v = s.sub(v, s.constant(double(operands.zeroPoints[i])));
          factors.push_back(v);
        }
        linalg::YieldOp::create(nested, nestedLoc,
                                s.add(args[2], s.mul(factors[0], factors[1])));
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

Value qnn_to_linalg::createMatMul(OpBuilder &b, Location loc, Value lhs,
                                  Value rhs, RankedTensorType resultType,
                                  const ContractionOperands &operands,
                                  bool rhsTransposed) {
  MLIRContext *context = b.getContext();
  auto lhsType = cast<RankedTensorType>(lhs.getType());
  auto rhsType = cast<RankedTensorType>(rhs.getType());
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
  rhsTransposed &= !rhsVector;
  if (rhsTransposed)
    rhsExprs.push_back(getAffineDimExpr(nLoop, context));
  rhsExprs.push_back(k);
  if (!rhsVector && !rhsTransposed)
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
          tensor::DimOp::create(b, loc, lhs, lhsType.getRank() - 2));
    } else if (d == nLoop && !rhsVector) {
      sizes.push_back(tensor::DimOp::create(
          b, loc, rhs, rhsType.getRank() - 1 - int64_t(rhsTransposed)));
    } else {
      for (auto [operand, type, batch] :
           {std::tuple{lhs, lhsType, lhsVector ? 0 : lhsType.getRank() - 2},
            std::tuple{rhs, rhsType, rhsVector ? 0 : rhsType.getRank() - 2}}) {
        int64_t dim = d - (batchRank - batch);
        if (dim >= 0 && dim < batch && type.getDimSize(dim) != 1) {
          sizes.push_back(tensor::DimOp::create(b, loc, operand, dim));
          break;
        }
      }
    }
  }
  Value init = createZeros(b, loc, resultType, sizes);
  SmallVector<utils::IteratorType> iterators(outRank,
                                             utils::IteratorType::parallel);
  iterators.push_back(utils::IteratorType::reduction);
  return createContraction(b, loc, {lhs, rhs}, init, maps, iterators, operands);
}

Value qnn_to_linalg::createGemmProduct(OpBuilder &b, Location loc, Value a,
                                       Value bMatrix, bool transA, bool transB,
                                       RankedTensorType resultType,
                                       const ContractionOperands &operands) {
  MLIRContext *context = b.getContext();
  AffineExpr m = getAffineDimExpr(0, context), n = getAffineDimExpr(1, context),
             k = getAffineDimExpr(2, context);
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
  Value init =
      createZeros(b, loc, resultType,
                  getGemmSizes(b, loc, a, bMatrix, transA, transB, resultType));
  return createContraction(b, loc, {a, bMatrix}, init, maps,
                           {utils::IteratorType::parallel,
                            utils::IteratorType::parallel,
                            utils::IteratorType::reduction},
                           operands);
}

SmallVector<Value> qnn_to_linalg::getGemmSizes(OpBuilder &b, Location loc,
                                               Value a, Value bMatrix,
                                               bool transA, bool transB,
                                               RankedTensorType resultType) {
  SmallVector<Value> sizes;
  if (resultType.isDynamicDim(0))
    sizes.push_back(tensor::DimOp::create(b, loc, a, transA ? 1 : 0));
  if (resultType.isDynamicDim(1))
    sizes.push_back(tensor::DimOp::create(b, loc, bMatrix, transB ? 0 : 1));
  return sizes;
}

/// Rewrites a pointwise convolution as a one-dimensional one over the
/// collapsed spatial dimensions, expanded back afterwards.
static Value createPointwiseConv(OpBuilder &b, Location loc, Value input,
                                 Value weight, Value bias, int64_t group,
                                 RankedTensorType resultType,
                                 const ContractionOperands &operands) {
  auto inputType = cast<RankedTensorType>(input.getType());
  auto weightType = cast<RankedTensorType>(weight.getType());
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
  Value flatInput =
      tensor::CollapseShapeOp::create(b, loc, flatInputType, input, groups);
  auto flatWeightType = RankedTensorType::get(
      {weightType.getDimSize(0), weightType.getDimSize(1), 1},
      weightType.getElementType());
  Value flatWeight =
      tensor::CollapseShapeOp::create(b, loc, flatWeightType, weight, groups);
  auto flatResultType = RankedTensorType::get(
      {resultType.getDimSize(0), resultType.getDimSize(1), pixels},
      resultType.getElementType());
  ConvAttributes flatAttributes{{1}, {1}, {0, 0}, group};
  Value flat = createConv(b, loc, flatInput, flatWeight, bias, flatAttributes,
                          flatResultType, operands);
  // The result has the input's batch and spatial sizes.
  SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, loc, input);
  sizes[1] = b.getIndexAttr(resultType.getDimSize(1));
  int64_t dynamicSpatial =
      llvm::count_if(inputType.getShape().drop_front(2), ShapedType::isDynamic);
  if (dynamicSpatial <= 1)
    return tensor::ExpandShapeOp::create(b, loc, resultType, flat, groups,
                                         sizes);
  // Expanding a group with two dynamic sizes trips upstream's
  // expand-strided-metadata; a reshape to the sizes as a tensor does not.
  SmallVector<Value> shape;
  for (OpFoldResult size : sizes)
    shape.push_back(getValueOrCreateConstantIndexOp(b, loc, size));
  Value shapeTensor = tensor::FromElementsOp::create(b, loc, shape);
  return tensor::ReshapeOp::create(b, loc, resultType, flat, shapeTensor);
}

Value qnn_to_linalg::createConv(OpBuilder &b, Location loc, Value input,
                                Value weight, Value bias,
                                const ConvAttributes &attributes,
                                RankedTensorType resultType,
                                const ContractionOperands &operands) {
  MLIRContext *context = b.getContext();
  auto inputType = cast<RankedTensorType>(input.getType());
  auto weightType = cast<RankedTensorType>(weight.getType());
  int64_t rank = inputType.getRank(), spatial = rank - 2;
  int64_t group = attributes.group;
  int64_t channelsPerGroup = inputType.getDimSize(1) / group;
  int64_t filtersPerGroup = weightType.getDimSize(0) / group;
  ArrayRef<int64_t> pads = attributes.pads, strides = attributes.strides,
                    dilations = attributes.dilations;

  // A pointwise convolution over several spatial dimensions is one over
  // the flattened pixels: its contraction then runs along all of them.
  bool pointwise = llvm::all_of(weightType.getShape().drop_front(2),
                                [](int64_t k) { return k == 1; }) &&
                   llvm::all_of(strides, [](int64_t s) { return s == 1; }) &&
                   llvm::all_of(pads, [](int64_t p) { return p == 0; });
  if (pointwise && spatial > 1)
    return createPointwiseConv(b, loc, input, weight, bias, group, resultType,
                               operands);

  // Pad the spatial dimensions with the input's zero.
  if (llvm::any_of(pads, [](int64_t p) { return p != 0; })) {
    SmallVector<OpFoldResult> low(rank, b.getIndexAttr(0));
    SmallVector<OpFoldResult> high(rank, b.getIndexAttr(0));
    SmallVector<int64_t> paddedShape(inputType.getShape());
    for (int64_t i = 0; i < spatial; ++i) {
      low[i + 2] = b.getIndexAttr(pads[i]);
      high[i + 2] = b.getIndexAttr(pads[i + spatial]);
      if (!ShapedType::isDynamic(paddedShape[i + 2]))
        paddedShape[i + 2] += pads[i] + pads[i + spatial];
    }
    input = tensor::PadOp::create(
        b, loc, inputType.clone(paddedShape), input, low, high,
        createScalar(b, loc, inputType.getElementType(),
                     double(operands.zeroPoints[0])));
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
      b, loc, paddedType.clone(inShape), input, inGroups);

  SmallVector<int64_t> wShape = {group, filtersPerGroup};
  llvm::append_range(wShape, weightType.getShape().drop_front(1));
  SmallVector<ReassociationIndices> wGroups = {{0, 1}};
  for (int64_t i = 1; i < rank; ++i)
    wGroups.push_back({i + 1});
  Value groupedWeight = tensor::ExpandShapeOp::create(
      b, loc, weightType.clone(wShape), weight, wGroups);

  SmallVector<int64_t> outShape = {resultType.getDimSize(0), group,
                                   filtersPerGroup};
  llvm::append_range(outShape, resultType.getShape().drop_front(2));
  auto groupedOutType = resultType.clone(outShape);

  // The output's dynamic sizes: the batch, and spatial sizes computed as
  // (padded - dilation * (kernel - 1) - 1) / stride + 1.
  SmallVector<Value> sizes;
  if (groupedOutType.isDynamicDim(0))
    sizes.push_back(tensor::DimOp::create(b, loc, input, 0));
  for (int64_t i = 0; i < spatial; ++i) {
    if (!groupedOutType.isDynamicDim(i + 3))
      continue;
    Value in = tensor::DimOp::create(b, loc, input, i + 2);
    int64_t span = dilations[i] * (weightType.getDimSize(i + 2) - 1) + 1;
    Value shrunk = arith::SubIOp::create(
        b, loc, in, arith::ConstantIndexOp::create(b, loc, span));
    Value steps = arith::DivSIOp::create(
        b, loc, shrunk, arith::ConstantIndexOp::create(b, loc, strides[i]));
    sizes.push_back(arith::AddIOp::create(
        b, loc, steps, arith::ConstantIndexOp::create(b, loc, 1)));
  }

  // Start from the bias broadcast over the output, or from zeros.
  Value init;
  if (bias) {
    SmallVector<int64_t> biasShape(rank + 1, 1);
    biasShape[1] = group;
    biasShape[2] = filtersPerGroup;
    SmallVector<ReassociationIndices> biasGroups(1);
    for (int64_t i = 0; i <= rank; ++i)
      biasGroups[0].push_back(i);
    auto biasType = cast<RankedTensorType>(bias.getType());
    Value groupedBias = tensor::ExpandShapeOp::create(
        b, loc, biasType.clone(biasShape), bias, biasGroups);
    init = createElementwise(
        b, loc, groupedOutType, groupedBias,
        [](OpBuilder &, Location, ValueRange args) { return args[0]; },
        ValueRange(sizes));
  } else {
    init = createZeros(b, loc, groupedOutType, sizes);
  }

  // Loops: n, g, m, o_1..o_s (parallel), c, k_1..k_s (reduction).
  int64_t numLoops = 4 + 2 * spatial;
  auto d = [&](int64_t i) { return getAffineDimExpr(i, context); };
  AffineExpr n = d(0), g = d(1), m = d(2), c = d(3 + spatial);
  SmallVector<AffineExpr> inExprs = {n, g, c}, wExprs = {g, m, c},
                          outExprs = {n, g, m};
  for (int64_t i = 0; i < spatial; ++i) {
    AffineExpr o = d(3 + i), kernel = d(4 + spatial + i);
    inExprs.push_back(o * strides[i] + kernel * dilations[i]);
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
  Value grouped = createContraction(b, loc, {groupedInput, groupedWeight}, init,
                                    maps, iterators, operands);

  SmallVector<ReassociationIndices> outGroups = {{0}, {1, 2}};
  for (int64_t i = 0; i < spatial; ++i)
    outGroups.push_back({i + 3});
  return tensor::CollapseShapeOp::create(b, loc, resultType, grouped,
                                         outGroups);
}

namespace {

/// The input of `value`'s transpose if that swaps the last two dimensions
/// only (a matrix transposed per batch), else null.
static Value getSwappedMatrices(Value value) {
  ArrayRef<int64_t> perm;
  Value input;
  if (auto transpose = value.getDefiningOp<qnn::TransposeOp>()) {
    perm = transpose.getPerm();
    input = transpose.getInput();
  } else if (auto transpose = value.getDefiningOp<linalg::TransposeOp>()) {
    perm = transpose.getPermutation();
    input = transpose.getInput();
  } else {
    return Value();
  }
  int64_t rank = perm.size();
  if (rank < 2 || perm[rank - 2] != rank - 1 || perm[rank - 1] != rank - 2)
    return Value();
  for (int64_t d = 0; d + 2 < rank; ++d)
    if (perm[d] != d)
      return Value();
  return input;
}

struct MatMulLowering final : OpRewritePattern<qnn::MatMulOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(qnn::MatMulOp op,
                                PatternRewriter &rewriter) const override {
    // 4-bit weights of weight-only quantization: the runtime's kernel
    // unpacks them in registers, instead of a float copy of the weight.
    FailureOr<Value> call = createFloatMatMulS4KernelCall(
        rewriter, op.getLoc(), op, op.getLhs(), op.getRhs(),
        /*transposed=*/false, op.getType());
    if (succeeded(call)) {
      rewriter.replaceOp(op, *call);
      return success();
    }
    // A right operand transposed just for the product (attention's keys,
    // K^T) is read in place instead: the contraction is then a dot
    // product along both operands' rows.
    Value rhs = op.getRhs();
    Value swapped = getSwappedMatrices(rhs);
    rewriter.replaceOp(op, createMatMul(rewriter, op.getLoc(), op.getLhs(),
                                        swapped ? swapped : rhs, op.getType(),
                                        {}, bool(swapped)));
    return success();
  }
};

struct GemmLowering final : OpRewritePattern<qnn::GemmOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(qnn::GemmOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    bool transA = op.getTransA(), transB = op.getTransB();
    RankedTensorType resultType = op.getType();
    // Weight-only or codebook weights: the runtime's kernel unpacks them in
    // registers, instead of a float copy of the weight.
    FailureOr<Value> call =
        transA ? FailureOr<Value>(failure())
               : createFloatMatMulS4KernelCall(rewriter, loc, op, op.getA(),
                                               op.getB(), transB, resultType);
    Value product = succeeded(call)
                        ? *call
                        : createGemmProduct(rewriter, loc, op.getA(), op.getB(),
                                            transA, transB, resultType);

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
          ValueRange(getGemmSizes(rewriter, loc, op.getA(), op.getB(), transA,
                                  transB, resultType)));
    }
    rewriter.replaceOp(op, product);
    return success();
  }
};

struct ConvLowering final : OpRewritePattern<qnn::ConvOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(qnn::ConvOp op,
                                PatternRewriter &rewriter) const override {
    if (op.getInput().getType().isDynamicDim(1) ||
        op.getWeight().getType().isDynamicDim(0))
      return rewriter.notifyMatchFailure(op, "channel counts must be static");
    rewriter.replaceOp(op, createConv(rewriter, op.getLoc(), op.getInput(),
                                      op.getWeight(), op.getBias(),
                                      ConvAttributes::of(op), op.getType()));
    return success();
  }
};

/// A transposed convolution in two steps. First the column contraction
///   col[n, g, m, k..., i...] = sum_c in[n, g, c, i...] * w[g, c, m, k...]
/// (a matmul over channels, run by the vector kernels), then each output
/// gathers the taps that land on it, on top of the bias:
///   out[n, g, m, o...] = bias + sum col[n, g, m, k..., i...]
///   over k, i with i * stride - pad_begin + k * dilation = o (per axis).
/// With dilation 1 the taps of an axis are k = r + t * stride, i = q - t
/// for (o + pad_begin) = q * stride + r, ceil(K / stride) candidates; with
/// another dilation every k is tried against the divisibility condition.
struct ConvTransposeLowering final : OpRewritePattern<qnn::ConvTransposeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(qnn::ConvTransposeOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *context = getContext();
    RankedTensorType inputType = op.getInput().getType();
    RankedTensorType weightType = op.getWeight().getType();
    RankedTensorType resultType = op.getType();
    Type element = inputType.getElementType();
    int64_t rank = inputType.getRank(), spatial = rank - 2;
    if (!weightType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "the weight must be static");
    if (inputType.isDynamicDim(1))
      return rewriter.notifyMatchFailure(op, "channels must be static");
    ArrayRef<int64_t> strides = op.getStrides(), dilations = op.getDilations(),
                      pads = op.getPads(), extra = op.getOutputPadding();
    ArrayRef<int64_t> kernel = weightType.getShape().drop_front(2);
    int64_t group = op.getGroup();
    int64_t channelsPerGroup = inputType.getDimSize(1) / group;
    int64_t filtersPerGroup = weightType.getDimSize(1);

    // Grouped views: input [N, G, C/G, I...], weight [G, C/G, M/G, K...].
    SmallVector<int64_t> inShape = {inputType.getDimSize(0), group,
                                    channelsPerGroup};
    llvm::append_range(inShape, inputType.getShape().drop_front(2));
    SmallVector<ReassociationIndices> inGroups = {{0}, {1, 2}};
    for (int64_t i = 0; i < spatial; ++i)
      inGroups.push_back({i + 3});
    Value input = tensor::ExpandShapeOp::create(
        rewriter, loc, inputType.clone(inShape), op.getInput(), inGroups);
    SmallVector<int64_t> wShape = {group, channelsPerGroup, filtersPerGroup};
    llvm::append_range(wShape, kernel);
    SmallVector<ReassociationIndices> wGroups = {{0, 1}, {2}};
    for (int64_t i = 0; i < spatial; ++i)
      wGroups.push_back({i + 3});
    Value weight = tensor::ExpandShapeOp::create(
        rewriter, loc, weightType.clone(wShape), op.getWeight(), wGroups);

    // Dynamic sizes of the input: batch and spatial.
    SmallVector<Value> inputSizes(rank);
    for (int64_t d = 0; d < rank; ++d)
      if (inputType.isDynamicDim(d))
        inputSizes[d] = tensor::DimOp::create(rewriter, loc, op.getInput(), d);

    // The columns [N, G, M/G, K..., I...].
    SmallVector<int64_t> colShape = {inputType.getDimSize(0), group,
                                     filtersPerGroup};
    llvm::append_range(colShape, kernel);
    llvm::append_range(colShape, inputType.getShape().drop_front(2));
    SmallVector<Value> colSizes;
    if (inputSizes[0])
      colSizes.push_back(inputSizes[0]);
    for (int64_t i = 0; i < spatial; ++i)
      if (inputSizes[i + 2])
        colSizes.push_back(inputSizes[i + 2]);
    auto colType = RankedTensorType::get(colShape, element);
    // Loops: n, g, m, k_1..k_s, i_1..i_s (parallel), c (reduction).
    int64_t numLoops = 4 + 2 * spatial;
    auto dim = [&](int64_t i) { return getAffineDimExpr(i, context); };
    SmallVector<AffineExpr> inExprs = {dim(0), dim(1), dim(3 + 2 * spatial)};
    SmallVector<AffineExpr> wExprs = {dim(1), dim(3 + 2 * spatial), dim(2)};
    SmallVector<AffineExpr> colExprs;
    for (int64_t d = 0; d < 3 + 2 * spatial; ++d)
      colExprs.push_back(dim(d));
    for (int64_t i = 0; i < spatial; ++i) {
      inExprs.push_back(dim(3 + spatial + i));
      wExprs.push_back(dim(3 + i));
    }
    SmallVector<AffineMap> maps = {
        AffineMap::get(numLoops, 0, inExprs, context),
        AffineMap::get(numLoops, 0, wExprs, context),
        AffineMap::get(numLoops, 0, colExprs, context)};
    SmallVector<utils::IteratorType> iterators(3 + 2 * spatial,
                                               utils::IteratorType::parallel);
    iterators.push_back(utils::IteratorType::reduction);
    Value columns =
        createContraction(rewriter, loc, {input, weight},
                          createZeros(rewriter, loc, colType, colSizes), maps,
                          iterators, ContractionOperands());

    // The grouped output [N, G, M/G, O...]; a dynamic O is
    // (I - 1) * stride + (K - 1) * dilation + 1 - pads + output padding.
    SmallVector<int64_t> outShape = {resultType.getDimSize(0), group,
                                     filtersPerGroup};
    llvm::append_range(outShape, resultType.getShape().drop_front(2));
    auto outType = RankedTensorType::get(outShape, element);
    auto index = [&](OpBuilder &b, Location l, int64_t v) -> Value {
      return arith::ConstantIndexOp::create(b, l, v);
    };
    SmallVector<Value> outSizes;
    if (outType.isDynamicDim(0))
      outSizes.push_back(inputSizes[0]);
    for (int64_t i = 0; i < spatial; ++i) {
      if (!outType.isDynamicDim(i + 3))
        continue;
      if (!inputSizes[i + 2])
        return rewriter.notifyMatchFailure(
            op, "a dynamic output size needs a dynamic input size");
      int64_t added = (kernel[i] - 1) * dilations[i] + 1 - pads[i] -
                      pads[i + spatial] + extra[i] - strides[i];
      Value scaled = arith::MulIOp::create(rewriter, loc, inputSizes[i + 2],
                                           index(rewriter, loc, strides[i]));
      outSizes.push_back(arith::AddIOp::create(rewriter, loc, scaled,
                                               index(rewriter, loc, added)));
    }
    SmallVector<Value> inputExtents;
    for (int64_t i = 0; i < spatial; ++i)
      inputExtents.push_back(
          inputSizes[i + 2]
              ? inputSizes[i + 2]
              : index(rewriter, loc, inputType.getDimSize(i + 2)));

    Value bias = op.getBias();
    Value gathered = createFromCoordinates(
        rewriter, loc, outType, outSizes,
        [&](OpBuilder &b, Location l, ValueRange at) -> Value {
          Value n = at[0], g = at[1], m = at[2];
          ScalarBuilder s(b, l, element);
          Value acc = s.constant(0.0);
          if (bias) {
            Value channel = arith::AddIOp::create(
                b, l,
                arith::MulIOp::create(b, l, g, index(b, l, filtersPerGroup)),
                m);
            acc = tensor::ExtractOp::create(b, l, bias, channel);
          }
          // Per axis, the candidate taps: (kernel index, input index, valid).
          struct Tap {
            Value k, i, valid;
          };
          SmallVector<SmallVector<Tap>> taps(spatial);
          for (int64_t a = 0; a < spatial; ++a) {
            Value shifted =
                arith::AddIOp::create(b, l, at[3 + a], index(b, l, pads[a]));
            Value zero = index(b, l, 0);
            auto lessThan = [&](Value x, Value y) {
              return arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, x,
                                           y);
            };
            if (dilations[a] == 1) {
              Value stride = index(b, l, strides[a]);
              Value q = arith::DivUIOp::create(b, l, shifted, stride);
              Value r = arith::RemUIOp::create(b, l, shifted, stride);
              int64_t count = llvm::divideCeil(kernel[a], strides[a]);
              for (int64_t t = 0; t < count; ++t) {
                Value k =
                    arith::AddIOp::create(b, l, r, index(b, l, t * strides[a]));
                Value i = arith::SubIOp::create(b, l, q, index(b, l, t));
                Value valid = arith::AndIOp::create(
                    b, l, lessThan(k, index(b, l, kernel[a])),
                    arith::AndIOp::create(
                        b, l,
                        arith::CmpIOp::create(b, l, arith::CmpIPredicate::sge,
                                              i, zero),
                        lessThan(i, inputExtents[a])));
                taps[a].push_back({k, i, valid});
              }
              continue;
            }
            for (int64_t k = 0; k < kernel[a]; ++k) {
              Value reach = arith::SubIOp::create(
                  b, l, shifted, index(b, l, k * dilations[a]));
              Value stride = index(b, l, strides[a]);
              Value i = arith::DivSIOp::create(b, l, reach, stride);
              Value exact = arith::CmpIOp::create(
                  b, l, arith::CmpIPredicate::eq,
                  arith::RemSIOp::create(b, l, reach, stride), zero);
              Value valid = arith::AndIOp::create(
                  b, l,
                  arith::AndIOp::create(
                      b, l,
                      arith::CmpIOp::create(b, l, arith::CmpIPredicate::sge,
                                            reach, zero),
                      exact),
                  lessThan(i, inputExtents[a]));
              taps[a].push_back({index(b, l, k), i, valid});
            }
          }
          // Every combination of one candidate per axis, in order.
          SmallVector<int64_t> choice(spatial, 0);
          while (true) {
            Value valid;
            SmallVector<Value> where = {n, g, m};
            SmallVector<Value> inputIndices;
            for (int64_t a = 0; a < spatial; ++a) {
              const Tap &tap = taps[a][choice[a]];
              valid = valid ? arith::AndIOp::create(b, l, valid, tap.valid)
                                  .getResult()
                            : tap.valid;
            }
            Value zero = index(b, l, 0);
            for (int64_t a = 0; a < spatial; ++a)
              where.push_back(arith::SelectOp::create(
                  b, l, valid, taps[a][choice[a]].k, zero));
            for (int64_t a = 0; a < spatial; ++a)
              where.push_back(arith::SelectOp::create(
                  b, l, valid, taps[a][choice[a]].i, zero));
            Value value = tensor::ExtractOp::create(b, l, columns, where);
            acc = s.add(acc, arith::SelectOp::create(b, l, valid, value,
                                                     s.constant(0.0)));
            int64_t a = spatial - 1;
            for (; a >= 0; --a) {
              if (++choice[a] < static_cast<int64_t>(taps[a].size()))
                break;
              choice[a] = 0;
            }
            if (a < 0)
              break;
          }
          return acc;
        });

    SmallVector<ReassociationIndices> outGroups = {{0}, {1, 2}};
    for (int64_t i = 0; i < spatial; ++i)
      outGroups.push_back({i + 3});
    rewriter.replaceOpWithNewOp<tensor::CollapseShapeOp>(op, resultType,
                                                         gathered, outGroups);
    return success();
  }
};

} // namespace

void qnn_to_linalg::populateLinearPatterns(RewritePatternSet &patterns) {
  patterns
      .add<ConvLowering, ConvTransposeLowering, GemmLowering, MatMulLowering>(
          patterns.getContext());
}
