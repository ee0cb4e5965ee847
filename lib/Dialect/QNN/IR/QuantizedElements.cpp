//===- QuantizedElements.cpp - Quantize and dequantize constants ---------===//
//
// Maps every element of a tensor to its quantization parameters. All three
// upstream uniform layouts are blocks: per tensor is one block covering the
// tensor, per axis is blocks of size 1 along the axis, sub-channel has its
// block sizes given. The parameter of element (i0, ..., in) is at
// (i0 / b0, ..., in / bn) in the parameter tensor.
//
//===----------------------------------------------------------------------===//

#include "quantc/Dialect/QNN/IR/QuantizedElements.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"

using namespace mlir;
using namespace quantc;
using namespace quantc::qnn;

BlockIndexer::BlockIndexer(ArrayRef<int64_t> shape,
                           ArrayRef<int64_t> blockSizes)
    : dims(shape), blockSizes(blockSizes) {
  int64_t rank = dims.size();
  for (int64_t d = 0; d < rank; ++d)
    blockShape.push_back(this->blockSizes[d] ? dims[d] / this->blockSizes[d]
                                             : 1);
  dataStrides.assign(rank, 1);
  blockStrides.assign(rank, 1);
  for (int64_t d = rank - 2; d >= 0; --d) {
    dataStrides[d] = dataStrides[d + 1] * dims[d + 1];
    blockStrides[d] = blockStrides[d + 1] * blockShape[d + 1];
  }
}

int64_t BlockIndexer::blockOf(int64_t index) const {
  int64_t block = 0;
  for (size_t d = 0; d < dims.size(); ++d) {
    int64_t coordinate = (index / dataStrides[d]) % dims[d];
    block += (coordinate / blockSizes[d]) * blockStrides[d];
  }
  return block;
}

int64_t BlockIndexer::getNumBlocks() const {
  int64_t count = 1;
  for (int64_t size : blockShape)
    count *= size;
  return count;
}

FailureOr<ElementQuantParams> ElementQuantParams::get(RankedTensorType type) {
  auto quantized = dyn_cast<quant::QuantizedType>(type.getElementType());
  if (!quantized || !type.hasStaticShape() ||
      !quantized.getExpressedType().isF32())
    return failure();

  SmallVector<int64_t> blockSizes(type.getShape());
  SmallVector<float> scales;
  SmallVector<int64_t> zeroPoints;
  if (auto uniform = dyn_cast<quant::UniformQuantizedType>(quantized)) {
    scales.push_back(float(uniform.getScale()));
    zeroPoints.push_back(uniform.getZeroPoint());
  } else if (auto perAxis =
                 dyn_cast<quant::UniformQuantizedPerAxisType>(quantized)) {
    blockSizes[perAxis.getQuantizedDimension()] = 1;
    for (double scale : perAxis.getScales())
      scales.push_back(float(scale));
    zeroPoints.assign(perAxis.getZeroPoints().begin(),
                      perAxis.getZeroPoints().end());
  } else if (auto subChannel =
                 dyn_cast<quant::UniformQuantizedSubChannelType>(quantized)) {
    for (auto [axis, block] : subChannel.getBlockSizeInfo())
      blockSizes[axis] = block;
    for (APFloat scale : subChannel.getScales().getValues<APFloat>()) {
      bool lost;
      scale.convert(APFloat::IEEEsingle(), APFloat::rmNearestTiesToEven, &lost);
      scales.push_back(scale.convertToFloat());
    }
    for (APInt zeroPoint : subChannel.getZeroPoints().getValues<APInt>())
      zeroPoints.push_back(zeroPoint.getSExtValue());
  } else {
    return failure();
  }

  ElementQuantParams params(
      {quantized.getStorageTypeMin(), quantized.getStorageTypeMax()},
      BlockIndexer(type.getShape(), blockSizes));
  if (params.blocks.getNumBlocks() != int64_t(scales.size()))
    return failure();
  params.scales = std::move(scales);
  params.zeroPoints = std::move(zeroPoints);
  return params;
}

QuantParams ElementQuantParams::at(int64_t index) const {
  int64_t block = blocks.blockOf(index);
  return {scales[block], zeroPoints[block]};
}

FailureOr<DenseElementsAttr>
qnn::quantizeElements(DenseElementsAttr values,
                      RankedTensorType quantizedType) {
  if (!values.getElementType().isF32() ||
      values.getType().getShape() != quantizedType.getShape())
    return failure();
  FailureOr<ElementQuantParams> params = ElementQuantParams::get(quantizedType);
  if (failed(params))
    return failure();
  auto storageType = cast<IntegerType>(
      cast<quant::QuantizedType>(quantizedType.getElementType())
          .getStorageType());

  SmallVector<APInt> stored;
  stored.reserve(quantizedType.getNumElements());
  int64_t index = 0;
  for (float value : values.getValues<float>()) {
    int64_t q =
        quantizeValue(value, params->at(index++), params->getStorageRange());
    stored.push_back(APInt(storageType.getWidth(), uint64_t(q),
                           /*isSigned=*/true, /*implicitTrunc=*/true));
  }
  return DenseElementsAttr::get(
      RankedTensorType::get(quantizedType.getShape(), storageType), stored);
}

FailureOr<DenseElementsAttr>
qnn::dequantizeElements(ElementsAttr stored, RankedTensorType quantizedType) {
  auto quantized = cast<quant::QuantizedType>(quantizedType.getElementType());
  auto dense = dyn_cast<DenseElementsAttr>(stored);
  FailureOr<ElementQuantParams> params = ElementQuantParams::get(quantizedType);
  if (!dense || failed(params))
    return failure();

  SmallVector<float> values;
  values.reserve(quantizedType.getNumElements());
  int64_t index = 0;
  for (const APInt &q : dense.getValues<APInt>()) {
    int64_t value = quantized.isSigned() ? q.getSExtValue() : q.getZExtValue();
    values.push_back(dequantizeValue(value, params->at(index++)));
  }
  return DenseElementsAttr::get(
      RankedTensorType::get(quantizedType.getShape(),
                            Float32Type::get(quantizedType.getContext())),
      ArrayRef<float>(values));
}
