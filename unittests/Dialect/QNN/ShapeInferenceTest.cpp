//===- ShapeInferenceTest.cpp - Result shapes of qnn ops -----------------===//
//
// Checks the shape arithmetic against the output shapes of ONNX's backend
// tests (/usr/share/libonnx-testdata/data/node/test_*), and its handling of
// dynamic dimensions.
//
//===----------------------------------------------------------------------===//

#include "quantc/Dialect/QNN/IR/ShapeInference.h"

#include "gtest/gtest.h"

using namespace mlir;
using namespace quantc::qnn;

namespace {

constexpr int64_t kDyn = ShapedType::kDynamic;

struct WindowCase {
  const char *test;
  int64_t in, kernel, stride, dilation, padBegin, padEnd;
  bool ceil;
  int64_t expected;
};

TEST(ShapeInference, WindowedSizesMatchOnnxPooling) {
  const WindowCase cases[] = {
      {"test_maxpool_1d_default", 32, 2, 1, 1, 0, 0, false, 31},
      {"test_maxpool_2d_ceil", 4, 3, 2, 1, 0, 0, true, 2},
      {"test_maxpool_2d_dilations", 4, 2, 1, 2, 0, 0, false, 2},
      {"test_maxpool_2d_pads", 28, 3, 1, 1, 2, 2, false, 30},
      {"test_maxpool_2d_precomputed_pads", 5, 5, 1, 1, 2, 2, false, 5},
      {"test_maxpool_2d_precomputed_strides", 5, 2, 2, 1, 0, 0, false, 2},
      {"test_maxpool_2d_strides", 32, 5, 3, 1, 0, 0, false, 10},
      {"test_averagepool_2d_ceil", 4, 3, 2, 1, 0, 0, true, 2},
  };
  for (const WindowCase &c : cases)
    EXPECT_EQ(getWindowedOutputSize(c.in, c.kernel, c.stride, c.dilation,
                                    c.padBegin, c.padEnd, c.ceil),
              c.expected)
        << c.test;
}

TEST(ShapeInference, CeilModeDropsWindowStartingInPadding) {
  // in 5, kernel 3, stride 3, end pad 2: ceil((5 + 2 - 3) / 3) + 1 = 3, but
  // the third window would start at 6, inside the end padding: 2 windows.
  EXPECT_EQ(getWindowedOutputSize(5, 3, 3, 1, 0, 2, /*ceilMode=*/true), 2);
  // Without end padding the partial window at 4 starts inside the input.
  EXPECT_EQ(getWindowedOutputSize(5, 2, 2, 1, 0, 0, /*ceilMode=*/true), 3);
  EXPECT_EQ(getWindowedOutputSize(5, 2, 2, 1, 0, 0, /*ceilMode=*/false), 2);
  EXPECT_EQ(getWindowedOutputSize(kDyn, 3, 1, 1, 1, 1), kDyn);
  EXPECT_EQ(getWindowedOutputSize(2, 5, 1, 1, 0, 0), 0);
}

struct SliceCase {
  const char *test;
  int64_t dim, start, end, step, expected;
};

TEST(ShapeInference, SliceSizesMatchOnnxSlice) {
  const SliceCase cases[] = {
      {"test_slice (axis 0)", 20, 0, 3, 1, 3},
      {"test_slice_end_out_of_bounds", 10, 1, 1000, 1, 9},
      {"test_slice_neg", 10, 0, -1, 1, 9},
      {"test_slice_start_out_of_bounds", 10, 1000, 1000, 1, 0},
      {"test_slice_neg_steps (axis 0)", 20, 20, 0, -1, 19},
      {"test_slice_neg_steps (axis 1)", 10, 10, 0, -3, 3},
      {"test_slice_neg_steps (axis 2)", 5, 4, 1, -2, 2},
      {"test_slice_default_axes (axis 2)", 5, 3, 4, 1, 1},
  };
  for (const SliceCase &c : cases)
    EXPECT_EQ(getSliceSize(c.dim, c.start, c.end, c.step), c.expected)
        << c.test;
  // The whole dimension backwards: INT64_MIN-like ends clamp to -1.
  EXPECT_EQ(getSliceSize(4, -1, -9223372036854775807, -1), 4);
  EXPECT_EQ(getSliceSize(kDyn, 0, 4, 1), kDyn);
}

TEST(ShapeInference, Broadcast) {
  EXPECT_EQ(*broadcastShapes({2, 1, 4}, {3, 1}), Shape({2, 3, 4}));
  EXPECT_EQ(*broadcastShapes({}, {5}), Shape({5}));
  EXPECT_TRUE(failed(broadcastShapes({2, 3}, {4})));
  // A dynamic size against 1 stays dynamic; against a static size it is
  // that size.
  EXPECT_EQ(*broadcastShapes({kDyn, 4}, {1, 4}), Shape({kDyn, 4}));
  EXPECT_EQ(*broadcastShapes({kDyn, 4}, {3, 1}), Shape({3, 4}));
  EXPECT_EQ(*broadcastShapes({kDyn}, {kDyn}), Shape({kDyn}));
}

TEST(ShapeInference, MatMul) {
  std::string reason;
  EXPECT_EQ(*inferMatMulShape({2, kDyn, 64}, {64, 128}, reason),
            Shape({2, kDyn, 128}));
  EXPECT_EQ(*inferMatMulShape({3}, {3}, reason), Shape({}));
  EXPECT_EQ(*inferMatMulShape({3}, {2, 3, 5}, reason), Shape({2, 5}));
  EXPECT_EQ(*inferMatMulShape({3, 1, 4, 8}, {5, 8, 2}, reason),
            Shape({3, 5, 4, 2}));
  EXPECT_TRUE(failed(inferMatMulShape({2, 3}, {4, 5}, reason)));
  EXPECT_EQ(reason, "contracting dimensions 3 and 4 differ");
  EXPECT_TRUE(failed(inferMatMulShape({}, {4}, reason)));
}

TEST(ShapeInference, FormatShape) {
  EXPECT_EQ(formatShape({2, kDyn, 4}), "[2, ?, 4]");
  EXPECT_EQ(formatShape({}), "[]");
}

} // namespace
