//===- QNNLinearOps.cpp - Convolution, matmul and gemm -------------------===//
//
// Verifiers of qnn.conv, qnn.matmul and qnn.gemm. Each check cites the
// constraint it enforces in the op's description (docs/dialect.md).
//
//===----------------------------------------------------------------------===//

#include "quantc/Dialect/QNN/IR/QNNOps.h"
#include "quantc/Dialect/QNN/IR/ShapeInference.h"

#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace quantc;
using namespace quantc::qnn;

//===----------------------------------------------------------------------===//
// ConvOp
//===----------------------------------------------------------------------===//

/// conv-C1 to conv-C4 and conv-C6 of `op`, a qnn.conv or qnn.conv_integer,
/// and conv-C5 for `bias` if given.
template <typename ConvLike>
static LogicalResult verifyConvolution(ConvLike op, Value bias) {
  RankedTensorType inputType = op.getInput().getType();
  RankedTensorType weightType = op.getWeight().getType();
  int64_t rank = inputType.getRank();
  // conv-C1
  if (rank < 3)
    return op.emitOpError("input must have rank 3 or more, got ") << rank;
  if (weightType.getRank() != rank)
    return op.emitOpError("weight rank ")
           << weightType.getRank() << " differs from input rank " << rank;

  // conv-C2
  size_t spatial = rank - 2;
  if (op.getStrides().size() != spatial || op.getDilations().size() != spatial)
    return op.emitOpError("strides and dilations need ")
           << spatial << " entries, got " << op.getStrides().size() << " and "
           << op.getDilations().size();
  if (op.getPads().size() != 2 * spatial)
    return op.emitOpError("pads need ")
           << 2 * spatial << " entries, got " << op.getPads().size();

  // conv-C3
  if (llvm::any_of(op.getStrides(), [](int64_t s) { return s < 1; }) ||
      llvm::any_of(op.getDilations(), [](int64_t d) { return d < 1; }))
    return op.emitOpError("strides and dilations must be positive");
  if (llvm::any_of(op.getPads(), [](int64_t p) { return p < 0; }))
    return op.emitOpError("pads must not be negative");
  int64_t group = op.getGroup();
  if (group < 1)
    return op.emitOpError("group must be positive, got ") << group;

  // conv-C4
  int64_t channels = inputType.getDimSize(1);
  int64_t weightChannels = weightType.getDimSize(1);
  int64_t filters = weightType.getDimSize(0);
  if (!ShapedType::isDynamic(channels) &&
      !ShapedType::isDynamic(weightChannels) &&
      channels != weightChannels * group)
    return op.emitOpError("input has ")
           << channels << " channels but weight dimension 1 is "
           << weightChannels << " with group " << group;
  if (!ShapedType::isDynamic(filters) && filters % group != 0)
    return op.emitOpError("group ")
           << group << " does not divide the " << filters << " filters";

  // conv-C5
  if (bias) {
    auto biasShape = cast<RankedTensorType>(bias.getType()).getShape();
    if (failed(verifyCompatibleShape(op, "bias", biasShape, {filters})))
      return failure();
  }

  // conv-C6
  Shape expected = {inputType.getDimSize(0), filters};
  for (size_t i = 0; i < spatial; ++i) {
    int64_t size = getWindowedOutputSize(
        inputType.getDimSize(i + 2), weightType.getDimSize(i + 2),
        op.getStrides()[i], op.getDilations()[i], op.getPads()[i],
        op.getPads()[i + spatial]);
    if (size == 0)
      return op.emitOpError("spatial dimension ")
             << i << " has an empty output: the dilated kernel is larger "
             << "than the padded input";
    expected.push_back(size);
  }
  return verifyCompatibleShape(op, "result", op.getType().getShape(), expected);
}

LogicalResult ConvOp::verify() { return verifyConvolution(*this, getBias()); }

//===----------------------------------------------------------------------===//
// ConvTransposeOp
//===----------------------------------------------------------------------===//

LogicalResult ConvTransposeOp::verify() {
  RankedTensorType inputType = getInput().getType();
  RankedTensorType weightType = getWeight().getType();
  int64_t rank = inputType.getRank();
  // conv_transpose-C1
  if (rank < 3)
    return emitOpError("input must have rank 3 or more, got ") << rank;
  if (weightType.getRank() != rank)
    return emitOpError("weight rank ")
           << weightType.getRank() << " differs from input rank " << rank;

  // conv_transpose-C2
  size_t spatial = rank - 2;
  if (getStrides().size() != spatial || getDilations().size() != spatial ||
      getOutputPadding().size() != spatial)
    return emitOpError("strides, dilations and output_padding need ")
           << spatial << " entries each";
  if (getPads().size() != 2 * spatial)
    return emitOpError("pads need ")
           << 2 * spatial << " entries, got " << getPads().size();

  // conv_transpose-C3
  int64_t group = getGroup();
  if (llvm::any_of(getStrides(), [](int64_t s) { return s < 1; }) ||
      llvm::any_of(getDilations(), [](int64_t d) { return d < 1; }) ||
      group < 1)
    return emitOpError("strides, dilations and group must be positive");
  if (llvm::any_of(getPads(), [](int64_t p) { return p < 0; }))
    return emitOpError("pads must not be negative");
  for (size_t i = 0; i < spatial; ++i) {
    int64_t extra = getOutputPadding()[i];
    if (extra < 0 || (extra >= getStrides()[i] && extra >= getDilations()[i]))
      return emitOpError("output padding ")
             << extra << " must be non-negative and smaller than stride "
             << getStrides()[i] << " or dilation " << getDilations()[i];
  }

  // conv_transpose-C4
  int64_t channels = inputType.getDimSize(1);
  if (!areCompatibleDims(weightType.getDimSize(0), channels))
    return emitOpError("weight dimension 0 is ")
           << weightType.getDimSize(0) << " but the input has " << channels
           << " channels";
  if (!ShapedType::isDynamic(channels) && channels % group != 0)
    return emitOpError("group ")
           << group << " does not divide the " << channels << " channels";

  // conv_transpose-C5
  int64_t filters = ShapedType::isDynamic(weightType.getDimSize(1))
                        ? ShapedType::kDynamic
                        : weightType.getDimSize(1) * group;
  if (Value bias = getBias()) {
    auto biasShape = cast<RankedTensorType>(bias.getType()).getShape();
    if (failed(verifyCompatibleShape(*this, "bias", biasShape, {filters})))
      return failure();
  }

  // conv_transpose-C6
  Shape expected = {inputType.getDimSize(0), filters};
  for (size_t i = 0; i < spatial; ++i) {
    int64_t size = getTransposedWindowSize(
        inputType.getDimSize(i + 2), weightType.getDimSize(i + 2),
        getStrides()[i], getDilations()[i], getPads()[i],
        getPads()[i + spatial], getOutputPadding()[i]);
    if (!ShapedType::isDynamic(size) && size < 1)
      return emitOpError("spatial dimension ")
             << i << " has an empty output: the pads remove all of it";
    expected.push_back(size);
  }
  return verifyCompatibleShape(*this, "result", getType().getShape(), expected);
}

//===----------------------------------------------------------------------===//
// MatMulOp
//===----------------------------------------------------------------------===//

LogicalResult MatMulOp::verify() {
  // matmul-C1, matmul-C2 and matmul-C3
  std::string reason;
  FailureOr<Shape> expected = inferMatMulShape(
      getLhs().getType().getShape(), getRhs().getType().getShape(), reason);
  if (failed(expected))
    return emitOpError() << reason;
  // matmul-C4
  return verifyCompatibleShape(*this, "result", getType().getShape(),
                               *expected);
}

//===----------------------------------------------------------------------===//
// GemmOp
//===----------------------------------------------------------------------===//

LogicalResult GemmOp::verify() {
  // gemm-C1
  RankedTensorType aType = getA().getType(), bType = getB().getType();
  if (aType.getRank() != 2 || bType.getRank() != 2)
    return emitOpError("A and B must be matrices, got ranks ")
           << aType.getRank() << " and " << bType.getRank();

  // gemm-C2
  int64_t m = aType.getDimSize(getTransA() ? 1 : 0);
  int64_t kA = aType.getDimSize(getTransA() ? 0 : 1);
  int64_t kB = bType.getDimSize(getTransB() ? 1 : 0);
  int64_t n = bType.getDimSize(getTransB() ? 0 : 1);
  if (!areCompatibleDims(kA, kB))
    return emitOpError("contracting dimensions ")
           << kA << " and " << kB << " differ";

  // gemm-C3: C broadcasts to [M, N] without growing.
  if (Value c = getC()) {
    auto cShape = cast<RankedTensorType>(c.getType()).getShape();
    FailureOr<Shape> broadcast = broadcastShapes(cShape, {m, n});
    if (cShape.size() > 2 || failed(broadcast) ||
        !areCompatibleShapes(*broadcast, {m, n}))
      return emitOpError("C of shape ")
             << formatShape(cShape) << " does not broadcast to "
             << formatShape({m, n});
  }

  // gemm-C4
  return verifyCompatibleShape(*this, "result", getType().getShape(), {m, n});
}

//===----------------------------------------------------------------------===//
// MatMulIntegerOp and ConvIntegerOp
//===----------------------------------------------------------------------===//

/// Whether `type` holds 8-bit integers.
static bool isByteTensor(RankedTensorType type) {
  return type.getElementType().isInteger(8);
}

/// Checks that `zeroPoint`, the zero point of `operand`, has its element
/// type and is a scalar or has shape `perElement`.
static LogicalResult verifyZeroPoint(Operation *op, StringRef name,
                                     RankedTensorType operand,
                                     RankedTensorType zeroPoint,
                                     std::optional<Shape> perElement) {
  if (zeroPoint.getElementType() != operand.getElementType())
    return op->emitOpError()
           << name << " zero point holds " << zeroPoint.getElementType()
           << " but the operand " << operand.getElementType();
  if (zeroPoint.getRank() == 0)
    return success();
  // Each dimension is the operand's or a static 1 that broadcasts.
  auto fits = [&] {
    if (!perElement || zeroPoint.getRank() != int64_t(perElement->size()))
      return false;
    for (auto [size, expected] :
         llvm::zip_equal(zeroPoint.getShape(), *perElement))
      if (size != 1 && !areCompatibleDims(size, expected))
        return false;
    return true;
  };
  if (!fits())
    return op->emitOpError()
           << name << " zero point has shape "
           << formatShape(zeroPoint.getShape()) << "; expected a scalar"
           << (perElement ? " or " + formatShape(*perElement) : "");
  return success();
}

/// matmul_integer-C1 to C3 for `op`'s operands; returns the shape of the
/// product.
static FailureOr<Shape> verifyIntegerProduct(Operation *op,
                                             RankedTensorType lhs,
                                             RankedTensorType rhs,
                                             RankedTensorType lhsZeroPoint,
                                             RankedTensorType rhsZeroPoint) {
  // matmul_integer-C1
  if (!isByteTensor(lhs) || !isByteTensor(rhs))
    return op->emitOpError("operands must hold 8-bit integers");
  // matmul_integer-C2
  std::optional<Shape> lhsRows, rhsColumns;
  if (lhs.getRank() >= 2) {
    lhsRows = Shape(lhs.getShape());
    lhsRows->back() = 1;
  }
  if (rhs.getRank() >= 2) {
    rhsColumns = Shape(rhs.getShape());
    (*rhsColumns)[rhs.getRank() - 2] = 1;
  }
  if (failed(verifyZeroPoint(op, "lhs", lhs, lhsZeroPoint, lhsRows)) ||
      failed(verifyZeroPoint(op, "rhs", rhs, rhsZeroPoint, rhsColumns)))
    return failure();
  // matmul_integer-C3
  std::string reason;
  FailureOr<Shape> expected =
      inferMatMulShape(lhs.getShape(), rhs.getShape(), reason);
  if (failed(expected))
    return op->emitOpError() << reason;
  return expected;
}

LogicalResult MatMulIntegerOp::verify() {
  FailureOr<Shape> expected = verifyIntegerProduct(
      *this, getLhs().getType(), getRhs().getType(),
      getLhsZeroPoint().getType(), getRhsZeroPoint().getType());
  if (failed(expected))
    return failure();
  // matmul_integer-C4
  if (!getType().getElementType().isSignlessInteger(32))
    return emitOpError("result must hold i32");
  return verifyCompatibleShape(*this, "result", getType().getShape(),
                               *expected);
}

LogicalResult ScaledMatMulIntegerOp::verify() {
  RankedTensorType lhs = getLhs().getType(), rhs = getRhs().getType();
  // scaled_matmul_integer-C1
  if (lhs.getRank() < 2 || rhs.getRank() != 2)
    return emitOpError("lhs must have rank 2 or more and rhs rank 2");
  FailureOr<Shape> expected =
      verifyIntegerProduct(*this, lhs, rhs, getLhsZeroPoint().getType(),
                           getRhsZeroPoint().getType());
  if (failed(expected))
    return failure();
  // scaled_matmul_integer-C2
  RankedTensorType lhsScale = getLhsScale().getType();
  Shape rows(lhs.getShape());
  rows.back() = 1;
  bool perRow =
      lhsScale.getRank() == int64_t(rows.size()) &&
      llvm::all_of(llvm::zip_equal(lhsScale.getShape(), rows), [](auto dims) {
        auto [size, expected] = dims;
        return size == 1 || areCompatibleDims(size, expected);
      });
  if (!lhsScale.getElementType().isF32() ||
      (lhsScale.getRank() != 0 && !perRow))
    return emitOpError("lhs scale must hold f32 and be a scalar or have "
                       "shape ")
           << formatShape(rows);
  // scaled_matmul_integer-C3
  int64_t n = rhs.getDimSize(1);
  RankedTensorType rhsScale = getRhsScale().getType();
  if (!rhsScale.getElementType().isF32() ||
      (rhsScale.getRank() != 0 &&
       failed(mlir::verifyCompatibleShape(rhsScale.getShape(),
                                          ArrayRef<int64_t>{n}))))
    return emitOpError("rhs scale must hold f32 and be a scalar or have "
                       "shape [")
           << n << "]";
  if (Value bias = getBias()) {
    auto type = cast<RankedTensorType>(bias.getType());
    if (!type.getElementType().isF32() ||
        failed(
            mlir::verifyCompatibleShape(type.getShape(), ArrayRef<int64_t>{n})))
      return emitOpError("bias must hold f32 and have shape [") << n << "]";
  }
  // scaled_matmul_integer-C4
  if (!getType().getElementType().isF32())
    return emitOpError("result must hold f32");
  return verifyCompatibleShape(*this, "result", getType().getShape(),
                               *expected);
}

LogicalResult GroupedMatMulOp::verify() {
  RankedTensorType lhs = getLhs().getType(), rhs = getRhs().getType();
  auto isU8 = [](RankedTensorType type) {
    return type.getElementType().isUnsignedInteger(8);
  };
  // grouped_matmul-C1
  if (!isU8(lhs) || lhs.getRank() < 2)
    return emitOpError("lhs must hold u8 and have rank 2 or more");
  if (!rhs.getElementType().isSignlessInteger(8) || rhs.getRank() != 2)
    return emitOpError("rhs must hold i8 and have rank 2");
  int64_t k = lhs.getShape().back(), n = rhs.getDimSize(1);
  if (!areCompatibleDims(k, rhs.getDimSize(0)))
    return emitOpError("lhs has K = ") << k << " but rhs " << rhs.getDimSize(0);
  // grouped_matmul-C2
  RankedTensorType scale = getLhsScale().getType(),
                   zero = getLhsZeroPoint().getType();
  Shape rows(lhs.getShape());
  rows.back() = 1;
  if (!scale.getElementType().isF32() || !isU8(zero) ||
      scale.getShape() != zero.getShape() ||
      (scale.getRank() != 0 &&
       failed(mlir::verifyCompatibleShape(scale.getShape(), rows))))
    return emitOpError("lhs scale (f32) and zero point (u8) must both be "
                       "scalars or have shape ")
           << formatShape(rows);
  // grouped_matmul-C3
  int64_t group = getGroup();
  if (group < 1)
    return emitOpError("group must be at least 1, got ") << group;
  Shape scales = {ShapedType::isDynamic(k) ? ShapedType::kDynamic
                                           : (k + group - 1) / group,
                  n};
  RankedTensorType rhsScale = getRhsScale().getType();
  if (!rhsScale.getElementType().isF32() ||
      failed(mlir::verifyCompatibleShape(rhsScale.getShape(), scales)))
    return emitOpError("rhs scale must hold f32 and have shape ")
           << formatShape(scales);
  // grouped_matmul-C4
  for (auto [name, type] : {std::pair{"column sum", getColumnSum().getType()},
                            std::pair{"bias", getBias().getType()}})
    if (!type.getElementType().isF32() ||
        failed(
            mlir::verifyCompatibleShape(type.getShape(), ArrayRef<int64_t>{n})))
      return emitOpError() << name << " must hold f32 and have shape [" << n
                           << "]";
  // grouped_matmul-C5
  Shape expected(lhs.getShape());
  expected.back() = n;
  if (!getType().getElementType().isF32())
    return emitOpError("result must hold f32");
  return verifyCompatibleShape(*this, "result", getType().getShape(), expected);
}

LogicalResult ConvIntegerOp::verify() {
  RankedTensorType input = getInput().getType(), weight = getWeight().getType();
  // conv_integer-C1
  if (!isByteTensor(input) || !isByteTensor(weight))
    return emitOpError("input and weight must hold 8-bit integers");
  // conv_integer-C2
  if (failed(verifyZeroPoint(*this, "input", input,
                             getInputZeroPoint().getType(), std::nullopt)) ||
      failed(verifyZeroPoint(*this, "weight", weight,
                             getWeightZeroPoint().getType(),
                             Shape{weight.getDimSize(0)})))
    return failure();
  // conv_integer-C4
  if (!getType().getElementType().isSignlessInteger(32))
    return emitOpError("result must hold i32");
  // conv_integer-C3
  return verifyConvolution(*this, Value());
}
