//===- QNNShapeOps.cpp - Data movement ops -------------------------------===//
//
// Verifiers and folders of shape, reshape, transpose, concat, slice, gather,
// pad and resize.
//
//===----------------------------------------------------------------------===//

#include "quantc/Dialect/QNN/IR/QNNOps.h"
#include "quantc/Dialect/QNN/IR/QNNTypes.h"
#include "quantc/Dialect/QNN/IR/ShapeInference.h"

#include "mlir/IR/Matchers.h"
#include "mlir/IR/TypeUtilities.h"

#include <cmath>

using namespace mlir;
using namespace quantc;
using namespace quantc::qnn;

/// Checks that `op`'s input and result have one element type.
static LogicalResult verifySameElementType(Operation *op, Type input,
                                           Type result) {
  if (getElementTypeOrSelf(input) == getElementTypeOrSelf(result))
    return success();
  return op->emitOpError("result element type ")
         << getElementTypeOrSelf(result) << " differs from the input's "
         << getElementTypeOrSelf(input);
}

/// Where a folded element comes from: which input, and its row-major index.
using ElementSource = std::pair<unsigned, int64_t>;

/// Builds the constant of `resultType` whose element at each coordinate is
/// the input element `source` names, or fails (null) if an input is not a
/// dense constant of the result's element type or `source` declines. The
/// stored bytes are copied as they are, so quantized constants (which hold
/// storage integers) move like any other.
static Attribute foldDataMovement(
    ArrayRef<Attribute> operands, RankedTensorType resultType,
    function_ref<std::optional<ElementSource>(ArrayRef<int64_t>)> source) {
  if (!resultType.hasStaticShape())
    return {};
  SmallVector<DenseElementsAttr> inputs;
  for (Attribute operand : operands) {
    auto dense = dyn_cast_if_present<DenseElementsAttr>(operand);
    if (!dense || (!inputs.empty() &&
                   dense.getElementType() != inputs[0].getElementType()))
      return {};
    inputs.push_back(dense);
  }
  Type element = inputs[0].getElementType();
  auto storageType = RankedTensorType::get(resultType.getShape(), element);
  if (llvm::all_of(inputs, [](DenseElementsAttr d) { return d.isSplat(); }) &&
      inputs.size() == 1)
    return inputs[0].resizeSplat(storageType);

  unsigned width = element.getIntOrFloatBitWidth();
  ArrayRef<int64_t> shape = resultType.getShape();
  SmallVector<int64_t> coordinate(shape.size(), 0);
  SmallVector<bool> bits;
  std::string bytes;
  unsigned elementBytes = (width + 7) / 8;
  for (int64_t i = 0, e = resultType.getNumElements(); i < e; ++i) {
    std::optional<ElementSource> from = source(coordinate);
    if (!from)
      return {};
    DenseElementsAttr input = inputs[from->first];
    int64_t index = input.isSplat() ? 0 : from->second;
    if (width == 1) {
      bits.push_back(input.getValues<bool>()[index]);
    } else {
      ArrayRef<char> raw = input.getRawData();
      bytes.append(raw.data() + index * elementBytes, elementBytes);
    }
    // Advance the row-major coordinate.
    for (int64_t d = shape.size() - 1; d >= 0; --d) {
      if (++coordinate[d] < shape[d])
        break;
      coordinate[d] = 0;
    }
  }
  if (width == 1)
    return DenseElementsAttr::get(storageType, bits);
  return DenseElementsAttr::getFromRawBuffer(
      storageType, ArrayRef<char>(bytes.data(), bytes.size()));
}

/// The row-major index of `coordinate` in `shape`.
static int64_t linearize(ArrayRef<int64_t> coordinate,
                         ArrayRef<int64_t> shape) {
  int64_t index = 0;
  for (auto [c, size] : llvm::zip_equal(coordinate, shape))
    index = index * size + c;
  return index;
}

//===----------------------------------------------------------------------===//
// ReshapeOp
//===----------------------------------------------------------------------===//

LogicalResult ReshapeOp::verify() {
  RankedTensorType inputType = getInput().getType();
  RankedTensorType resultType = getType();
  // reshape-C1
  if (failed(verifySameElementType(*this, inputType, resultType)))
    return failure();
  // reshape-C2
  if (inputType.hasStaticShape() && resultType.hasStaticShape() &&
      inputType.getNumElements() != resultType.getNumElements())
    return emitOpError("input has ")
           << inputType.getNumElements() << " elements but the result has "
           << resultType.getNumElements();
  Value shape = getShape();
  // reshape-C3: one dynamic size follows from the element count.
  if (!shape) {
    if (resultType.getNumDynamicDims() > 1)
      return emitOpError("a result with more than one dynamic dimension "
                         "needs a shape operand");
    return success();
  }
  // reshape-C4
  auto shapeType = cast<RankedTensorType>(shape.getType());
  if (shapeType.getRank() != 1 ||
      !areCompatibleDims(shapeType.getDimSize(0), resultType.getRank()))
    return emitOpError("shape operand of type ")
           << shapeType << " must have one element per result dimension ("
           << resultType.getRank() << ")";
  return success();
}

OpFoldResult ReshapeOp::fold(FoldAdaptor adaptor) {
  RankedTensorType resultType = getType();
  // Equal types with at most one dynamic dimension leave no freedom.
  if (getInput().getType() == resultType && resultType.getNumDynamicDims() <= 1)
    return getInput();
  if (auto dense = dyn_cast_if_present<DenseElementsAttr>(adaptor.getInput());
      dense && resultType.hasStaticShape())
    return dense.reshape(
        RankedTensorType::get(resultType.getShape(), dense.getElementType()));
  // reshape(reshape(x)) only depends on the row-major order of x.
  if (auto inner = getInput().getDefiningOp<ReshapeOp>()) {
    getInputMutable().assign(inner.getInput());
    return getResult();
  }
  return {};
}

//===----------------------------------------------------------------------===//
// TransposeOp
//===----------------------------------------------------------------------===//

std::optional<int64_t> RangeOp::getCount(DenseElementsAttr start,
                                         DenseElementsAttr limit,
                                         DenseElementsAttr delta) {
  double count;
  if (isa<FloatType>(start.getElementType())) {
    double d = delta.getSplatValue<APFloat>().convertToDouble();
    if (d == 0)
      return std::nullopt;
    count = std::ceil((limit.getSplatValue<APFloat>().convertToDouble() -
                       start.getSplatValue<APFloat>().convertToDouble()) /
                      d);
  } else {
    APInt d = delta.getSplatValue<APInt>();
    if (d.isZero())
      return std::nullopt;
    // In 128 bits: limit - start cannot overflow.
    APInt span = limit.getSplatValue<APInt>().sext(128) -
                 start.getSplatValue<APInt>().sext(128);
    APInt wide = d.sext(128);
    APInt quotient = span.sdiv(wide);
    if ((span.srem(wide) != 0) && (span.isNegative() == wide.isNegative()))
      quotient += 1;
    count = quotient.isNegative() ? 0.0 : quotient.roundToDouble(true);
  }
  if (!(count < 2147483648.0))
    return std::nullopt;
  return std::max<int64_t>(0, int64_t(count));
}

LogicalResult RangeOp::verify() {
  // range-C1
  Type element = getType().getElementType();
  for (Value operand : {getStart(), getLimit(), getDelta()}) {
    auto type = cast<RankedTensorType>(operand.getType());
    if (type.getRank() != 0 || type.getElementType() != element)
      return emitOpError("operands must be scalars of the result's element "
                         "type ")
             << element << ", not " << type;
  }
  // range-C2
  DenseElementsAttr start, limit, delta;
  if (matchPattern(getDelta(), m_Constant(&delta))) {
    bool zero = isa<FloatType>(element)
                    ? delta.getSplatValue<APFloat>().isZero()
                    : delta.getSplatValue<APInt>().isZero();
    if (zero)
      return emitOpError("delta is 0");
    if (!getType().isDynamicDim(0) &&
        matchPattern(getStart(), m_Constant(&start)) &&
        matchPattern(getLimit(), m_Constant(&limit))) {
      std::optional<int64_t> count = getCount(start, limit, delta);
      if (count && *count != getType().getDimSize(0))
        return emitOpError("the range has ")
               << *count << " elements, the result " << getType().getDimSize(0);
    }
  }
  return success();
}

OpFoldResult RangeOp::fold(FoldAdaptor adaptor) {
  auto start = dyn_cast_if_present<DenseElementsAttr>(adaptor.getStart());
  auto limit = dyn_cast_if_present<DenseElementsAttr>(adaptor.getLimit());
  auto delta = dyn_cast_if_present<DenseElementsAttr>(adaptor.getDelta());
  RankedTensorType type = getType();
  if (!start || !limit || !delta || type.isDynamicDim(0))
    return {};
  std::optional<int64_t> count = getCount(start, limit, delta);
  if (!count || *count != type.getDimSize(0))
    return {};
  if (auto floatType = dyn_cast<FloatType>(type.getElementType())) {
    const llvm::fltSemantics &semantics = floatType.getFloatSemantics();
    APFloat first = start.getSplatValue<APFloat>();
    APFloat step = delta.getSplatValue<APFloat>();
    SmallVector<APFloat> values;
    for (int64_t i = 0; i < *count; ++i) {
      APFloat index(semantics);
      index.convertFromAPInt(APInt(64, i), /*isSigned=*/true,
                             APFloat::rmNearestTiesToEven);
      index.multiply(step, APFloat::rmNearestTiesToEven);
      index.add(first, APFloat::rmNearestTiesToEven);
      values.push_back(index);
    }
    return DenseElementsAttr::get(type, values);
  }
  unsigned width = type.getElementType().getIntOrFloatBitWidth();
  APInt first = start.getSplatValue<APInt>();
  APInt step = delta.getSplatValue<APInt>();
  SmallVector<APInt> values;
  for (int64_t i = 0; i < *count; ++i)
    values.push_back(first + step * APInt(width, i, /*isSigned=*/true));
  return DenseElementsAttr::get(type, values);
}

LogicalResult ShapeOp::verify() {
  int64_t rank = getInput().getType().getRank();
  int64_t start = getStart(), end = getEnd();
  // shape-C1
  if (start < 0 || start > end || end > rank)
    return emitOpError("needs 0 <= start <= end <= rank, got start ")
           << start << ", end " << end << " and rank " << rank;
  // shape-C2
  if (getType().getDimSize(0) != end - start)
    return emitOpError("result has ")
           << getType().getDimSize(0) << " elements, expected " << end - start;
  return success();
}

OpFoldResult ShapeOp::fold(FoldAdaptor) {
  ArrayRef<int64_t> dims =
      getInput().getType().getShape().slice(getStart(), getEnd() - getStart());
  if (llvm::any_of(dims, ShapedType::isDynamic))
    return {};
  return DenseElementsAttr::get(getType(), dims);
}

LogicalResult TransposeOp::verify() {
  RankedTensorType inputType = getInput().getType();
  ArrayRef<int64_t> perm = getPerm();
  int64_t rank = inputType.getRank();
  // transpose-C1
  SmallVector<bool> seen(rank, false);
  bool isPermutation = int64_t(perm.size()) == rank;
  for (int64_t p : perm) {
    if (!isPermutation || p < 0 || p >= rank || seen[p]) {
      isPermutation = false;
      break;
    }
    seen[p] = true;
  }
  if (!isPermutation)
    return emitOpError("perm is not a permutation of [0, ") << rank << ")";

  // transpose-C2
  Shape expected;
  for (int64_t p : perm)
    expected.push_back(inputType.getDimSize(p));
  if (failed(verifyCompatibleShape(*this, "result", getType().getShape(),
                                   expected)))
    return failure();

  // transpose-C3
  FailureOr<Type> element =
      getTransposedElementType(inputType.getElementType(), perm);
  if (failed(element))
    return emitOpError("cannot transpose sub-channel quantized elements ")
           << inputType.getElementType();
  if (*element != getType().getElementType())
    return emitOpError("result element type ")
           << getType().getElementType() << " should be " << *element;
  return success();
}

OpFoldResult TransposeOp::fold(FoldAdaptor adaptor) {
  ArrayRef<int64_t> perm = getPerm();
  ArrayRef<int64_t> inputShape = getInput().getType().getShape();
  if (Attribute folded = foldDataMovement(
          adaptor.getInput(), getType(),
          [&](ArrayRef<int64_t> at) -> std::optional<ElementSource> {
            SmallVector<int64_t> from(at.size());
            for (auto [i, p] : llvm::enumerate(perm))
              from[p] = at[i];
            return ElementSource{0, linearize(from, inputShape)};
          }))
    return folded;
  bool identity = llvm::all_of(llvm::enumerate(perm), [](auto entry) {
    return int64_t(entry.index()) == entry.value();
  });
  if (identity && getInput().getType() == getType())
    return getInput();
  // transpose(transpose(x, p), q) is transpose(x, r) with r[i] = p[q[i]].
  if (auto inner = getInput().getDefiningOp<TransposeOp>()) {
    SmallVector<int64_t> composed;
    for (int64_t p : perm)
      composed.push_back(inner.getPerm()[p]);
    getInputMutable().assign(inner.getInput());
    setPerm(composed);
    return getResult();
  }
  return {};
}

//===----------------------------------------------------------------------===//
// ConcatOp
//===----------------------------------------------------------------------===//

LogicalResult ConcatOp::verify() {
  RankedTensorType resultType = getType();
  int64_t rank = resultType.getRank();
  // concat-C1
  if (getInputs().empty())
    return emitOpError("needs at least one input");
  for (Value input : getInputs())
    if (cast<RankedTensorType>(input.getType()).getRank() != rank)
      return emitOpError("input of type ")
             << input.getType() << " does not have the result's rank " << rank;
  // concat-C2
  int64_t axis = getAxis();
  if (failed(verifyAxis(*this, axis, rank)))
    return failure();

  // concat-C3
  Shape expected(resultType.getShape());
  int64_t total = 0;
  for (Value input : getInputs()) {
    auto shape = cast<RankedTensorType>(input.getType()).getShape();
    for (int64_t d = 0; d < rank; ++d) {
      if (d == axis)
        continue;
      if (!areCompatibleDims(shape[d], expected[d]))
        return emitOpError("input of shape ")
               << formatShape(shape) << " differs from "
               << formatShape(expected) << " outside axis " << axis;
      if (ShapedType::isDynamic(expected[d]))
        expected[d] = shape[d];
    }
    if (ShapedType::isDynamic(total) || ShapedType::isDynamic(shape[axis]))
      total = ShapedType::kDynamic;
    else
      total += shape[axis];
  }
  expected[axis] = total;
  return verifyCompatibleShape(*this, "result", resultType.getShape(),
                               expected);
}

OpFoldResult ConcatOp::fold(FoldAdaptor adaptor) {
  if (getInputs().size() == 1 && getInputs()[0].getType() == getType())
    return getInputs()[0];
  int64_t axis = getAxis();
  return foldDataMovement(
      adaptor.getInputs(), getType(),
      [&](ArrayRef<int64_t> at) -> std::optional<ElementSource> {
        SmallVector<int64_t> from(at);
        for (auto [i, input] : llvm::enumerate(getInputs())) {
          ArrayRef<int64_t> shape =
              cast<RankedTensorType>(input.getType()).getShape();
          if (from[axis] < shape[axis])
            return ElementSource{unsigned(i), linearize(from, shape)};
          from[axis] -= shape[axis];
        }
        return std::nullopt;
      });
}

//===----------------------------------------------------------------------===//
// SliceOp
//===----------------------------------------------------------------------===//

LogicalResult SliceOp::verify() {
  RankedTensorType inputType = getInput().getType();
  size_t rank = inputType.getRank();
  // slice-C1
  if (getStarts().size() != rank || getEnds().size() != rank ||
      getSteps().size() != rank)
    return emitOpError("starts, ends and steps need ")
           << rank << " entries each";
  // slice-C2
  if (llvm::is_contained(getSteps(), 0))
    return emitOpError("steps must not be 0");
  // slice-C3
  Shape expected;
  for (size_t d = 0; d < rank; ++d)
    expected.push_back(getSliceSize(inputType.getDimSize(d), getStarts()[d],
                                    getEnds()[d], getSteps()[d]));
  if (failed(verifyCompatibleShape(*this, "result", getType().getShape(),
                                   expected)))
    return failure();
  // slice-C4
  return verifySameElementType(*this, inputType, getType());
}

OpFoldResult SliceOp::fold(FoldAdaptor adaptor) {
  RankedTensorType inputType = getInput().getType();
  ArrayRef<int64_t> shape = inputType.getShape();
  if (inputType.hasStaticShape())
    if (Attribute folded = foldDataMovement(
            adaptor.getInput(), getType(),
            [&](ArrayRef<int64_t> at) -> std::optional<ElementSource> {
              SmallVector<int64_t> from;
              for (auto [d, c] : llvm::enumerate(at))
                from.push_back(
                    getSliceStart(shape[d], getStarts()[d], getSteps()[d]) +
                    c * getSteps()[d]);
              return ElementSource{0, linearize(from, shape)};
            }))
      return folded;
  if (inputType != getType() || !inputType.hasStaticShape())
    return {};
  for (int64_t d = 0, rank = inputType.getRank(); d < rank; ++d) {
    int64_t start = getStarts()[d];
    if (start < 0)
      start += inputType.getDimSize(d);
    if (getSteps()[d] != 1 || start > 0)
      return {};
  }
  // Same shape, unit steps and every start at 0: nothing is dropped.
  return getInput();
}

//===----------------------------------------------------------------------===//
// GatherOp
//===----------------------------------------------------------------------===//

LogicalResult GatherOp::verify() {
  ArrayRef<int64_t> data = getData().getType().getShape();
  int64_t axis = getAxis();
  // gather-C1
  if (failed(verifyAxis(*this, axis, data.size())))
    return failure();
  // gather-C2
  Shape expected(data.begin(), data.begin() + axis);
  llvm::append_range(expected, getIndices().getType().getShape());
  expected.append(data.begin() + axis + 1, data.end());
  if (failed(verifyCompatibleShape(*this, "result", getType().getShape(),
                                   expected)))
    return failure();
  // gather-C3
  return verifySameElementType(*this, getData().getType(), getType());
}

OpFoldResult GatherOp::fold(FoldAdaptor adaptor) {
  auto indices = dyn_cast_if_present<DenseElementsAttr>(adaptor.getIndices());
  if (!indices)
    return {};
  ArrayRef<int64_t> dataShape = getData().getType().getShape();
  int64_t axis = getAxis();
  int64_t indexRank = getIndices().getType().getRank();
  auto indexValues = indices.getValues<APInt>();
  bool isUnsigned = getIndices().getType().getElementType().isUnsignedInteger();
  return foldDataMovement(
      adaptor.getData(), getType(),
      [&](ArrayRef<int64_t> at) -> std::optional<ElementSource> {
        // at = data[:axis] ++ indices coordinate ++ data[axis + 1:]
        ArrayRef<int64_t> indexAt = at.slice(axis, indexRank);
        int64_t linear = 0;
        for (auto [c, size] :
             llvm::zip_equal(indexAt, getIndices().getType().getShape()))
          linear = linear * size + c;
        const APInt &raw = indices.isSplat() ? indices.getSplatValue<APInt>()
                                             : indexValues[linear];
        int64_t index =
            isUnsigned ? int64_t(raw.getZExtValue()) : raw.getSExtValue();
        if (index < 0)
          index += dataShape[axis];
        if (index < 0 || index >= dataShape[axis])
          return std::nullopt;
        SmallVector<int64_t> from(at.take_front(axis));
        from.push_back(index);
        llvm::append_range(from, at.drop_front(axis + indexRank));
        return ElementSource{0, linearize(from, dataShape)};
      });
}

//===----------------------------------------------------------------------===//
// PadOp
//===----------------------------------------------------------------------===//

LogicalResult PadOp::verify() {
  ArrayRef<int64_t> shape = getInput().getType().getShape();
  ArrayRef<int64_t> pads = getPads();
  size_t rank = shape.size();
  // pad-C1
  if (pads.size() != 2 * rank)
    return emitOpError("pads need ")
           << 2 * rank << " entries, got " << pads.size();
  Shape expected;
  for (size_t d = 0; d < rank; ++d) {
    int64_t begin = pads[d], end = pads[d + rank];
    if (ShapedType::isDynamic(shape[d])) {
      expected.push_back(ShapedType::kDynamic);
      continue;
    }
    // pad-C2
    int64_t size = shape[d] + begin + end;
    if (size < 0)
      return emitOpError("dimension ")
             << d << " of size " << shape[d] << " is cropped below zero";
    // pad-C3
    if (getMode() == PadMode::Reflect && (begin >= shape[d] || end >= shape[d]))
      return emitOpError("reflect pads of dimension ")
             << d << " must be smaller than its size " << shape[d];
    expected.push_back(size);
  }
  return verifyCompatibleShape(*this, "result", getType().getShape(), expected);
}

OpFoldResult PadOp::fold(FoldAdaptor) {
  if (getInput().getType() == getType() &&
      llvm::all_of(getPads(), [](int64_t p) { return p == 0; }))
    return getInput();
  return {};
}

//===----------------------------------------------------------------------===//
// ResizeOp
//===----------------------------------------------------------------------===//

LogicalResult ResizeOp::verify() {
  RankedTensorType inputType = getInput().getType();
  RankedTensorType resultType = getType();
  int64_t rank = inputType.getRank();
  // resize-C1
  if (resultType.getRank() != rank)
    return emitOpError("result rank ")
           << resultType.getRank() << " differs from input rank " << rank;

  std::optional<ArrayRef<float>> scales = getScales();
  if (!scales) {
    // resize-C3
    if (!resultType.hasStaticShape())
      return emitOpError("a result with dynamic dimensions needs scales");
    return success();
  }
  // resize-C2
  if (int64_t(scales->size()) != rank)
    return emitOpError("scales need ")
           << rank << " entries, got " << scales->size();
  Shape expected;
  for (int64_t d = 0; d < rank; ++d) {
    float scale = (*scales)[d];
    if (!(scale > 0.0f))
      return emitOpError("scale ")
             << scale << " of dimension " << d << " must be positive";
    int64_t in = inputType.getDimSize(d);
    expected.push_back(ShapedType::isDynamic(in)
                           ? ShapedType::kDynamic
                           : int64_t(std::floor(double(in) * scale)));
  }
  return verifyCompatibleShape(*this, "result", resultType.getShape(),
                               expected);
}
