//===- Resize.cpp - Lower qnn.resize -------------------------------------===//
//
// Each output element maps its coordinates back to the input (ONNX's
// coordinate transforms, in binary32 as onnxruntime computes them):
//   half_pixel:         x = (o + 0.5) / scale - 0.5
//   half_pixel_symmetric: x = c (1 - out / (in scale)) + (o + 0.5) / scale -
//   0.5,
//                       with c = in / 2
//   pytorch_half_pixel: x = out > 1 ? (o + 0.5) / scale - 0.5 : 0
//   align_corners:      x = out > 1 ? o (in - 1) / (out - 1) : 0
//   asymmetric:         x = o / scale
// where scale is the given one or out / in, and a dynamic output size is
// floor(in * scale). Nearest rounds x by the rounding
// mode and clamps it into the input; linear clamps x into [0, in - 1] and
// blends the two neighbours of each resized dimension. Cubic is not lowered
// yet.
//
//===----------------------------------------------------------------------===//

#include "quantc/Conversion/QNNToLinalg/QNNToLinalg.h"
#include "quantc/Dialect/QNN/IR/QNNOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StructuredOpsUtils.h"

using namespace mlir;
using namespace quantc;
using namespace quantc::qnn_to_linalg;

namespace {

struct ResizeLowering final : OpRewritePattern<qnn::ResizeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(qnn::ResizeOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType inputType = op.getInput().getType();
    RankedTensorType type = op.getType();
    Type element = type.getElementType();
    int64_t rank = type.getRank();
    if (op.getMode() == qnn::ResizeMode::Cubic)
      return rewriter.notifyMatchFailure(op, "cubic resize is not lowered yet");

    // Sizes as index values: static ones as constants, dynamic input sizes
    // read, dynamic output sizes floor(in * scale) as ONNX defines them.
    auto index = [&](int64_t v) -> Value {
      return arith::ConstantIndexOp::create(rewriter, loc, v);
    };
    SmallVector<Value> inSizes, outSizes, dynamicSizes;
    SmallVector<float> scales;
    SmallVector<int64_t> resized;
    for (int64_t d = 0; d < rank; ++d) {
      inSizes.push_back(
          inputType.isDynamicDim(d)
              ? tensor::DimOp::create(rewriter, loc, op.getInput(), d)
                    .getResult()
              : index(inputType.getDimSize(d)));
      if (!op.getScales() &&
          (type.isDynamicDim(d) || inputType.isDynamicDim(d)))
        return rewriter.notifyMatchFailure(
            op, "a resize to sizes needs static input and output sizes");
      float scale = op.getScales() ? (*op.getScales())[d]
                                   : float(type.getDimSize(d)) /
                                         float(inputType.getDimSize(d));
      scales.push_back(scale);
      Value out;
      if (!type.isDynamicDim(d)) {
        out = index(type.getDimSize(d));
      } else if (scale == 1.0f) {
        out = inSizes[d];
      } else {
        ScalarBuilder f32(rewriter, loc, rewriter.getF32Type());
        Value in = arith::UIToFPOp::create(
            rewriter, loc, rewriter.getF32Type(),
            arith::IndexCastUIOp::create(rewriter, loc, rewriter.getI64Type(),
                                         inSizes[d]));
        Value floor = math::FloorOp::create(rewriter, loc,
                                            f32.mul(in, f32.constant(scale)));
        out = arith::IndexCastUIOp::create(
            rewriter, loc, rewriter.getIndexType(),
            arith::FPToUIOp::create(rewriter, loc, rewriter.getI64Type(),
                                    floor));
      }
      outSizes.push_back(out);
      if (type.isDynamicDim(d))
        dynamicSizes.push_back(out);
      if (scale != 1.0f)
        resized.push_back(d);
    }

    Value input = op.getInput();
    Value result = createFromCoordinates(
        rewriter, loc, type, dynamicSizes,
        [&](OpBuilder &b, Location l, ValueRange at) -> Value {
          ScalarBuilder f32(b, l, b.getF32Type());
          auto idx = [&](int64_t v) {
            return arith::ConstantIndexOp::create(b, l, v);
          };
          auto toF32 = [&](Value v) {
            return arith::UIToFPOp::create(
                b, l, b.getF32Type(),
                arith::IndexCastUIOp::create(b, l, b.getI64Type(), v));
          };
          auto moreThanOne = [&](Value v) {
            return arith::CmpIOp::create(b, l, arith::CmpIPredicate::ugt, v,
                                         idx(1));
          };

          // The input coordinate of each resized dimension, as f32.
          SmallVector<Value> coords;
          for (int64_t d : resized) {
            Value in = toF32(inSizes[d]), out = toF32(outSizes[d]);
            Value o = toF32(at[d]);
            Value scale = f32.constant(scales[d]);
            Value halfPixel =
                f32.sub(f32.div(f32.add(o, f32.constant(0.5)), scale),
                        f32.constant(0.5));
            Value x;
            switch (op.getCoordinateTransform()) {
            case qnn::CoordinateTransform::HalfPixel:
              x = halfPixel;
              break;
            case qnn::CoordinateTransform::HalfPixelSymmetric: {
              Value adjustment = f32.div(out, f32.mul(in, scale));
              x = f32.add(f32.mul(f32.div(in, f32.constant(2.0)),
                                  f32.sub(f32.constant(1.0), adjustment)),
                          halfPixel);
              break;
            }
            case qnn::CoordinateTransform::PytorchHalfPixel:
              x = arith::SelectOp::create(b, l, moreThanOne(outSizes[d]),
                                          halfPixel, f32.constant(0.0));
              break;
            case qnn::CoordinateTransform::AlignCorners: {
              Value ratio = f32.div(f32.sub(in, f32.constant(1.0)),
                                    f32.sub(out, f32.constant(1.0)));
              x = arith::SelectOp::create(b, l, moreThanOne(outSizes[d]),
                                          f32.mul(o, ratio), f32.constant(0.0));
              break;
            }
            case qnn::CoordinateTransform::Asymmetric:
              x = f32.div(o, scale);
              break;
            }
            coords.push_back(x);
          }

          auto clampIndex = [&](Value v, int64_t d) {
            Value last = arith::SubIOp::create(b, l, inSizes[d], idx(1));
            return arith::MinSIOp::create(
                b, l, arith::MaxSIOp::create(b, l, v, idx(0)), last);
          };
          auto toIndex = [&](Value v) {
            return arith::IndexCastOp::create(
                b, l, b.getIndexType(),
                arith::FPToSIOp::create(b, l, b.getI64Type(), v));
          };

          if (op.getMode() == qnn::ResizeMode::Nearest) {
            SmallVector<Value> from(at);
            for (auto [i, d] : llvm::enumerate(resized)) {
              Value x = coords[i];
              Value rounded;
              switch (op.getNearestRounding()) {
              case qnn::NearestRounding::RoundPreferFloor:
                rounded =
                    math::CeilOp::create(b, l, f32.sub(x, f32.constant(0.5)));
                break;
              case qnn::NearestRounding::RoundPreferCeil:
                rounded =
                    math::FloorOp::create(b, l, f32.add(x, f32.constant(0.5)));
                break;
              case qnn::NearestRounding::Floor:
                rounded = math::FloorOp::create(b, l, x);
                break;
              case qnn::NearestRounding::Ceil:
                rounded = math::CeilOp::create(b, l, x);
                break;
              }
              from[d] = clampIndex(toIndex(rounded), d);
            }
            return tensor::ExtractOp::create(b, l, input, from);
          }

          // Linear: blend the 2^k neighbours of the k resized dims.
          SmallVector<Value> lows, highs, weights;
          for (auto [i, d] : llvm::enumerate(resized)) {
            Value x = f32.min(f32.max(coords[i], f32.constant(0.0)),
                              f32.sub(toF32(inSizes[d]), f32.constant(1.0)));
            Value floor = math::FloorOp::create(b, l, x);
            Value low = toIndex(floor);
            lows.push_back(low);
            highs.push_back(
                clampIndex(arith::AddIOp::create(b, l, low, idx(1)), d));
            weights.push_back(f32.sub(x, floor));
          }
          ScalarBuilder out(b, l, element);
          Value sum = out.constant(0.0);
          for (unsigned corner = 0; corner < (1u << resized.size()); ++corner) {
            SmallVector<Value> from(at);
            Value weight = f32.constant(1.0);
            for (auto [i, d] : llvm::enumerate(resized)) {
              bool high = corner & (1u << i);
              from[d] = high ? highs[i] : lows[i];
              weight = f32.mul(weight,
                               high ? weights[i]
                                    : f32.sub(f32.constant(1.0), weights[i]));
            }
            Value value = tensor::ExtractOp::create(b, l, input, from);
            if (element != b.getF32Type())
              weight = arith::TruncFOp::create(b, l, element, weight);
            sum = out.add(sum, out.mul(value, weight));
          }
          return sum;
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void qnn_to_linalg::populateResizePatterns(RewritePatternSet &patterns) {
  patterns.add<ResizeLowering>(patterns.getContext());
}
