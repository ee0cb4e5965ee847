//===- QuantizedElementsTest.cpp - Parameters of each tensor element -----===//
//
// Checks which scale and zero point each element of a per-tensor, per-axis
// and sub-channel quantized tensor uses, and the quantization of a constant
// against ONNX's test_quantizelinear_axis data.
//
//===----------------------------------------------------------------------===//

#include "quantc/Dialect/QNN/IR/QuantizedElements.h"

#include "mlir/AsmParser/AsmParser.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/IR/MLIRContext.h"

#include "gtest/gtest.h"

using namespace mlir;
using namespace quantc;
using namespace quantc::qnn;

namespace {

class QuantizedElementsTest : public ::testing::Test {
protected:
  QuantizedElementsTest() { context.loadDialect<quant::QuantDialect>(); }

  RankedTensorType tensorType(StringRef text) {
    return cast<RankedTensorType>(parseType(text, &context));
  }

  MLIRContext context;
};

TEST_F(QuantizedElementsTest, PerTensor) {
  auto params = ElementQuantParams::get(
      tensorType("tensor<2x3x!quant.uniform<u8:f32, 0.5:7>>"));
  ASSERT_TRUE(succeeded(params));
  for (int64_t i = 0; i < 6; ++i) {
    EXPECT_EQ(params->at(i).scale, 0.5f);
    EXPECT_EQ(params->at(i).zeroPoint, 7);
  }
  EXPECT_EQ(params->getStorageRange().max, 255);
}

TEST_F(QuantizedElementsTest, PerAxisInner) {
  // Axis 1 of a 2x3 tensor: element (r, c) uses parameter c.
  auto params = ElementQuantParams::get(tensorType(
      "tensor<2x3x!quant.uniform<i8:f32:1, {1.0:1, 2.0:2, 3.0:3}>>"));
  ASSERT_TRUE(succeeded(params));
  for (int64_t i = 0; i < 6; ++i) {
    EXPECT_EQ(params->at(i).scale, float(i % 3 + 1)) << i;
    EXPECT_EQ(params->at(i).zeroPoint, i % 3 + 1) << i;
  }
}

TEST_F(QuantizedElementsTest, SubChannelBlocks) {
  // A 2x4 tensor in blocks of 1x2: element (r, c) uses parameter (r, c / 2).
  auto params = ElementQuantParams::get(
      tensorType("tensor<2x4x!quant.uniform<i4:f32:{0:1, 1:2}, "
                 "{{1.0:1, 2.0:2}, {3.0:3, 4.0:4}}>>"));
  ASSERT_TRUE(succeeded(params));
  const int64_t expected[] = {1, 1, 2, 2, 3, 3, 4, 4};
  for (int64_t i = 0; i < 8; ++i) {
    EXPECT_EQ(params->at(i).scale, float(expected[i])) << i;
    EXPECT_EQ(params->at(i).zeroPoint, expected[i]) << i;
  }
  EXPECT_EQ(params->getStorageRange().min, -8);
}

TEST_F(QuantizedElementsTest, RejectsWhatItCannotFold) {
  EXPECT_TRUE(failed(ElementQuantParams::get(
      tensorType("tensor<?x3x!quant.uniform<u8:f32, 0.5>>"))));
  EXPECT_TRUE(failed(ElementQuantParams::get(
      tensorType("tensor<3x!quant.uniform<u8:f16, 0.5>>"))));
  EXPECT_TRUE(failed(ElementQuantParams::get(tensorType("tensor<3xf32>"))));
}

// ONNX test_quantizelinear_axis: x[1, 3, 3, 2] quantized along axis 1 with
// scales {2, 4, 5} and zero points {84, 24, 196}.
TEST_F(QuantizedElementsTest, OnnxQuantizeLinearAxis) {
  RankedTensorType type = tensorType(
      "tensor<1x3x3x2x!quant.uniform<u8:f32:1, {2.0:84, 4.0:24, 5.0:196}>>");
  std::vector<float> x = {-162, 10, -100, 232, -20,  -50,  -76,  0,    0,
                          252,  32, -44,  245, -485, -960, -270, -375, -470};
  std::vector<uint8_t> expected = {3,  89, 34, 200, 74, 59, 5,   24,  24,
                                   87, 32, 13, 245, 99, 4,  142, 121, 102};
  auto values = DenseElementsAttr::get(
      RankedTensorType::get(type.getShape(), Float32Type::get(&context)),
      ArrayRef<float>(x));
  FailureOr<DenseElementsAttr> stored = quantizeElements(values, type);
  ASSERT_TRUE(succeeded(stored));
  std::vector<uint8_t> actual;
  for (const APInt &q : stored->getValues<APInt>())
    actual.push_back(uint8_t(q.getZExtValue()));
  EXPECT_EQ(actual, expected);

  FailureOr<DenseElementsAttr> back = dequantizeElements(*stored, type);
  ASSERT_TRUE(succeeded(back));
  std::vector<float> roundTrip(back->getValues<float>().begin(),
                               back->getValues<float>().end());
  EXPECT_EQ(roundTrip, x);
}

} // namespace
