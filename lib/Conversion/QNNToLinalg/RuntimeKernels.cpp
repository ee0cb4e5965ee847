//===- RuntimeKernels.cpp - Quantized contractions as runtime kernel calls
//-===//
//
// A quantized conv or matmul with a constant s8 weight becomes a call to
// one of the runtime's int8 kernels (runtime/quantc_kernels.h) when the
// module declares it (quantc-declare-runtime-kernels). The weight is packed
// here, at compile time, into the kernel's layout, and the zero-point term
// and the i32 bias fold into one i32 offset per output channel
// (docs/numerics.md, "Integer kernels"):
//
//   offset[c] = bias[c] - z'_x * sum_k w[c, k]
//
// The call reads the input's stored integers and writes the i32
// accumulator, which the caller's epilogue turns into the result. The
// tensors cross into buffers with bufferization.to_buffer (read only) and
// back with bufferization.to_tensor of a fresh buffer (restrict, writable).
//
//===----------------------------------------------------------------------===//

#include "quantc/Conversion/QNNToLinalg/RuntimeKernels.h"
#include "quantc/Conversion/QNNToLinalg/QNNToLinalg.h"
#include "quantc/Dialect/QNN/IR/QNNOps.h"
#include "quantc/Dialect/QNN/IR/QuantizedElements.h"

#include "quantc_kernels.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/SymbolTable.h"

using namespace mlir;
using namespace quantc;
using namespace quantc::qnn_to_linalg;

/// The memref<?xT> type the kernels take their buffers as.
static MemRefType getFlatBuffer(Type element) {
  return MemRefType::get({ShapedType::kDynamic}, element);
}

FunctionType quantc::getRuntimeKernelType(MLIRContext *context,
                                          RuntimeKernel kernel) {
  Type i8 = IntegerType::get(context, 8), i32 = IntegerType::get(context, 32),
       i64 = IntegerType::get(context, 64), f32 = Float32Type::get(context);
  if (kernel == RuntimeKernel::GroupedMatMulS4) {
    SmallVector<Type> inputs = {getFlatBuffer(i8),  getFlatBuffer(f32),
                                getFlatBuffer(i32), getFlatBuffer(i8),
                                getFlatBuffer(f32), getFlatBuffer(f32),
                                getFlatBuffer(f32), getFlatBuffer(f32)};
    // m, n, k, group, a_step.
    inputs.append(5, i64);
    return FunctionType::get(context, inputs, {});
  }
  if (kernel == RuntimeKernel::FloatMatMulC4) {
    SmallVector<Type> inputs = {getFlatBuffer(f32), getFlatBuffer(i8),
                                getFlatBuffer(f32), getFlatBuffer(f32)};
    // m, n, k.
    inputs.append(3, i64);
    return FunctionType::get(context, inputs, {});
  }
  if (kernel == RuntimeKernel::FloatMatMulS4 ||
      kernel == RuntimeKernel::FloatMatMulS8) {
    SmallVector<Type> inputs = {getFlatBuffer(f32), getFlatBuffer(i8),
                                getFlatBuffer(f32), getFlatBuffer(f32)};
    // m, n, k, group.
    inputs.append(4, i64);
    return FunctionType::get(context, inputs, {});
  }
  if (kernel == RuntimeKernel::FloatMatMulC8) {
    SmallVector<Type> inputs = {getFlatBuffer(f32), getFlatBuffer(i8),
                                getFlatBuffer(f32), getFlatBuffer(f32)};
    // m, n, k, per_column.
    inputs.append(4, i64);
    return FunctionType::get(context, inputs, {});
  }
  if (kernel == RuntimeKernel::BatchMatMul8) {
    SmallVector<Type> inputs = {getFlatBuffer(i8), getFlatBuffer(i8),
                                getFlatBuffer(i32)};
    // batch, m, n, k, a_zero, b_zero, a_signed, b_signed.
    inputs.append(8, i64);
    return FunctionType::get(context, inputs, {});
  }
  if (kernel == RuntimeKernel::ScaledMatMul) {
    SmallVector<Type> inputs = {
        getFlatBuffer(i8),  getFlatBuffer(i8),  getFlatBuffer(i32),
        getFlatBuffer(i32), getFlatBuffer(f32), getFlatBuffer(i32),
        getFlatBuffer(f32), getFlatBuffer(f32), getFlatBuffer(f32)};
    // m, n, k, a_signed, a_step, has_bias.
    inputs.append(6, i64);
    return FunctionType::get(context, inputs, {});
  }
  SmallVector<Type> inputs = {getFlatBuffer(i8), getFlatBuffer(i8),
                              getFlatBuffer(i32), getFlatBuffer(i32)};
  // The scalars of runtime/qgemm.c's entry points.
  int64_t scalars = kernel == RuntimeKernel::MatMul ? 4 : 18;
  inputs.append(scalars, i64);
  return FunctionType::get(context, inputs, {});
}

StringRef quantc::getRuntimeKernelName(RuntimeKernel kernel) {
  switch (kernel) {
  case RuntimeKernel::Conv2D:
    return "quantc_conv2d_u8s8_i32";
  case RuntimeKernel::Depthwise2D:
    return "quantc_depthwise2d_u8s8_i32";
  case RuntimeKernel::MatMul:
    return "quantc_matmul_u8s8_i32";
  case RuntimeKernel::ScaledMatMul:
    return "quantc_matmul_u8s8_f32";
  case RuntimeKernel::GroupedMatMulS4:
    return "quantc_matmul_u8s4_f32";
  case RuntimeKernel::FloatMatMulS4:
    return "quantc_matmul_f32s4_f32";
  case RuntimeKernel::FloatMatMulS8:
    return "quantc_matmul_f32s8_f32";
  case RuntimeKernel::FloatMatMulC4:
    return "quantc_matmul_f32c4_f32";
  case RuntimeKernel::FloatMatMulC8:
    return "quantc_matmul_f32c8_f32";
  case RuntimeKernel::BatchMatMul8:
    return "quantc_batch_matmul_q8_i32";
  }
  llvm_unreachable("unknown runtime kernel");
}

/// Whether the module around `op` declares `kernel` with its signature.
static bool isDeclared(Operation *op, RuntimeKernel kernel) {
  auto func = SymbolTable::lookupNearestSymbolFrom<func::FuncOp>(
      op, StringAttr::get(op->getContext(), getRuntimeKernelName(kernel)));
  return func && func.getFunctionType() ==
                     getRuntimeKernelType(op->getContext(), kernel);
}

/// One group of all `rank` dimensions: a reshape to or from one dimension.
static SmallVector<ReassociationIndices> getAllDims(int64_t rank) {
  SmallVector<ReassociationIndices> all(1);
  for (int64_t d = 0; d < rank; ++d)
    all[0].push_back(d);
  return all;
}

/// `value` (a tensor) as a flat buffer the kernel reads.
static Value toFlatBuffer(OpBuilder &b, Location loc, Value value) {
  auto type = cast<RankedTensorType>(value.getType());
  Value flat = value;
  if (type.getRank() == 0)
    flat = tensor::ExpandShapeOp::create(
        b, loc, RankedTensorType::get({1}, type.getElementType()), value,
        SmallVector<ReassociationIndices>());
  else if (type.getRank() != 1)
    flat = tensor::CollapseShapeOp::create(b, loc, value,
                                           getAllDims(type.getRank()));
  auto dynamic =
      RankedTensorType::get({ShapedType::kDynamic}, type.getElementType());
  if (flat.getType() != dynamic)
    flat = tensor::CastOp::create(b, loc, dynamic, flat);
  return bufferization::ToBufferOp::create(
      b, loc, getFlatBuffer(type.getElementType()), flat, /*read_only=*/true);
}

/// A constant tensor holding `bytes` (i8) or `words` (i32).
static Value createBytes(OpBuilder &b, Location loc, ArrayRef<int8_t> bytes) {
  auto type =
      RankedTensorType::get({int64_t(bytes.size())}, b.getIntegerType(8));
  return arith::ConstantOp::create(
      b, loc,
      DenseElementsAttr::get(
          type, ArrayRef<char>(reinterpret_cast<const char *>(bytes.data()),
                               bytes.size())));
}

static Value createWords(OpBuilder &b, Location loc, ArrayRef<int32_t> words) {
  auto type =
      RankedTensorType::get({int64_t(words.size())}, b.getIntegerType(32));
  return arith::ConstantOp::create(b, loc, DenseElementsAttr::get(type, words));
}

/// Calls `kernel` on the flat buffers of `inputs` and a fresh buffer of
/// `accType` (dynamic sizes `sizes`), passing `scalars`; returns the
/// output as a tensor of `accType`.
static Value callKernel(OpBuilder &b, Location loc, RuntimeKernel kernel,
                        ArrayRef<Value> inputs, RankedTensorType accType,
                        ValueRange sizes, ArrayRef<Value> scalars) {
  // The accumulator's sizes, and a flat output buffer of their product.
  SmallVector<Value> shape;
  int64_t dynamicIndex = 0;
  Value count = arith::ConstantIndexOp::create(b, loc, 1);
  for (int64_t d = 0; d < accType.getRank(); ++d) {
    shape.push_back(accType.isDynamicDim(d)
                        ? sizes[dynamicIndex++]
                        : Value(arith::ConstantIndexOp::create(
                              b, loc, accType.getDimSize(d))));
    count = arith::MulIOp::create(b, loc, count, shape.back());
  }
  Type element = accType.getElementType();
  Value output = memref::AllocOp::create(b, loc, getFlatBuffer(element),
                                         ValueRange{count});
  SmallVector<Value> operands;
  for (Value input : inputs)
    operands.push_back(toFlatBuffer(b, loc, input));
  operands.push_back(output);
  llvm::append_range(operands, scalars);
  func::CallOp::create(b, loc, getRuntimeKernelName(kernel), TypeRange(),
                       operands);
  Value flat = bufferization::ToTensorOp::create(
      b, loc, RankedTensorType::get({ShapedType::kDynamic}, element), output,
      /*restrict=*/true, /*writable=*/true);
  // Back to the accumulator's shape.
  if (accType.hasStaticShape()) {
    flat = tensor::CastOp::create(
        b, loc, RankedTensorType::get({accType.getNumElements()}, element),
        flat);
    return tensor::ExpandShapeOp::create(b, loc, accType, flat,
                                         getAllDims(accType.getRank()));
  }
  Value shapeTensor = tensor::FromElementsOp::create(b, loc, shape);
  return tensor::ReshapeOp::create(b, loc, accType, flat, shapeTensor);
}

/// The stored s8 integers of `weight`, row-major.
static SmallVector<int8_t> getStored(DenseElementsAttr weight) {
  SmallVector<int8_t> values;
  values.reserve(weight.getNumElements());
  for (const APInt &v : weight.getValues<APInt>())
    values.push_back(int8_t(v.getSExtValue()));
  return values;
}

/// The i32 offsets: bias[c] (or 0) - z' * sum of channel c's weights,
/// wrapping as i32 sums do.
static SmallVector<int32_t> getOffsets(ArrayRef<int64_t> channelSums,
                                       DenseElementsAttr bias,
                                       int64_t shiftedZero) {
  SmallVector<int32_t> offsets;
  SmallVector<int64_t> biases(channelSums.size(), 0);
  if (bias) {
    int64_t i = 0;
    for (const APInt &v : bias.getValues<APInt>())
      biases[i++] = v.getSExtValue();
  }
  for (auto [sum, start] : llvm::zip_equal(channelSums, biases))
    offsets.push_back(
        int32_t(uint32_t(uint64_t(start) - uint64_t(shiftedZero * sum))));
  return offsets;
}

static Value index64(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIntOp::create(b, loc, b.getI64Type(), v);
}

/// The product of every dimension of `value` but the last (its rows), and
/// the dynamic sizes among them that `type` (of the same rank) has.
static Value getRows(OpBuilder &b, Location loc, Value value,
                     RankedTensorType type, SmallVectorImpl<Value> &sizes) {
  auto valueType = cast<RankedTensorType>(value.getType());
  Value rows = arith::ConstantIndexOp::create(b, loc, 1);
  for (int64_t d = 0; d + 1 < valueType.getRank(); ++d) {
    Value size = valueType.isDynamicDim(d)
                     ? Value(tensor::DimOp::create(b, loc, value, d))
                     : Value(arith::ConstantIndexOp::create(
                           b, loc, valueType.getDimSize(d)));
    if (type.isDynamicDim(d))
      sizes.push_back(size);
    rows = arith::MulIOp::create(b, loc, rows, size);
  }
  return arith::IndexCastOp::create(b, loc, b.getI64Type(), rows);
}

/// `acc` minus the input's zero point known at run time (`zeroPoint`, a
/// tensor of its stored integer, broadcasting over `acc`) times the
/// weights' sums `sums` (of shape `sumShape`, broadcasting over `acc` too),
/// in wrapping i32 as the kernels' sums: the zero point's term of
/// sum (x - z) * w when the kernel ran with the offsets of a zero point 0.
static Value subtractZeroPointTerm(OpBuilder &b, Location loc, Value acc,
                                   Value zeroPoint, ArrayRef<int64_t> sums,
                                   ArrayRef<int64_t> sumShape,
                                   bool inputSigned) {
  Type i32 = b.getI32Type();
  SmallVector<int32_t> words;
  for (int64_t sum : sums)
    words.push_back(int32_t(uint32_t(uint64_t(sum))));
  Value sumsConstant = arith::ConstantOp::create(
      b, loc,
      DenseElementsAttr::get(RankedTensorType::get(sumShape, i32),
                             ArrayRef<int32_t>(words)));
  return createElementwise(
      b, loc, cast<RankedTensorType>(acc.getType()),
      {acc, zeroPoint, sumsConstant},
      [&](OpBuilder &nb, Location l, ValueRange args) {
        Value z = extendStored(nb, l, args[1], i32, inputSigned);
        Value term = arith::MulIOp::create(nb, l, z, args[2]);
        return arith::SubIOp::create(nb, l, args[0], term).getResult();
      },
      ValueRange(getDynamicSizes(b, loc, acc)));
}

FailureOr<Value> qnn_to_linalg::createConvKernelCall(
    OpBuilder &b, Location loc, Operation *op, Value input,
    DenseElementsAttr weight, DenseElementsAttr bias,
    const ConvAttributes &attributes, int64_t inputZeroPoint, bool inputSigned,
    RankedTensorType accType, Value runtimeZeroPoint) {
  auto inputType = cast<RankedTensorType>(input.getType());
  auto weightType = cast<RankedTensorType>(weight.getType());
  if (inputType.getRank() != 4 || weightType.getRank() != 4 ||
      !weight.getElementType().isInteger(8) ||
      !inputType.getElementType().isInteger(8) ||
      llvm::any_of(inputType.getShape().drop_front(), ShapedType::isDynamic) ||
      llvm::any_of(accType.getShape().drop_front(), ShapedType::isDynamic))
    return failure();
  int64_t group = attributes.group;
  int64_t channels = inputType.getDimSize(1) / group;
  int64_t filters = weightType.getDimSize(0) / group;
  int64_t kh = weightType.getDimSize(2), kw = weightType.getDimSize(3);
  int64_t k = channels * kh * kw;
  // A depthwise conv has a kernel of its own; other narrow convs stay with
  // the generic code: a register tile of filters and four-byte groups of
  // taps would be mostly empty.
  bool depthwise = channels == 1 && group > 1;
  RuntimeKernel kernel =
      depthwise ? RuntimeKernel::Depthwise2D : RuntimeKernel::Conv2D;
  if (!isDeclared(op, kernel) || (!depthwise && (k < 8 || filters < 4)))
    return failure();

  // Filters as rows (one group after the other) or depthwise rows, and
  // their offsets.
  SmallVector<int8_t> stored = getStored(weight);
  int64_t m = weightType.getDimSize(0);
  SmallVector<int8_t> rows;
  if (depthwise) {
    rows.resize(quantc_depthwise_size(m, kh, kw));
    quantc_pack_depthwise_s8(m, kh, kw, stored.data(), rows.data());
  } else {
    rows.resize(quantc_rows_size(m, k));
    quantc_pack_rows_s8(m, k, stored.data(), k, 1, rows.data());
  }
  SmallVector<int64_t> sums(m, 0);
  for (int64_t f = 0; f < m; ++f)
    for (int64_t i = 0; i < k; ++i)
      sums[f] += stored[f * k + i];
  int64_t shiftedZero = inputSigned ? inputZeroPoint + 128 : inputZeroPoint;
  SmallVector<int32_t> offsets = getOffsets(sums, bias, shiftedZero);
  Value rowsConstant = createBytes(b, loc, rows);
  Value offsetsConstant = createWords(b, loc, offsets);

  SmallVector<Value> sizes;
  Value batch;
  if (accType.isDynamicDim(0)) {
    Value n = tensor::DimOp::create(b, loc, input, 0);
    sizes.push_back(n);
    batch = arith::IndexCastOp::create(b, loc, b.getI64Type(), n);
  } else {
    batch = index64(b, loc, accType.getDimSize(0));
  }
  int64_t padValue =
      inputSigned ? int64_t(uint8_t(int8_t(inputZeroPoint))) : inputZeroPoint;
  SmallVector<Value> scalars = {batch};
  for (int64_t v :
       {group, channels, inputType.getDimSize(2), inputType.getDimSize(3),
        filters, kh, kw, attributes.strides[0], attributes.strides[1],
        attributes.dilations[0], attributes.dilations[1], attributes.pads[0],
        attributes.pads[1], accType.getDimSize(2), accType.getDimSize(3),
        padValue, int64_t(inputSigned)})
    scalars.push_back(index64(b, loc, v));
  if (runtimeZeroPoint) {
    // The padding holds the zero point's stored byte.
    Value z = tensor::ExtractOp::create(b, loc, runtimeZeroPoint, ValueRange{});
    scalars[scalars.size() - 2] =
        arith::ExtUIOp::create(b, loc, b.getI64Type(), z);
  }
  Value acc = callKernel(b, loc, kernel, {input, rowsConstant, offsetsConstant},
                         accType, sizes, scalars);
  if (!runtimeZeroPoint)
    return acc;
  SmallVector<int64_t> sumShape(accType.getRank() - 1, 1);
  sumShape[0] = m;
  return subtractZeroPointTerm(b, loc, acc, runtimeZeroPoint, sums, sumShape,
                               inputSigned);
}

FailureOr<Value> qnn_to_linalg::createMatMulKernelCall(
    OpBuilder &b, Location loc, Operation *op, Value lhs,
    DenseElementsAttr weight, bool transposed, DenseElementsAttr bias,
    int64_t inputZeroPoint, bool inputSigned, RankedTensorType accType,
    Value runtimeZeroPoint) {
  if (!isDeclared(op, RuntimeKernel::MatMul))
    return failure();
  auto lhsType = cast<RankedTensorType>(lhs.getType());
  auto weightType = cast<RankedTensorType>(weight.getType());
  if (lhsType.getRank() < 2 || weightType.getRank() != 2 ||
      !weight.getElementType().isInteger(8) ||
      !lhsType.getElementType().isInteger(8) ||
      lhsType.isDynamicDim(lhsType.getRank() - 1) ||
      accType.getRank() != lhsType.getRank())
    return failure();
  int64_t k = lhsType.getShape().back();
  int64_t n = transposed ? weightType.getDimSize(0) : weightType.getDimSize(1);
  if ((transposed ? weightType.getDimSize(1) : weightType.getDimSize(0)) != k)
    return failure();

  SmallVector<int8_t> stored = getStored(weight);
  SmallVector<int8_t> panels(quantc_panels_size(k, n));
  // Element (k, n) of B: w[k, n], or w[n, k] when transposed.
  quantc_pack_panels_s8(k, n, stored.data(), transposed ? 1 : n,
                        transposed ? k : 1, panels.data());
  SmallVector<int64_t> sums(n, 0);
  for (int64_t kk = 0; kk < k; ++kk)
    for (int64_t j = 0; j < n; ++j)
      sums[j] += stored[transposed ? j * k + kk : kk * n + j];
  int64_t shiftedZero = inputSigned ? inputZeroPoint + 128 : inputZeroPoint;
  SmallVector<int32_t> offsets = getOffsets(sums, bias, shiftedZero);
  Value panelsConstant = createBytes(b, loc, panels);
  Value offsetsConstant = createWords(b, loc, offsets);

  SmallVector<Value> sizes;
  SmallVector<Value> scalars = {getRows(b, loc, lhs, accType, sizes)};
  for (int64_t v : {n, k, int64_t(inputSigned)})
    scalars.push_back(index64(b, loc, v));
  Value acc = callKernel(b, loc, RuntimeKernel::MatMul,
                         {lhs, panelsConstant, offsetsConstant}, accType, sizes,
                         scalars);
  if (!runtimeZeroPoint)
    return acc;
  return subtractZeroPointTerm(b, loc, acc, runtimeZeroPoint, sums, {n},
                               inputSigned);
}

FailureOr<Value> qnn_to_linalg::createActivationMatMulKernelCall(
    OpBuilder &b, Location loc, Operation *op, Value lhs, Value rhs,
    int64_t lhsZeroPoint, bool lhsSigned, int64_t rhsZeroPoint, bool rhsSigned,
    RankedTensorType accType) {
  auto lhsType = cast<RankedTensorType>(lhs.getType());
  auto rhsType = cast<RankedTensorType>(rhs.getType());
  int64_t rank = lhsType.getRank();
  if (!isDeclared(op, RuntimeKernel::BatchMatMul8) || rank < 2 ||
      rhsType.getRank() != rank || accType.getRank() != rank ||
      !lhsType.getElementType().isInteger(8) ||
      !rhsType.getElementType().isInteger(8) ||
      lhsType.isDynamicDim(rank - 1) ||
      rhsType.getDimSize(rank - 2) != lhsType.getDimSize(rank - 1))
    return failure();
  int64_t batch = 1;
  for (int64_t d = 0; d + 2 < rank; ++d) {
    if (lhsType.isDynamicDim(d) ||
        rhsType.getDimSize(d) != lhsType.getDimSize(d))
      return failure();
    batch *= lhsType.getDimSize(d);
  }
  auto dimension = [&](Value value, int64_t d) -> Value {
    return tensor::DimOp::create(b, loc, value, d);
  };
  // The accumulator's dynamic sizes: M from lhs, N from rhs.
  SmallVector<Value> sizes;
  if (accType.isDynamicDim(rank - 2))
    sizes.push_back(dimension(lhs, rank - 2));
  if (accType.isDynamicDim(rank - 1))
    sizes.push_back(dimension(rhs, rank - 1));
  auto asI64 = [&](Value index) -> Value {
    return arith::IndexCastOp::create(b, loc, b.getI64Type(), index);
  };
  SmallVector<Value> scalars = {index64(b, loc, batch),
                                asI64(dimension(lhs, rank - 2)),
                                asI64(dimension(rhs, rank - 1)),
                                index64(b, loc, lhsType.getDimSize(rank - 1))};
  for (int64_t v :
       {lhsZeroPoint, rhsZeroPoint, int64_t(lhsSigned), int64_t(rhsSigned)})
    scalars.push_back(index64(b, loc, v));
  return callKernel(b, loc, RuntimeKernel::BatchMatMul8, {lhs, rhs}, accType,
                    sizes, scalars);
}

FailureOr<Value> qnn_to_linalg::createGroupedMatMulKernelCall(
    OpBuilder &b, Location loc, Operation *op, Value lhs, Value lhsScale,
    Value lhsZeroPoint, DenseElementsAttr weight, Value rhsScale,
    Value columnSum, Value bias, int64_t group, RankedTensorType resultType) {
  auto lhsType = cast<RankedTensorType>(lhs.getType());
  auto weightType = cast<RankedTensorType>(weight.getType());
  if (!isDeclared(op, RuntimeKernel::GroupedMatMulS4) ||
      weightType.getRank() != 2 || !weightType.hasStaticShape() ||
      lhsType.isDynamicDim(lhsType.getRank() - 1))
    return failure();
  int64_t k = weightType.getDimSize(0), n = weightType.getDimSize(1);
  // One group of all K is one group of K rounded up to 8.
  if (group >= k)
    group = (k + 7) / 8 * 8;
  if (group % 8 != 0)
    return failure();
  SmallVector<int8_t> stored = getStored(weight);
  if (llvm::any_of(stored, [](int8_t v) { return v < -8 || v > 7; }))
    return failure();
  SmallVector<int8_t> panels(quantc_panels_s4_size(k, n));
  quantc_pack_panels_s4(k, n, stored.data(), n, 1,
                        reinterpret_cast<uint8_t *>(panels.data()));
  Value panelsConstant = createBytes(b, loc, panels);

  // The zero points as the i32 the kernel reads.
  auto zeroType = cast<RankedTensorType>(lhsZeroPoint.getType());
  Value zeroWords = createElementwise(
      b, loc, zeroType.clone(b.getI32Type()), lhsZeroPoint,
      [](OpBuilder &nb, Location l, ValueRange args) -> Value {
        return arith::ExtUIOp::create(nb, l, nb.getI32Type(), args[0]);
      },
      ValueRange(getDynamicSizes(b, loc, lhsZeroPoint)));
  SmallVector<Value> sizes;
  Value rows = getRows(b, loc, lhs, resultType, sizes);
  int64_t step = zeroType.getRank() == 0 ? 0 : 1;
  SmallVector<Value> scalars = {rows};
  for (int64_t v : {n, k, group, step})
    scalars.push_back(index64(b, loc, v));
  return callKernel(
      b, loc, RuntimeKernel::GroupedMatMulS4,
      {lhs, lhsScale, zeroWords, panelsConstant, rhsScale, columnSum, bias},
      resultType, sizes, scalars);
}

FailureOr<Value> qnn_to_linalg::createScaledMatMulKernelCall(
    OpBuilder &b, Location loc, Operation *op, Value lhs, Value lhsScale,
    Value lhsZeroPoint, bool inputSigned, DenseElementsAttr weight,
    Value rhsScale, Value bias, RankedTensorType resultType) {
  auto lhsType = cast<RankedTensorType>(lhs.getType());
  auto weightType = cast<RankedTensorType>(weight.getType());
  if (!isDeclared(op, RuntimeKernel::ScaledMatMul) || lhsType.getRank() < 2 ||
      weightType.getRank() != 2 || !weightType.hasStaticShape() ||
      !weight.getElementType().isInteger(8) ||
      !lhsType.getElementType().isInteger(8) ||
      lhsType.isDynamicDim(lhsType.getRank() - 1) ||
      lhsType.getShape().back() != weightType.getDimSize(0))
    return failure();
  int64_t k = weightType.getDimSize(0), n = weightType.getDimSize(1);

  // The weights as panels; the offsets hold only the +128 of s8 inputs, the
  // zero point's term comes from the column sums in the kernel.
  SmallVector<int8_t> stored = getStored(weight);
  SmallVector<int8_t> panels(quantc_panels_size(k, n));
  quantc_pack_panels_s8(k, n, stored.data(), n, 1, panels.data());
  SmallVector<int64_t> sums(n, 0);
  for (int64_t kk = 0; kk < k; ++kk)
    for (int64_t j = 0; j < n; ++j)
      sums[j] += stored[kk * n + j];
  SmallVector<int32_t> offsets =
      getOffsets(sums, DenseElementsAttr(), inputSigned ? 128 : 0);
  SmallVector<int32_t> sumWords;
  for (int64_t sum : sums)
    sumWords.push_back(int32_t(uint32_t(uint64_t(sum))));

  // The input's scale and zero point (as i32): both scalars, or both one
  // per row.
  Type i32 = b.getI32Type(), f32 = b.getF32Type();
  auto scaleType = cast<RankedTensorType>(lhsScale.getType());
  auto zeroType = cast<RankedTensorType>(lhsZeroPoint.getType());
  bool perRow = scaleType.getRank() != 0 || zeroType.getRank() != 0;
  SmallVector<int64_t> rowShape;
  SmallVector<Value> rowSizes;
  if (perRow) {
    rowShape.assign(lhsType.getShape().begin(), lhsType.getShape().end());
    rowShape.back() = 1;
    rowSizes = getDynamicSizes(b, loc, lhs);
  }
  auto rowType = [&](Type element) {
    return RankedTensorType::get(rowShape, element);
  };
  Value aScale = lhsScale;
  if (scaleType != rowType(f32))
    aScale = createElementwise(
        b, loc, rowType(f32), lhsScale,
        [](OpBuilder &, Location, ValueRange args) { return args[0]; },
        ValueRange(rowSizes));
  Value aZero = createElementwise(
      b, loc, rowType(i32), lhsZeroPoint,
      [&](OpBuilder &nb, Location l, ValueRange args) {
        return extendStored(nb, l, args[0], i32, inputSigned);
      },
      ValueRange(rowSizes));
  Value bScale = rhsScale;
  if (cast<RankedTensorType>(rhsScale.getType()).getRank() == 0)
    bScale = createElementwise(
        b, loc, RankedTensorType::get({n}, f32), rhsScale,
        [](OpBuilder &, Location, ValueRange args) { return args[0]; },
        ValueRange());
  Value biasValues = bias;
  if (!bias)
    biasValues = arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(RankedTensorType::get({1}, f32), 0.0f));

  SmallVector<Value> sizes;
  SmallVector<Value> scalars = {getRows(b, loc, lhs, resultType, sizes)};
  for (int64_t v :
       {n, k, int64_t(inputSigned), int64_t(perRow), int64_t(bool(bias))})
    scalars.push_back(index64(b, loc, v));
  return callKernel(
      b, loc, RuntimeKernel::ScaledMatMul,
      {lhs, createBytes(b, loc, panels), createWords(b, loc, offsets),
       createWords(b, loc, sumWords), aScale, aZero, bScale, biasValues},
      resultType, sizes, scalars);
}

/// The K x N matrix `stored` (row-major, or N x K if `transposed`) as the
/// 8-bit panels (quantc_pack_panels_s8) or, `width` 4, the nibble panels
/// (quantc_pack_panels_s4) of the float-activation kernels.
static SmallVector<int8_t> packPanels(ArrayRef<int8_t> stored, int64_t k,
                                      int64_t n, unsigned width,
                                      bool transposed) {
  int64_t strideK = transposed ? 1 : n, strideN = transposed ? k : 1;
  SmallVector<int8_t> panels;
  if (width == 8) {
    panels.resize(quantc_panels_size(k, n));
    quantc_pack_panels_s8(k, n, stored.data(), strideK, strideN, panels.data());
  } else {
    panels.resize(quantc_panels_s4_size(k, n));
    quantc_pack_panels_s4(k, n, stored.data(), strideK, strideN,
                          reinterpret_cast<uint8_t *>(panels.data()));
  }
  return panels;
}

/// `lhs` times the codebook weight `codebook` ([K, N] with one codebook
/// per column, or [N, K] when `transposed` with one per row, or one for
/// all) as a call to the runtime's codebook kernel. 4-bit indices
/// (quantc_matmul_f32c4_f32): nibble panels, each column's entries as a row
/// of 16 (zeros past the codebook's), in rows up to a whole panel. 8-bit
/// indices (quantc_matmul_f32c8_f32): 8-bit panels of index - 128, and
/// rows of 256 entries, one per column up to a whole panel or one for all.
static FailureOr<Value>
createCodebookMatMulCall(OpBuilder &b, Location loc, Operation *op, Value lhs,
                         qnn::CodebookConstantOp codebook, bool transposed,
                         RankedTensorType resultType) {
  auto lhsType = cast<RankedTensorType>(lhs.getType());
  auto weightType = cast<RankedTensorType>(codebook.getType());
  DenseIntElementsAttr indices = codebook.getIndices();
  DenseFPElementsAttr entries = codebook.getCodebook();
  std::optional<uint64_t> axis = codebook.getAxis();
  unsigned width = indices.getElementType().getIntOrFloatBitWidth();
  RuntimeKernel kernel =
      width == 8 ? RuntimeKernel::FloatMatMulC8 : RuntimeKernel::FloatMatMulC4;
  if ((width != 4 && width != 8) || !isDeclared(op, kernel) ||
      !lhsType.getElementType().isF32() || lhsType.getRank() < 2 ||
      lhsType.isDynamicDim(lhsType.getRank() - 1) ||
      !resultType.getElementType().isF32() || weightType.getRank() != 2 ||
      !weightType.getElementType().isF32() ||
      (axis && *axis != (transposed ? 0 : 1)) ||
      weightType.getDimSize(transposed ? 1 : 0) != lhsType.getShape().back())
    return failure();
  int64_t k = weightType.getDimSize(transposed ? 1 : 0),
          n = weightType.getDimSize(transposed ? 0 : 1);
  auto entryType = cast<RankedTensorType>(entries.getType());
  int64_t count = entryType.getShape().back();
  // Entries a table holds: 16 (4 bits) or 256 (8 bits).
  int64_t row = int64_t(1) << width;
  if (count > row)
    return failure();

  // The panels hold index - 8 (4 bits) or index - 128 (8 bits).
  SmallVector<int8_t> stored;
  stored.reserve(k * n);
  for (const APInt &v : indices.getValues<APInt>())
    stored.push_back(int8_t(int64_t(v.getZExtValue()) - row / 2));
  SmallVector<int8_t> panels = packPanels(stored, k, n, width, transposed);
  // A row of `row` entries per column up to a whole panel (4 bits always,
  // 8 bits with a codebook per column), or one row for all.
  bool perColumn = width == 4 || axis;
  int64_t rows = perColumn ? (n + 15) / 16 * 16 : 1;
  SmallVector<float> values(entries.getValues<float>());
  SmallVector<float> tables(rows * row, 0.0f);
  for (int64_t col = 0; col < (perColumn ? n : 1); ++col)
    for (int64_t e = 0; e < count; ++e)
      tables[col * row + e] = values[(axis ? col * count : 0) + e];
  Value tableConstant = arith::ConstantOp::create(
      b, loc,
      DenseElementsAttr::get(
          RankedTensorType::get({int64_t(tables.size())}, b.getF32Type()),
          ArrayRef<float>(tables)));

  SmallVector<Value> sizes;
  SmallVector<Value> scalars = {getRows(b, loc, lhs, resultType, sizes)};
  for (int64_t v : {n, k})
    scalars.push_back(index64(b, loc, v));
  if (width == 8)
    scalars.push_back(index64(b, loc, int64_t(perColumn)));
  return callKernel(b, loc, kernel,
                    {lhs, createBytes(b, loc, panels), tableConstant},
                    resultType, sizes, scalars);
}

FailureOr<Value> qnn_to_linalg::createFloatMatMulS4KernelCall(
    OpBuilder &b, Location loc, Operation *op, Value lhs, Value rhs,
    bool transposed, RankedTensorType resultType) {
  if (auto codebook = rhs.getDefiningOp<qnn::CodebookConstantOp>())
    return createCodebookMatMulCall(b, loc, op, lhs, codebook, transposed,
                                    resultType);
  auto dequantize = rhs.getDefiningOp<qnn::DequantizeOp>();
  auto constant = dequantize
                      ? dequantize.getInput().getDefiningOp<qnn::ConstantOp>()
                      : qnn::ConstantOp();
  auto lhsType = cast<RankedTensorType>(lhs.getType());
  if (!constant || !lhsType.getElementType().isF32() || lhsType.getRank() < 2 ||
      lhsType.isDynamicDim(lhsType.getRank() - 1) ||
      !resultType.getElementType().isF32())
    return failure();
  auto weightType = cast<RankedTensorType>(constant.getType());
  auto quantized = dyn_cast<quant::QuantizedType>(weightType.getElementType());
  auto values = dyn_cast<DenseIntElementsAttr>(constant.getValue());
  unsigned width = quantized ? quantized.getStorageTypeIntegralWidth() : 0;
  RuntimeKernel kernel =
      width == 8 ? RuntimeKernel::FloatMatMulS8 : RuntimeKernel::FloatMatMulS4;
  if (!quantized || !values || weightType.getRank() != 2 ||
      !quantized.isSigned() || (width != 4 && width != 8) ||
      !isDeclared(op, kernel) ||
      weightType.getDimSize(transposed ? 1 : 0) != lhsType.getShape().back())
    return failure();
  // The weight's K and N axes.
  unsigned kAxis = transposed ? 1 : 0, nAxis = transposed ? 0 : 1;
  FailureOr<qnn::ElementQuantParams> params =
      qnn::ElementQuantParams::get(weightType);
  if (failed(params) || params->getBlockSizes()[nAxis] != 1 ||
      llvm::any_of(params->getZeroPoints(), [](int64_t z) { return z != 0; }))
    return failure();
  int64_t k = weightType.getDimSize(kAxis), n = weightType.getDimSize(nAxis);
  // One group of all K is one group of K rounded up to 8.
  int64_t group = params->getBlockSizes()[kAxis];
  if (group >= k)
    group = (k + 7) / 8 * 8;
  if (group % 8 != 0)
    return failure();

  SmallVector<int8_t> stored;
  stored.reserve(k * n);
  for (const APInt &v : values.getValues<APInt>())
    stored.push_back(int8_t(v.getSExtValue()));
  SmallVector<int8_t> panels = packPanels(stored, k, n, width, transposed);
  // The kernel reads the scale of group g and column n at g * N + n; a
  // transposed weight's scales are [N, groups].
  SmallVector<float> scales(params->getScales());
  if (transposed) {
    int64_t groups = int64_t(scales.size()) / n;
    for (int64_t col = 0; col < n; ++col)
      for (int64_t g = 0; g < groups; ++g)
        scales[g * n + col] = params->getScales()[col * groups + g];
  }
  Value scaleConstant = arith::ConstantOp::create(
      b, loc,
      DenseElementsAttr::get(
          RankedTensorType::get({int64_t(scales.size())}, b.getF32Type()),
          ArrayRef<float>(scales)));

  SmallVector<Value> sizes;
  SmallVector<Value> scalars = {getRows(b, loc, lhs, resultType, sizes)};
  for (int64_t v : {n, k, group})
    scalars.push_back(index64(b, loc, v));
  return callKernel(b, loc, kernel,
                    {lhs, createBytes(b, loc, panels), scaleConstant},
                    resultType, sizes, scalars);
}
