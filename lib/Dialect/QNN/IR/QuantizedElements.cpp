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

FailureOr<ElementQuantParams> ElementQuantParams::get(RankedTensorType type) {
  auto quantized = dyn_cast<quant::QuantizedType>(type.getElementType());
  if (!quantized || !type.hasStaticShape() ||
      !quantized.getExpressedType().isF32())
    return failure();

  ElementQuantParams params;
  params.range = {quantized.getStorageTypeMin(), quantized.getStorageTypeMax()};
  params.dims.assign(type.getShape().begin(), type.getShape().end());
  int64_t rank = type.getRank();
  params.blockSizes = params.dims;
  SmallVector<int64_t> paramShape(rank, 1);

  if (auto uniform = dyn_cast<quant::UniformQuantizedType>(quantized)) {
    params.scales.push_back(float(uniform.getScale()));
    params.zeroPoints.push_back(uniform.getZeroPoint());
  } else if (auto perAxis =
                 dyn_cast<quant::UniformQuantizedPerAxisType>(quantized)) {
    int32_t axis = perAxis.getQuantizedDimension();
    params.blockSizes[axis] = 1;
    paramShape[axis] = params.dims[axis];
    for (double scale : perAxis.getScales())
      params.scales.push_back(float(scale));
    params.zeroPoints.assign(perAxis.getZeroPoints().begin(),
                             perAxis.getZeroPoints().end());
  } else if (auto subChannel =
                 dyn_cast<quant::UniformQuantizedSubChannelType>(quantized)) {
    for (auto [axis, block] : subChannel.getBlockSizeInfo())
      params.blockSizes[axis] = block;
    auto scaleShape = subChannel.getScales().getType().getShape();
    paramShape.assign(scaleShape.begin(), scaleShape.end());
    for (APFloat scale : subChannel.getScales().getValues<APFloat>()) {
      bool lost;
      scale.convert(APFloat::IEEEsingle(), APFloat::rmNearestTiesToEven, &lost);
      params.scales.push_back(scale.convertToFloat());
    }
    for (APInt zeroPoint : subChannel.getZeroPoints().getValues<APInt>())
      params.zeroPoints.push_back(zeroPoint.getSExtValue());
  } else {
    return failure();
  }

  params.paramShape = paramShape;
  params.dataStrides.assign(rank, 1);
  params.paramStrides.assign(rank, 1);
  for (int64_t d = rank - 2; d >= 0; --d) {
    params.dataStrides[d] = params.dataStrides[d + 1] * params.dims[d + 1];
    params.paramStrides[d] = params.paramStrides[d + 1] * paramShape[d + 1];
  }
  return params;
}

QuantParams ElementQuantParams::at(int64_t index) const {
  int64_t paramIndex = 0;
  for (size_t d = 0; d < dims.size(); ++d) {
    int64_t coordinate = (index / dataStrides[d]) % dims[d];
    paramIndex += (coordinate / blockSizes[d]) * paramStrides[d];
  }
  return {scales[paramIndex], zeroPoints[paramIndex]};
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
