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
    auto u8 = IntegerType::get(context, 8, IntegerType::Unsigned);
    auto f32 = Float32Type::get(context);

    // The input, quantized at run time.
    bool rows = perRow && !convOp && inputType.getRank() >= 2;
    qnn::Shape paramShape;
    if (rows) {
      paramShape = qnn::Shape(inputType.getShape());
      paramShape.back() = 1;
    }
    // One run-time quantization serves every contraction reading `input`.
    qnn::DynamicQuantizeLinearOp &dynamic = inputs[{input, unsigned(rows)}];
    if (!dynamic) {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointAfterValue(input);
      dynamic = qnn::DynamicQuantizeLinearOp::create(
          b, input.getLoc(), inputType.clone(u8),
          RankedTensorType::get(paramShape, f32),
          RankedTensorType::get(paramShape, u8), input, rows);
    }

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
    if (gemm && gemm.getC()) {
      Value c = gemm.getC();
      double beta = gemm.getBeta().convertToDouble();
      if (beta != 1.0)
        c = createBinary<qnn::MulOp>(b, loc, c, createFloats(b, loc, {}, beta));
      result = createBinary<qnn::AddOp>(b, loc, result, c);
    }
    op->getResult(0).replaceAllUsesWith(result);
    op->erase();
    if (Operation *floatWeight = weight.getDefiningOp();
        floatWeight && floatWeight->use_empty())
      floatWeight->erase();
    return success();
  }

  DenseMap<std::pair<Value, unsigned>, qnn::DynamicQuantizeLinearOp> inputs;
};
} // namespace
