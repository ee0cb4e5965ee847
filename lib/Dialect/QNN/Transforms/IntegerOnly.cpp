//===- IntegerOnly.cpp - The qnn-integer-only pass ------------------------===//
//
// Turns a quantized graph (after qnn-fold-qdq) into integer arithmetic:
// quantized contractions and requantizes rescale in fixed point, float
// biases of quantized contractions become i32 biases, and any op left
// computing in float between the model's quantized inputs and its outputs
// is an error that names it. See Passes.td and docs/numerics.md
// ("Fixed-point requantization").
//
//===----------------------------------------------------------------------===//

#include "quantc/Conversion/QNNToLinalg/QNNToLinalg.h"
#include "quantc/Dialect/QNN/IR/QNNOps.h"
#include "quantc/Dialect/QNN/Transforms/Passes.h"
#include "quantc/Support/QuantParams.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/TypeUtilities.h"

#include <cmath>

namespace quantc {
#define GEN_PASS_DEF_INTEGERONLY
#include "quantc/Dialect/QNN/Transforms/Passes.h.inc"
} // namespace quantc

using namespace mlir;
using namespace quantc;

static bool isQuantized(Type type) {
  return isa<quant::QuantizedType>(getElementTypeOrSelf(type));
}

static bool isFloat(Type type) {
  return isa<FloatType>(getElementTypeOrSelf(type));
}

/// The scales of a per-tensor or per-axis quantized type, one per channel.
static SmallVector<double> getScales(Type type) {
  Type element = getElementTypeOrSelf(type);
  if (auto perTensor = dyn_cast<quant::UniformQuantizedType>(element))
    return {perTensor.getScale()};
  if (auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(element))
    return SmallVector<double>(perAxis.getScales());
  return {};
}

/// The binary32 multipliers of a contraction's epilogue, as the lowering
/// computes them: fl32(fl32(s_x * s_w[c]) * alpha) / s_y.
static SmallVector<double> getMultipliers(Type input, Type weight, Type result,
                                          double alpha) {
  SmallVector<double> in = getScales(input), w = getScales(weight),
                      out = getScales(result);
  SmallVector<double> multipliers;
  for (double sw : w) {
    float m = float(in[0]) * float(sw);
    if (alpha != 1.0)
      m *= float(alpha);
    multipliers.push_back(m / float(out[0]));
  }
  return multipliers;
}

/// An error on `op` that starts "integer-only: ", names the ONNX node the
/// op came from (when its location holds one) and then says `message`.
static InFlightDiagnostic emitIntegerOnlyError(Operation *op,
                                               StringRef message) {
  InFlightDiagnostic error = op->emitError("integer-only: ");
  if (std::string name = getNodeName(op->getLoc()); !name.empty())
    error << "node '" << name << "': ";
  return std::move(error << message);
}

namespace {
struct IntegerOnlyPass final : quantc::impl::IntegerOnlyBase<IntegerOnlyPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    // Quantizes move up through pools and moves, now also where that makes
    // a requantize, which rescales in fixed point below.
    if (failed(foldQDQ(func, /*integerOnly=*/true)))
      return signalPassFailure();
    bool failedAny = false;
    func.walk([&](Operation *op) {
      if (isa<qnn::ConvOp, qnn::MatMulOp, qnn::GemmOp>(op) &&
          isQuantized(op->getOperand(0).getType()) &&
          isQuantized(op->getResult(0).getType()))
        failedAny |= failed(rescaleContraction(op));
      else if (auto requantize = dyn_cast<qnn::RequantizeOp>(op))
        failedAny |= failed(rescaleRequantize(requantize));
    });
    if (failedAny)
      return signalPassFailure();
    func.walk([&](Operation *op) { failedAny |= failed(checkInteger(op)); });
    if (failedAny)
      signalPassFailure();
  }

  /// A constant float bias (conv's bias, gemm's C times beta) as i32 in the
  /// accumulator's scale, so that the epilogue adds it in integers.
  LogicalResult quantizeBias(Operation *op, unsigned index, double factor) {
    Value bias = op->getOperand(index);
    DenseElementsAttr values;
    auto biasType = dyn_cast<RankedTensorType>(bias.getType());
    if (!matchPattern(bias, m_Constant(&values)) || !biasType ||
        biasType.getRank() > 1)
      return emitIntegerOnlyError(op, "the float bias must be a constant "
                                      "vector to become i32");
    SmallVector<double> in = getScales(op->getOperand(0).getType()),
                        w = getScales(op->getOperand(1).getType());
    int64_t count = biasType.getRank() ? biasType.getDimSize(0) : 1;
    if (w.size() > 1 && count != int64_t(w.size()))
      return emitIntegerOnlyError(op, "the bias has ")
             << count << " values for " << w.size() << " channels";
    SmallVector<double> scales;
    SmallVector<int32_t> stored;
    SmallVector<float> floats(values.getValues<float>());
    for (int64_t c = 0; c < count; ++c) {
      double scale = double(float(in[0]) * float(w[w.size() > 1 ? c : 0]));
      scales.push_back(scale);
      double q = roundHalfToEven(double(floats[c]) * factor / scale);
      q = std::clamp(q, -2147483648.0, 2147483647.0);
      stored.push_back(int32_t(q));
    }
    MLIRContext *context = op->getContext();
    auto i32 = IntegerType::get(context, 32);
    Type element;
    if (w.size() > 1)
      element = quant::UniformQuantizedPerAxisType::get(
          quant::QuantizationFlags::Signed, i32, Float32Type::get(context),
          scales, SmallVector<int64_t>(scales.size(), 0), 0,
          std::numeric_limits<int32_t>::min(),
          std::numeric_limits<int32_t>::max());
    else
      element = quant::UniformQuantizedType::get(
          quant::QuantizationFlags::Signed, i32, Float32Type::get(context),
          scales[0], 0, std::numeric_limits<int32_t>::min(),
          std::numeric_limits<int32_t>::max());
    auto storedType = RankedTensorType::get({count}, i32);
    OpBuilder b(op);
    Value quantized = qnn::ConstantOp::create(
        b, op->getLoc(), RankedTensorType::get({count}, element),
        DenseElementsAttr::get(storedType, ArrayRef<int32_t>(stored)));
    op->setOperand(index, quantized);
    if (Operation *floatBias = bias.getDefiningOp();
        floatBias && floatBias->use_empty())
      floatBias->erase();
    return success();
  }

  LogicalResult rescaleContraction(Operation *op) {
    double alpha = 1.0;
    if (auto conv = dyn_cast<qnn::ConvOp>(op)) {
      if (conv.getBias() && !isQuantized(conv.getBias().getType()) &&
          failed(quantizeBias(op, 2, 1.0)))
        return failure();
    } else if (auto gemm = dyn_cast<qnn::GemmOp>(op)) {
      alpha = gemm.getAlpha().convertToDouble();
      Value c = gemm.getC();
      double beta = gemm.getBeta().convertToDouble();
      if (c && !isQuantized(c.getType()) && beta != 0.0) {
        if (alpha != 1.0)
          return emitIntegerOnlyError(op, "a float C with alpha ")
                 << alpha << " has no i32 form";
        if (failed(quantizeBias(op, 2, beta)))
          return failure();
        gemm.setBetaAttr(FloatAttr::get(gemm.getBetaAttr().getType(), 1.0));
      }
    }
    for (double m : getMultipliers(op->getOperand(0).getType(),
                                   op->getOperand(1).getType(),
                                   op->getResult(0).getType(), alpha))
      if (failed(getFixedPointMultiplier(m)))
        return emitIntegerOnlyError(op, "the requantization multiplier ")
               << m << " has no fixed-point form";
    op->setAttr(qnn::kFixedPointAttrName, UnitAttr::get(op->getContext()));
    return success();
  }

  LogicalResult rescaleRequantize(qnn::RequantizeOp op) {
    SmallVector<double> in = getScales(op.getInput().getType()),
                        out = getScales(op.getType());
    for (size_t c = 0; c < std::max(in.size(), out.size()); ++c) {
      double ratio = in[in.size() > 1 ? c : 0] / out[out.size() > 1 ? c : 0];
      if (failed(getFixedPointMultiplier(ratio)))
        return emitIntegerOnlyError(op, "the requantization ratio ")
               << ratio << " has no fixed-point form";
    }
    op->setAttr(qnn::kFixedPointAttrName, UnitAttr::get(op->getContext()));
    return success();
  }

  /// Whether every use of `value` is the function's return: a float
  /// result there is the model's output, dequantized at the boundary.
  static bool onlyReturned(Value value) {
    return llvm::all_of(value.getUsers(), [](Operation *user) {
      return isa<func::ReturnOp>(user);
    });
  }

  /// Fails, naming `op`, if it computes in float. Allowed: constants,
  /// quantize (the boundary from float inputs), and dequantize or a
  /// contraction with a float result whose results only the function
  /// returns (the boundary to float outputs).
  LogicalResult checkInteger(Operation *op) {
    if (!isa<qnn::QNNDialect>(op->getDialect()) ||
        isa<qnn::ConstantOp, qnn::QuantizeOp>(op))
      return success();
    // Float constants (a layer norm's scale and bias) are compile-time
    // data of the op's integer lowering, not float arithmetic.
    bool usesFloat = llvm::any_of(op->getOperands(),
                                  [](Value v) {
                                    return isFloat(v.getType()) &&
                                           !v.getDefiningOp<qnn::ConstantOp>();
                                  }) ||
                     llvm::any_of(op->getResultTypes(), isFloat);
    if (!usesFloat) {
      // A quantized op without an integer lowering would be computed in
      // float by qnn-expand-quantized.
      std::string reason;
      if (failed(qnn_to_linalg::checkQuantizedLowering(op, reason)))
        return emitIntegerOnlyError(op, "")
               << op->getName() << " has no integer lowering: " << reason;
      return success();
    }
    if (isa<qnn::DequantizeOp, qnn::ConvOp, qnn::MatMulOp, qnn::GemmOp>(op) &&
        isQuantized(op->getOperand(0).getType()) &&
        llvm::all_of(op->getResults(), onlyReturned))
      return success();
    return emitIntegerOnlyError(op, "")
           << op->getName()
           << " computes in float, and has no integer form here";
  }
};
} // namespace
