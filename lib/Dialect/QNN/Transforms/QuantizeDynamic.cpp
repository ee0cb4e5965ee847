//===- QuantizeDynamic.cpp - The qnn-quantize-dynamic pass ----------------===//
//
// Dynamic post-training quantization: s8 weights at compile time, u8
// inputs quantized at run time from their own range, integer contractions
// with an f32 epilogue. See Passes.td for the rules and docs/numerics.md
// for the arithmetic.
//
//===----------------------------------------------------------------------===//

#include "quantc/Dialect/QNN/IR/QNNOps.h"
#include "quantc/Dialect/QNN/IR/ShapeInference.h"
#include "quantc/Dialect/QNN/Transforms/Passes.h"

#include "mlir/IR/Matchers.h"

namespace quantc {
#define GEN_PASS_DEF_QUANTIZEDYNAMIC
#include "quantc/Dialect/QNN/Transforms/Passes.h.inc"
} // namespace quantc

using namespace mlir;
using namespace quantc;

/// The float values of the 2-D constant `values` transposed.
static DenseElementsAttr transpose2D(DenseElementsAttr values) {
  auto type = cast<RankedTensorType>(values.getType());
  int64_t rows = type.getDimSize(0), columns = type.getDimSize(1);
  SmallVector<float> flat(values.getValues<float>());
  SmallVector<float> transposed(flat.size());
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < columns; ++c)
      transposed[c * rows + r] = flat[r * columns + c];
  return DenseElementsAttr::get(
      RankedTensorType::get({columns, rows}, type.getElementType()),
      ArrayRef<float>(transposed));
}

namespace {
struct QuantizeDynamicPass final
    : quantc::impl::QuantizeDynamicBase<QuantizeDynamicPass> {
  using QuantizeDynamicBase::QuantizeDynamicBase;

  void runOnOperation() override {
    for (Operation *op :
         getContractionsToQuantize(getOperation(), keepFloat, conv))
      if (failed(quantize(op)))
        return signalPassFailure();
  }

  /// `lhs * rhs` (or another broadcasting binary op), folded when both are
  /// constants.
  template <typename OpTy>
  Value createBinary(OpBuilder &b, Location loc, Value lhs, Value rhs) {
    auto lhsType = cast<RankedTensorType>(lhs.getType());
    auto rhsType = cast<RankedTensorType>(rhs.getType());
    FailureOr<qnn::Shape> shape =
        qnn::broadcastShapes(lhsType.getShape(), rhsType.getShape());
    assert(succeeded(shape) && "operands that do not broadcast");
    return b.createOrFold<OpTy>(loc, lhsType.clone(*shape), lhs, rhs);
  }

  /// A constant f32 tensor of `shape` holding `values`.
  Value createFloats(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
                     ArrayRef<double> values) {
    SmallVector<float> floats(values.begin(), values.end());
    auto type = RankedTensorType::get(shape, b.getF32Type());
    return qnn::ConstantOp::create(
        b, loc, type, DenseElementsAttr::get(type, ArrayRef<float>(floats)));
  }

  LogicalResult quantize(Operation *op) {
    Value input = op->getOperand(0), weight = op->getOperand(1);
    auto inputType = cast<RankedTensorType>(input.getType());
    auto resultType = cast<RankedTensorType>(op->getResult(0).getType());
    DenseElementsAttr weightValues;
    if (!inputType.getElementType().isF32() ||
        !matchPattern(weight, m_Constant(&weightValues)) ||
        !weightValues.getElementType().isF32())
      return success();
    auto weightType = cast<RankedTensorType>(weightValues.getType());
    auto convOp = dyn_cast<qnn::ConvOp>(op);
    auto gemm = dyn_cast<qnn::GemmOp>(op);
    if (isa<qnn::MatMulOp>(op) && weightType.getRank() != 2)
      return success();
    if (gemm && gemm.getTransA())
      return success();
    DenseElementsAttr bias;
    if (convOp && convOp.getBias() &&
        !matchPattern(convOp.getBias(), m_Constant(&bias)))
      return success();
    if (gemm && gemm.getTransB()) {
      weightValues = transpose2D(weightValues);
      weightType = cast<RankedTensorType>(weightValues.getType());
    }

    if (getWeightBits(op, bits) == 4 && !convOp && inputType.getRank() >= 2)
      return quantizeGrouped(op, input, weightValues, weightType,
                             gemm ? gemm.getAlpha().convertToDouble() : 1.0);

    // The weight: s8 per output channel (conv axis 0, matmul and gemm axis
    // 1) or per tensor.
    int64_t channelAxis = convOp ? 0 : 1;
    WeightQuantization how;
    if (perChannel)
      how.channelAxis = channelAxis;
    FailureOr<QuantizedWeight> quantized =
        quantizeWeight(weightValues, weightType, how);
    if (failed(quantized))
      return op->emitError("the weight holds a NaN or an infinity");
    SmallVector<double> scales = quantized->scales;
    if (gemm)
      for (double &s : scales)
        s *= gemm.getAlpha().convertToDouble();

    OpBuilder b(op);
    Location loc = op->getLoc();
    MLIRContext *context = op->getContext();
    auto i8 = IntegerType::get(context, 8), i32 = IntegerType::get(context, 32);

    // The input, quantized at run time.
    bool rows = perRow && !convOp && inputType.getRank() >= 2;
    qnn::DynamicQuantizeLinearOp dynamic = getDynamic(b, input, rows);

    // The integer contraction.
    Value storedWeight = qnn::ConstantOp::create(b, loc, weightType.clone(i8),
                                                 quantized->stored);
    Value weightZero = qnn::ConstantOp::create(
        b, loc, RankedTensorType::get({}, i8),
        DenseElementsAttr::get(RankedTensorType::get({}, i8), int8_t(0)));
    auto accType = resultType.clone(i32);
    Value acc;
    if (convOp)
      acc = qnn::ConvIntegerOp::create(
          b, loc, accType, dynamic.getResult(), storedWeight,
          dynamic.getZeroPoint(), weightZero, convOp.getStridesAttr(),
          convOp.getDilationsAttr(), convOp.getPadsAttr(),
          convOp.getGroupAttr());
    else
      acc = qnn::MatMulIntegerOp::create(b, loc, accType, dynamic.getResult(),
                                         storedWeight, dynamic.getZeroPoint(),
                                         weightZero);

    // The f32 epilogue: float(acc) * fl32(s_in * s_w[c]) (+ bias).
    int64_t rank = resultType.getRank();
    qnn::Shape channelShape;
    if (scales.size() > 1) {
      channelShape.assign(convOp ? rank - 1 : 1, 1);
      channelShape[0] = scales.size();
    }
    Value weightScale = createFloats(b, loc, channelShape, scales);
    Value multiplier =
        createBinary<qnn::MulOp>(b, loc, dynamic.getScale(), weightScale);
    Value real = qnn::CastOp::create(b, loc, resultType, acc);
    Value result = createBinary<qnn::MulOp>(b, loc, real, multiplier);
    if (bias) {
      SmallVector<double> biasValues;
      for (float v : bias.getValues<float>())
        biasValues.push_back(v);
      qnn::Shape biasShape(rank - 1, 1);
      biasShape[0] = biasValues.size();
      result = createBinary<qnn::AddOp>(
          b, loc, result, createFloats(b, loc, biasShape, biasValues));
    }
    replace(op, b, result);
    return success();
  }

  /// Replaces `op` by `result`, plus gemm's `beta * C`.
  void replace(Operation *op, OpBuilder &b, Value result) {
    if (auto gemm = dyn_cast<qnn::GemmOp>(op); gemm && gemm.getC()) {
      Value c = gemm.getC();
      double beta = gemm.getBeta().convertToDouble();
      if (beta != 1.0)
        c = createBinary<qnn::MulOp>(b, op->getLoc(), c,
                                     createFloats(b, op->getLoc(), {}, beta));
      result = createBinary<qnn::AddOp>(b, op->getLoc(), result, c);
    }
    Value weight = op->getOperand(1);
    op->getResult(0).replaceAllUsesWith(result);
    op->erase();
    if (Operation *floatWeight = weight.getDefiningOp();
        floatWeight && floatWeight->use_empty())
      floatWeight->erase();
  }

  /// The input quantized at run time, per tensor or per row: one
  /// quantization serves every contraction reading `input`.
  qnn::DynamicQuantizeLinearOp getDynamic(OpBuilder &b, Value input,
                                          bool rows) {
    auto inputType = cast<RankedTensorType>(input.getType());
    MLIRContext *context = input.getContext();
    auto u8 = IntegerType::get(context, 8, IntegerType::Unsigned);
    qnn::Shape paramShape;
    if (rows) {
      paramShape = qnn::Shape(inputType.getShape());
      paramShape.back() = 1;
    }
    qnn::DynamicQuantizeLinearOp &dynamic = inputs[{input, unsigned(rows)}];
    if (!dynamic) {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointAfterValue(input);
      dynamic = qnn::DynamicQuantizeLinearOp::create(
          b, input.getLoc(), inputType.clone(u8),
          RankedTensorType::get(paramShape, Float32Type::get(context)),
          RankedTensorType::get(paramShape, u8), input, rows);
    }
    return dynamic;
  }

  /// A matmul or gemm with 4-bit weights: symmetric in [-7, 7] with one
  /// scale per column and group of `group-size` rows of the weight (per
  /// column without a group size, or per tensor), times `alpha`, as a
  /// qnn.grouped_matmul of the input quantized at run time.
  LogicalResult quantizeGrouped(Operation *op, Value input,
                                DenseElementsAttr weightValues,
                                RankedTensorType weightType, double alpha) {
    int64_t k = weightType.getDimSize(0), n = weightType.getDimSize(1);
    WeightQuantization how;
    how.bits = 4;
    if (perChannel || groupSize > 0)
      how.channelAxis = 1;
    if (groupSize > 0) {
      how.reductionAxis = 0;
      how.groupSize = groupSize;
      if (k % groupSize != 0)
        return op->emitError("group-size ")
               << int64_t(groupSize) << " does not divide the weight's " << k
               << " rows";
    }
    FailureOr<QuantizedWeight> quantized =
        quantizeWeight(weightValues, weightType, how);
    if (failed(quantized))
      return op->emitError("the weight holds a NaN or an infinity");
    int64_t group = groupSize > 0 ? groupSize : k;
    int64_t groups = k / group;
    // Scales [groups, n], row-major.
    SmallVector<float> scales;
    for (int64_t g = 0; g < groups; ++g)
      for (int64_t c = 0; c < n; ++c) {
        double s = quantized->scales.size() == 1 ? quantized->scales[0]
                   : groupSize > 0               ? quantized->scales[g * n + c]
                                                 : quantized->scales[c];
        scales.push_back(float(s * alpha));
      }
    SmallVector<int8_t> stored;
    for (const APInt &v : quantized->stored.getValues<APInt>())
      stored.push_back(int8_t(v.getSExtValue()));
    // column_sum[n] = sum over g of scale(g, n) * (sum of group g), in
    // binary64, rounded once to binary32.
    SmallVector<float> columnSums(n, 0.0f);
    for (int64_t c = 0; c < n; ++c) {
      double total = 0.0;
      for (int64_t g = 0; g < groups; ++g) {
        int64_t sum = 0;
        for (int64_t r = g * group; r < (g + 1) * group; ++r)
          sum += stored[r * n + c];
        total += double(scales[g * n + c]) * double(sum);
      }
      columnSums[c] = float(total);
    }

    OpBuilder b(op);
    Location loc = op->getLoc();
    MLIRContext *context = op->getContext();
    auto i8 = IntegerType::get(context, 8);
    auto f32 = Float32Type::get(context);
    auto floats = [&](ArrayRef<int64_t> shape, ArrayRef<float> values) {
      auto type = RankedTensorType::get(shape, f32);
      return qnn::ConstantOp::create(b, loc, type,
                                     DenseElementsAttr::get(type, values));
    };
    auto storedType = RankedTensorType::get({k, n}, i8);
    Value w = qnn::ConstantOp::create(
        b, loc, storedType,
        DenseElementsAttr::get(storedType, ArrayRef<int8_t>(stored)));
    SmallVector<float> zeros(n, 0.0f);
    qnn::DynamicQuantizeLinearOp dynamic = getDynamic(b, input, perRow);
    auto resultType = cast<RankedTensorType>(op->getResult(0).getType());
    Value result = qnn::GroupedMatMulOp::create(
        b, loc, resultType, dynamic.getResult(), dynamic.getScale(),
        dynamic.getZeroPoint(), w, floats({groups, n}, scales),
        floats({n}, columnSums), floats({n}, zeros), group);
    replace(op, b, result);
    return success();
  }

  DenseMap<std::pair<Value, unsigned>, qnn::DynamicQuantizeLinearOp> inputs;
};
} // namespace
