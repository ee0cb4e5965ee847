//===- OpTable.cpp - The ONNX ops the importer supports ------------------===//
//
// Each row is one version of one op in the default ONNX domain: the opset
// that introduced it, its input count, its attributes with the defaults of
// the ONNX specification, and its converter. Rows for the same op are listed
// oldest first. Versions that changed only the accepted element types share
// the row of the version before them.
//
//===----------------------------------------------------------------------===//

#include "OpTable.h"
#include "Converters.h"

#include "quantc/Import/ONNX/ONNXImporter.h"

#include "llvm/ADT/StringMap.h"

using namespace mlir;
using namespace quantc;
using namespace quantc::onnx_import;

const AttrSpec *OpSchema::findAttribute(StringRef name) const {
  for (const AttrSpec &spec : attributes)
    if (spec.name == name)
      return &spec;
  return nullptr;
}

namespace {
using Ints = std::vector<int64_t>;

AttrSpec i(const char *name, std::optional<int64_t> value = std::nullopt) {
  return {name, AttrKind::Int,
          value ? std::optional<AttrValue>(*value) : std::nullopt};
}
AttrSpec f(const char *name, std::optional<float> value = std::nullopt) {
  return {name, AttrKind::Float,
          value ? std::optional<AttrValue>(*value) : std::nullopt};
}
AttrSpec s(const char *name, const char *value) {
  return {name, AttrKind::String, AttrValue(std::string(value))};
}
AttrSpec ints(const char *name) { return {name, AttrKind::Ints, std::nullopt}; }
AttrSpec floats(const char *name) {
  return {name, AttrKind::Floats, std::nullopt};
}
AttrSpec tensor(const char *name) {
  return {name, AttrKind::Tensor, std::nullopt};
}
AttrSpec required(AttrSpec spec) {
  spec.required = true;
  return spec;
}
} // namespace

static const std::vector<OpSchema> &getTable() {
  static const std::vector<OpSchema> table = [] {
    const unsigned V = kVariadic;
    const std::vector<AttrSpec> reduceAttrs = {ints("axes"), i("keepdims", 1)};
    const std::vector<AttrSpec> reduceInputAttrs = {
        i("keepdims", 1), i("noop_with_empty_axes", 0)};
    std::vector<OpSchema> rows = {
        // Elementwise arithmetic.
        {"Add", 7, 2, 2, {}, convertAdd},
        {"Sub", 7, 2, 2, {}, convertSub},
        {"Mul", 7, 2, 2, {}, convertMul},
        {"Div", 7, 2, 2, {}, convertDiv},
        {"Pow", 7, 2, 2, {}, convertPow},
        {"Max", 6, 1, V, {}, convertMax},
        {"Min", 6, 1, V, {}, convertMin},
        {"Sum", 6, 1, V, {}, convertSum},
        {"Mean", 6, 1, V, {}, convertMean},
        // Activations.
        {"Relu", 6, 1, 1, {}, convertRelu},
        {"LeakyRelu", 6, 1, 1, {f("alpha", 0.01f)}, convertLeakyRelu},
        {"Sigmoid", 6, 1, 1, {}, convertSigmoid},
        {"HardSigmoid",
         6,
         1,
         1,
         {f("alpha", 0.2f), f("beta", 0.5f)},
         convertHardSigmoid},
        {"HardSwish", 14, 1, 1, {}, convertHardSwish},
        {"Tanh", 6, 1, 1, {}, convertTanh},
        {"Gelu", 20, 1, 1, {s("approximate", "none")}, convertGelu},
        {"Erf", 9, 1, 1, {}, convertErf},
        {"Equal", 7, 2, 2, {}, convertEqual},
        {"Less", 7, 2, 2, {}, convertLess},
        {"LessOrEqual", 12, 2, 2, {}, convertLessOrEqual},
        {"Greater", 7, 2, 2, {}, convertGreater},
        {"GreaterOrEqual", 12, 2, 2, {}, convertGreaterOrEqual},
        {"Where", 9, 3, 3, {}, convertWhere},
        {"Exp", 6, 1, 1, {}, convertExp},
        {"Log", 6, 1, 1, {}, convertLog},
        {"Sqrt", 6, 1, 1, {}, convertSqrt},
        {"Neg", 6, 1, 1, {}, convertNeg},
        {"Abs", 6, 1, 1, {}, convertAbs},
        {"Round", 11, 1, 1, {}, convertRound},
        {"Floor", 6, 1, 1, {}, convertFloor},
        {"Ceil", 6, 1, 1, {}, convertCeil},
        {"Reciprocal", 6, 1, 1, {}, convertReciprocal},
        {"Clip", 6, 1, 1, {f("min"), f("max")}, convertClip},
        {"Clip", 11, 1, 3, {}, convertClip},
        {"Identity", 1, 1, 1, {}, convertIdentity},
        {"Dropout", 7, 1, 1, {f("ratio", 0.5f)}, convertDropout},
        {"Dropout", 12, 1, 3, {i("seed")}, convertDropout},
        // Convolution and matrix products.
        {"Conv",
         1,
         2,
         3,
         {s("auto_pad", "NOTSET"), ints("dilations"), i("group", 1),
          ints("kernel_shape"), ints("pads"), ints("strides")},
         convertConv},
        {"ConvTranspose",
         1,
         2,
         3,
         {s("auto_pad", "NOTSET"), ints("dilations"), i("group", 1),
          ints("kernel_shape"), ints("output_padding"), ints("output_shape"),
          ints("pads"), ints("strides")},
         convertConvTranspose},
        {"MatMul", 1, 2, 2, {}, convertMatMul},
        {"Gemm",
         7,
         3,
         3,
         {f("alpha", 1.0f), f("beta", 1.0f), i("transA", 0), i("transB", 0)},
         convertGemm},
        {"Gemm",
         11,
         2,
         3,
         {f("alpha", 1.0f), f("beta", 1.0f), i("transA", 0), i("transB", 0)},
         convertGemm},
        // Normalization.
        {"Softmax", 1, 1, 1, {i("axis", 1)}, convertSoftmax},
        {"Softmax", 13, 1, 1, {i("axis", -1)}, convertSoftmax},
        {"LogSoftmax", 1, 1, 1, {i("axis", 1)}, convertSoftmax},
        {"LogSoftmax", 13, 1, 1, {i("axis", -1)}, convertSoftmax},
        {"LayerNormalization",
         17,
         2,
         3,
         {i("axis", -1), f("epsilon", 1e-5f), i("stash_type", 1)},
         convertLayerNormalization},
        {"BatchNormalization",
         7,
         5,
         5,
         {f("epsilon", 1e-5f), f("momentum", 0.9f), i("spatial", 1)},
         convertBatchNormalization},
        {"BatchNormalization",
         9,
         5,
         5,
         {f("epsilon", 1e-5f), f("momentum", 0.9f)},
         convertBatchNormalization},
        {"BatchNormalization",
         14,
         5,
         5,
         {f("epsilon", 1e-5f), f("momentum", 0.9f), i("training_mode", 0)},
         convertBatchNormalization},
        // Reductions.
        {"ReduceSum", 1, 1, 1, reduceAttrs, convertReduce},
        {"ReduceSum", 13, 1, 2, reduceInputAttrs, convertReduce},
        // Pooling.
        {"MaxPool",
         8,
         1,
         1,
         {s("auto_pad", "NOTSET"), required(ints("kernel_shape")), ints("pads"),
          i("storage_order", 0), ints("strides")},
         convertMaxPool},
        {"MaxPool",
         10,
         1,
         1,
         {s("auto_pad", "NOTSET"), i("ceil_mode", 0), ints("dilations"),
          required(ints("kernel_shape")), ints("pads"), i("storage_order", 0),
          ints("strides")},
         convertMaxPool},
        {"AveragePool",
         7,
         1,
         1,
         {s("auto_pad", "NOTSET"), i("count_include_pad", 0),
          required(ints("kernel_shape")), ints("pads"), ints("strides")},
         convertAveragePool},
        {"AveragePool",
         10,
         1,
         1,
         {s("auto_pad", "NOTSET"), i("ceil_mode", 0), i("count_include_pad", 0),
          required(ints("kernel_shape")), ints("pads"), ints("strides")},
         convertAveragePool},
        {"AveragePool",
         19,
         1,
         1,
         {s("auto_pad", "NOTSET"), i("ceil_mode", 0), i("count_include_pad", 0),
          ints("dilations"), required(ints("kernel_shape")), ints("pads"),
          ints("strides")},
         convertAveragePool},
        {"GlobalAveragePool", 1, 1, 1, {}, convertGlobalAveragePool},
        {"GlobalMaxPool", 1, 1, 1, {}, convertGlobalMaxPool},
        // Constants, shapes and casts.
        {"Constant", 1, 0, 0, {tensor("value")}, convertConstant},
        {"Constant",
         12,
         0,
         0,
         {tensor("value"), f("value_float"), floats("value_floats"),
          i("value_int"), ints("value_ints")},
         convertConstant},
        {"Shape", 1, 1, 1, {}, convertShape},
        {"Shape", 15, 1, 1, {i("start", 0), i("end")}, convertShape},
        {"Size", 1, 1, 1, {}, convertSize},
        {"Cast", 6, 1, 1, {required(i("to"))}, convertCast},
        {"Cast", 19, 1, 1, {required(i("to")), i("saturate", 1)}, convertCast},
        // Data movement.
        {"Reshape", 5, 2, 2, {}, convertReshape},
        {"Reshape", 14, 2, 2, {i("allowzero", 0)}, convertReshape},
        {"Flatten", 1, 1, 1, {i("axis", 1)}, convertFlatten},
        {"Squeeze", 1, 1, 1, {ints("axes")}, convertSqueeze},
        {"Squeeze", 13, 1, 2, {}, convertSqueeze},
        {"Unsqueeze", 1, 1, 1, {required(ints("axes"))}, convertUnsqueeze},
        {"Unsqueeze", 13, 2, 2, {}, convertUnsqueeze},
        {"Transpose", 1, 1, 1, {ints("perm")}, convertTranspose},
        {"Concat", 4, 1, V, {required(i("axis"))}, convertConcat},
        {"Slice",
         1,
         1,
         1,
         {ints("axes"), required(ints("ends")), required(ints("starts"))},
         convertSlice},
        {"Slice", 10, 3, 5, {}, convertSlice},
        {"Gather", 1, 2, 2, {i("axis", 0)}, convertGather},
        {"Split", 2, 1, 1, {i("axis", 0), ints("split")}, convertSplit},
        {"Split", 13, 1, 2, {i("axis", 0)}, convertSplit},
        {"Split", 18, 1, 2, {i("axis", 0), i("num_outputs")}, convertSplit},
        {"Range", 11, 3, 3, {}, convertRange},
        {"Pad",
         2,
         1,
         1,
         {s("mode", "constant"), required(ints("pads")), f("value", 0.0f)},
         convertPad},
        {"Pad", 11, 2, 3, {s("mode", "constant")}, convertPad},
        {"Pad", 18, 2, 4, {s("mode", "constant")}, convertPad},
        {"Resize",
         11,
         1,
         4,
         {s("coordinate_transformation_mode", "half_pixel"),
          f("cubic_coeff_a", -0.75f), i("exclude_outside", 0),
          f("extrapolation_value", 0.0f), s("mode", "nearest"),
          s("nearest_mode", "round_prefer_floor")},
         convertResize},
        {"Resize",
         18,
         1,
         4,
         {i("antialias", 0), ints("axes"),
          s("coordinate_transformation_mode", "half_pixel"),
          f("cubic_coeff_a", -0.75f), i("exclude_outside", 0),
          f("extrapolation_value", 0.0f),
          s("keep_aspect_ratio_policy", "stretch"), s("mode", "nearest"),
          s("nearest_mode", "round_prefer_floor")},
         convertResize},
        // Quantization.
        {"QuantizeLinear", 10, 2, 3, {}, convertQuantizeLinear},
        {"QuantizeLinear", 13, 2, 3, {i("axis", 1)}, convertQuantizeLinear},
        {"QuantizeLinear",
         19,
         2,
         3,
         {i("axis", 1), i("saturate", 1)},
         convertQuantizeLinear},
        {"QuantizeLinear",
         21,
         2,
         3,
         {i("axis", 1), i("block_size", 0), i("output_dtype", 0),
          i("saturate", 1)},
         convertQuantizeLinear},
        {"QLinearConv",
         10,
         8,
         9,
         {s("auto_pad", "NOTSET"), ints("dilations"), i("group", 1),
          ints("kernel_shape"), ints("pads"), ints("strides")},
         convertQLinearConv},
        {"QLinearMatMul", 10, 8, 8, {}, convertQLinearMatMul},
        {"DynamicQuantizeLinear", 11, 1, 1, {}, convertDynamicQuantizeLinear},
        {"MatMulInteger", 10, 2, 4, {}, convertMatMulInteger},
        {"ConvInteger",
         10,
         2,
         4,
         {s("auto_pad", "NOTSET"), ints("dilations"), i("group", 1),
          ints("kernel_shape"), ints("pads"), ints("strides")},
         convertConvInteger},
        {"DequantizeLinear", 10, 2, 3, {}, convertDequantizeLinear},
        {"DequantizeLinear", 13, 2, 3, {i("axis", 1)}, convertDequantizeLinear},
        {"DequantizeLinear",
         21,
         2,
         3,
         {i("axis", 1), i("block_size", 0)},
         convertDequantizeLinear},
    };
    // The other reductions take axes as an input from opset 18.
    for (const char *op : {"ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd",
                           "ReduceSumSquare", "ReduceL1", "ReduceL2"}) {
      rows.push_back({op, 1, 1, 1, reduceAttrs, convertReduce});
      rows.push_back({op, 18, 1, 2, reduceInputAttrs, convertReduce});
    }
    return rows;
  }();
  return table;
}

/// Rows of the table by op type, oldest first.
static const llvm::StringMap<std::vector<const OpSchema *>> &getIndex() {
  static const llvm::StringMap<std::vector<const OpSchema *>> index = [] {
    llvm::StringMap<std::vector<const OpSchema *>> result;
    for (const OpSchema &schema : getTable())
      result[schema.opType].push_back(&schema);
    for (auto &entry : result)
      llvm::sort(entry.second, [](const OpSchema *a, const OpSchema *b) {
        return a->sinceVersion < b->sinceVersion;
      });
    return result;
  }();
  return index;
}

const OpSchema *onnx_import::lookupSchema(StringRef opType, int64_t opset) {
  auto it = getIndex().find(opType);
  if (it == getIndex().end())
    return nullptr;
  const OpSchema *found = nullptr;
  for (const OpSchema *schema : it->second)
    if (schema->sinceVersion <= opset)
      found = schema;
  return found;
}

std::optional<int64_t> onnx_import::getFirstSupportedVersion(StringRef opType) {
  auto it = getIndex().find(opType);
  if (it == getIndex().end())
    return std::nullopt;
  return it->second.front()->sinceVersion;
}

std::vector<SupportedONNXOp> quantc::getSupportedONNXOps() {
  std::vector<SupportedONNXOp> ops;
  for (const auto &entry : getIndex()) {
    SupportedONNXOp op{entry.first().str(), {}};
    for (const OpSchema *schema : entry.second)
      op.versions.push_back(schema->sinceVersion);
    ops.push_back(std::move(op));
  }
  llvm::sort(ops, [](const SupportedONNXOp &a, const SupportedONNXOp &b) {
    return a.opType < b.opType;
  });
  return ops;
}
