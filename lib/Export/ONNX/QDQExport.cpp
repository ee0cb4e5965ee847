//===- QDQExport.cpp - Write quantization back as a QDQ ONNX model -------===//
//
// The exporter reads the choices of qnn-quantize off the IR, where each
// quantized contraction's input, weight and bias sit behind a
// qnn.dequantize, and writes them into the original ModelProto: the node
// (found by the name the importer put in its location) reads its input
// through a QuantizeLinear/DequantizeLinear pair, and its weight and bias
// from integer initializers through a DequantizeLinear. Everything else in
// the model is kept as it is. A model below opset 13 (the first with
// per-axis DequantizeLinear) is moved to opset 13 first, its nodes rewritten
// where their definitions changed (upgradeOpset).
//
//===----------------------------------------------------------------------===//

#include "quantc/Export/ONNX/QDQExport.h"
#include "quantc/Dialect/QNN/IR/QNNOps.h"
#include "quantc/Dialect/QNN/Transforms/Passes.h"
#include "quantc/Import/ONNX/ONNXImporter.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/MemoryBuffer.h"

#include <map>

using namespace mlir;
using namespace quantc;

LogicalResult quantc::readONNXModel(StringRef path, Location loc,
                                    onnx::ModelProto &model) {
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buffer =
      llvm::MemoryBuffer::getFileOrSTDIN(path);
  if (!buffer)
    return emitError(loc) << "cannot read " << path << ": "
                          << buffer.getError().message();
  return parseONNXModel((*buffer)->getBuffer(), loc, model);
}

/// Every name in `graph`: its inputs, outputs, initializers, nodes and node
/// outputs.
static llvm::StringSet<> collectNames(const onnx::GraphProto &graph) {
  llvm::StringSet<> names;
  for (const onnx::ValueInfoProto &info : graph.input())
    names.insert(info.name());
  for (const onnx::ValueInfoProto &info : graph.output())
    names.insert(info.name());
  for (const onnx::TensorProto &tensor : graph.initializer())
    names.insert(tensor.name());
  for (const onnx::NodeProto &node : graph.node()) {
    names.insert(node.name());
    for (const std::string &output : node.output())
      names.insert(output);
  }
  return names;
}

/// A name starting with `base` that is not in `names`, added to them.
static std::string makeUniqueName(llvm::StringSet<> &names,
                                  const std::string &base) {
  std::string name = base;
  for (int i = 1; names.contains(name); ++i)
    name = base + "_" + std::to_string(i);
  names.insert(name);
  return name;
}

namespace {

/// A quantized operand as the IR has it: its type and, for a constant, its
/// stored integers.
struct QuantizedOperand {
  quant::QuantizedType type;
  DenseElementsAttr stored;
};

/// The quantization of operand `value` of a contraction: a dequantized
/// quantize (an activation) or a dequantized constant (a weight or bias).
std::optional<QuantizedOperand> getQuantizedOperand(Value value) {
  auto dequantize = value.getDefiningOp<qnn::DequantizeOp>();
  if (!dequantize)
    return std::nullopt;
  Value input = dequantize.getInput();
  auto type = cast<quant::QuantizedType>(
      cast<RankedTensorType>(input.getType()).getElementType());
  if (input.getDefiningOp<qnn::QuantizeOp>())
    return QuantizedOperand{type, {}};
  if (auto constant = input.getDefiningOp<qnn::ConstantOp>())
    if (auto stored = dyn_cast<DenseElementsAttr>(constant.getValue()))
      return QuantizedOperand{type, stored};
  return std::nullopt;
}

/// The ONNX data type of a quantized type's stored integers.
int32_t getStorageDataType(quant::QuantizedType type) {
  unsigned width = type.getStorageTypeIntegralWidth();
  if (width == 32)
    return onnx::TensorProto::INT32;
  return type.isSigned() ? onnx::TensorProto::INT8 : onnx::TensorProto::UINT8;
}

/// Appends `value` as `bytes` little-endian bytes.
void appendLittleEndian(std::string &raw, uint64_t value, unsigned bytes) {
  for (unsigned i = 0; i < bytes; ++i)
    raw.push_back(char((value >> (8 * i)) & 0xFF));
}

class Exporter {
public:
  Exporter(onnx::ModelProto &model)
      : model(model), graph(*model.mutable_graph()),
        names(collectNames(graph)) {
    for (int i = 0; i < graph.node_size(); ++i)
      nodeIndex.try_emplace(getNodeLocName(graph.node(i)), i);
  }

  LogicalResult exportOp(Operation *op);
  void finish();

private:
  /// A fresh tensor name starting with `base`.
  std::string uniqueName(const std::string &base) {
    return makeUniqueName(names, base);
  }

  /// Adds the scale and zero point initializers of `type` (scalars, or
  /// 1-D per axis) for tensor `base`; returns their names.
  std::pair<std::string, std::string> addParams(const std::string &base,
                                                quant::QuantizedType type);
  /// Adds a QuantizeLinear/DequantizeLinear (`quantize` false: only a
  /// DequantizeLinear) of `input` to `type` before node `before`; returns
  /// the dequantized tensor's name.
  std::string addQDQ(const std::string &input, const std::string &base,
                     quant::QuantizedType type, bool quantize, int before);

  /// Makes node `index`, a BatchNormalization or Add that qnn-fold-batch-norm
  /// or qnn-fold-bias merged into the contraction `op` before it, the
  /// contraction itself (Conv, or Gemm for a MatMul), reading the
  /// contraction node's input; that node is dropped. Fails if the nodes do
  /// not have that shape.
  LogicalResult mergeFolded(Operation *op, int index);
  /// The index of the node whose output `name` is, or -1.
  int findProducer(const std::string &name) const;

  onnx::ModelProto &model;
  onnx::GraphProto &graph;
  llvm::StringSet<> names;
  llvm::StringMap<int> nodeIndex;
  /// Original nodes merged into another, dropped at the end.
  llvm::DenseSet<int> merged;
  /// The nodes to insert before each original node.
  std::map<int, std::vector<onnx::NodeProto>> inserted;
  /// Activations already quantized: name and type to the dequantized name.
  std::map<std::pair<std::string, const void *>, std::string> activations;
  /// Initializers whose uses were replaced, candidates for removal.
  llvm::StringSet<> replaced;
};

} // namespace

std::pair<std::string, std::string>
Exporter::addParams(const std::string &base, quant::QuantizedType type) {
  SmallVector<double> scales;
  SmallVector<int64_t> zeroPoints;
  bool perAxis = false;
  if (auto uniform = dyn_cast<quant::UniformQuantizedType>(type)) {
    scales.push_back(uniform.getScale());
    zeroPoints.push_back(uniform.getZeroPoint());
  } else {
    auto axis = cast<quant::UniformQuantizedPerAxisType>(type);
    scales.assign(axis.getScales().begin(), axis.getScales().end());
    zeroPoints.assign(axis.getZeroPoints().begin(), axis.getZeroPoints().end());
    perAxis = true;
  }
  onnx::TensorProto *scale = graph.add_initializer();
  scale->set_name(uniqueName(base + "_scale"));
  scale->set_data_type(onnx::TensorProto::FLOAT);
  onnx::TensorProto *zeroPoint = graph.add_initializer();
  zeroPoint->set_name(uniqueName(base + "_zero_point"));
  int32_t dataType = getStorageDataType(type);
  zeroPoint->set_data_type(dataType);
  if (perAxis) {
    scale->add_dims(scales.size());
    zeroPoint->add_dims(zeroPoints.size());
  }
  std::string scaleRaw, zeroPointRaw;
  for (double s : scales) {
    float f = float(s);
    uint32_t bits;
    std::memcpy(&bits, &f, 4);
    appendLittleEndian(scaleRaw, bits, 4);
  }
  unsigned bytes = dataType == onnx::TensorProto::INT32 ? 4 : 1;
  for (int64_t z : zeroPoints)
    appendLittleEndian(zeroPointRaw, uint64_t(z), bytes);
  scale->set_raw_data(scaleRaw);
  zeroPoint->set_raw_data(zeroPointRaw);
  return {scale->name(), zeroPoint->name()};
}

std::string Exporter::addQDQ(const std::string &input, const std::string &base,
                             quant::QuantizedType type, bool quantize,
                             int before) {
  auto [scale, zeroPoint] = addParams(base, type);
  std::vector<onnx::NodeProto> &nodes = inserted[before];
  std::string stored = input;
  if (quantize) {
    onnx::NodeProto node;
    node.set_op_type("QuantizeLinear");
    node.set_name(uniqueName(base + "_QuantizeLinear"));
    stored = uniqueName(base + "_quantized");
    node.add_input(input);
    node.add_input(scale);
    node.add_input(zeroPoint);
    node.add_output(stored);
    nodes.push_back(node);
  }
  onnx::NodeProto node;
  node.set_op_type("DequantizeLinear");
  node.set_name(uniqueName(base + "_DequantizeLinear"));
  std::string dequantized = uniqueName(base + "_dequantized");
  node.add_input(stored);
  node.add_input(scale);
  node.add_input(zeroPoint);
  node.add_output(dequantized);
  if (auto axis = dyn_cast<quant::UniformQuantizedPerAxisType>(type)) {
    onnx::AttributeProto *attribute = node.add_attribute();
    attribute->set_name("axis");
    attribute->set_type(onnx::AttributeProto::INT);
    attribute->set_i(axis.getQuantizedDimension());
  }
  nodes.push_back(node);
  return dequantized;
}

LogicalResult Exporter::exportOp(Operation *op) {
  std::optional<QuantizedOperand> input =
      getQuantizedOperand(op->getOperand(0));
  std::optional<QuantizedOperand> weight =
      getQuantizedOperand(op->getOperand(1));
  if (!weight)
    return success();
  std::string key = getNodeName(op->getLoc());
  auto found = nodeIndex.find(key);
  if (found == nodeIndex.end())
    return op->emitError("the ONNX node '")
           << key << "' of this op is not in the model";
  int index = found->second;
  StringRef opType = graph.node(index).op_type();
  if ((opType == "BatchNormalization" || opType == "Add") &&
      failed(mergeFolded(op, index)))
    return failure();
  onnx::NodeProto &node = *graph.mutable_node(index);

  // The input: a QuantizeLinear/DequantizeLinear pair, one per tensor and
  // type, placed before its first quantized consumer.
  if (input) {
    std::string name = node.input(0);
    std::string &dequantized =
        activations[{name, input->type.getAsOpaquePointer()}];
    if (dequantized.empty())
      dequantized = addQDQ(name, name, input->type, /*quantize=*/true, index);
    node.set_input(0, dequantized);
  }

  // The weight and bias: integer initializers behind a DequantizeLinear.
  std::optional<QuantizedOperand> bias;
  if (op->getNumOperands() > 2)
    bias = getQuantizedOperand(op->getOperand(2));
  for (auto [slot, operand] : {std::pair{1, weight}, std::pair{2, bias}}) {
    if (!operand || slot >= node.input_size())
      continue;
    std::string name = node.input(slot);
    auto stored = operand->stored;
    onnx::TensorProto *tensor = graph.add_initializer();
    tensor->set_name(uniqueName(name + "_quantized"));
    tensor->set_data_type(getStorageDataType(operand->type));
    for (int64_t size : stored.getType().getShape())
      tensor->add_dims(size);
    unsigned bytes = operand->type.getStorageTypeIntegralWidth() / 8;
    std::string raw;
    raw.reserve(stored.getNumElements() * bytes);
    for (const APInt &v : stored.getValues<APInt>())
      appendLittleEndian(raw, v.getZExtValue(), bytes);
    tensor->set_raw_data(raw);
    node.set_input(slot, addQDQ(tensor->name(), name, operand->type,
                                /*quantize=*/false, index));
    replaced.insert(name);
  }
  return success();
}

int Exporter::findProducer(const std::string &name) const {
  for (int i = 0; i < graph.node_size(); ++i)
    for (const std::string &output : graph.node(i).output())
      if (output == name)
        return i;
  return -1;
}

LogicalResult Exporter::mergeFolded(Operation *op, int index) {
  onnx::NodeProto &node = *graph.mutable_node(index);
  bool isConv = isa<qnn::ConvOp>(op);
  StringRef want = isConv ? "Conv" : "MatMul";
  // The contraction node: the batch norm's data input, or the add input
  // that a MatMul or Conv produces.
  int producer = -1;
  for (int slot = 0; slot < node.input_size(); ++slot) {
    int candidate = findProducer(node.input(slot));
    if (candidate >= 0 && graph.node(candidate).op_type() == want &&
        (node.op_type() == "Add" || slot == 0)) {
      producer = candidate;
      break;
    }
  }
  if (producer < 0 || (!isConv && !isa<qnn::GemmOp>(op)))
    return op->emitError("the ONNX node '")
           << node.name() << "' (" << node.op_type()
           << ") that this contraction was folded into has no " << want
           << " input to merge with";
  const onnx::NodeProto &contraction = graph.node(producer);
  onnx::NodeProto result;
  result.set_name(node.name());
  result.set_domain(contraction.domain());
  result.set_op_type(isConv ? "Conv" : "Gemm");
  if (isConv)
    *result.mutable_attribute() = contraction.attribute();
  result.add_input(contraction.input(0));
  result.add_input(contraction.input(1));
  // The folded bias: the IR's, as a float initializer unless exportOp
  // writes it quantized.
  std::string biasName = uniqueName(node.output(0) + "_bias");
  Value bias = op->getOperand(2);
  DenseElementsAttr values;
  if (auto constant = bias.getDefiningOp<qnn::ConstantOp>())
    values = dyn_cast<DenseElementsAttr>(constant.getValue());
  onnx::TensorProto *tensor = graph.add_initializer();
  tensor->set_name(biasName);
  tensor->set_data_type(onnx::TensorProto::FLOAT);
  if (values && values.getElementType().isF32()) {
    tensor->add_dims(values.getNumElements());
    for (float v : values.getValues<float>())
      tensor->add_float_data(v);
  } else {
    // Quantized: exportOp replaces it; a placeholder of the right length.
    int64_t count = cast<RankedTensorType>(bias.getType()).getNumElements();
    tensor->add_dims(count);
    for (int64_t i = 0; i < count; ++i)
      tensor->add_float_data(0.0f);
    replaced.insert(biasName);
  }
  result.add_input(biasName);
  result.add_output(node.output(0));
  // The batch norm's parameters or the add's constant go if unused.
  for (int slot = 0; slot < node.input_size(); ++slot)
    if (slot != 0 || node.op_type() == "Add")
      replaced.insert(node.input(slot));
  replaced.insert(contraction.input(1));
  merged.insert(producer);
  node = std::move(result);
  // A float folded weight is written as it is.
  DenseElementsAttr weight;
  if (auto constant = op->getOperand(1).getDefiningOp<qnn::ConstantOp>())
    weight = dyn_cast<DenseElementsAttr>(constant.getValue());
  if (weight && weight.getElementType().isF32()) {
    onnx::TensorProto *w = graph.add_initializer();
    w->set_name(uniqueName(contraction.input(1) + "_folded"));
    w->set_data_type(onnx::TensorProto::FLOAT);
    for (int64_t size : weight.getType().getShape())
      w->add_dims(size);
    for (float v : weight.getValues<float>())
      w->add_float_data(v);
    node.set_input(1, w->name());
  }
  return success();
}

void Exporter::finish() {
  // The inserted nodes go before the node that first reads them; merged
  // nodes go.
  google::protobuf::RepeatedPtrField<onnx::NodeProto> nodes;
  nodes.Swap(graph.mutable_node());
  for (int i = 0; i < nodes.size(); ++i) {
    for (onnx::NodeProto &node : inserted[i])
      *graph.add_node() = std::move(node);
    if (!merged.contains(i))
      *graph.add_node() = std::move(nodes[i]);
  }

  // Float weights and biases no node reads any more are dropped.
  llvm::StringSet<> used;
  for (const onnx::NodeProto &node : graph.node())
    for (const std::string &input : node.input())
      used.insert(input);
  for (const onnx::ValueInfoProto &info : graph.output())
    used.insert(info.name());
  auto unused = [&](const std::string &name) {
    return replaced.contains(name) && !used.contains(name);
  };
  auto *initializers = graph.mutable_initializer();
  initializers->erase(std::remove_if(initializers->begin(), initializers->end(),
                                     [&](const onnx::TensorProto &t) {
                                       return unused(t.name());
                                     }),
                      initializers->end());
  // So are Constant nodes that held them.
  auto *allNodes = graph.mutable_node();
  allNodes->erase(std::remove_if(allNodes->begin(), allNodes->end(),
                                 [&](const onnx::NodeProto &node) {
                                   return node.op_type() == "Constant" &&
                                          node.output_size() == 1 &&
                                          unused(node.output(0));
                                 }),
                  allNodes->end());
  auto *inputs = graph.mutable_input();
  inputs->erase(std::remove_if(inputs->begin(), inputs->end(),
                               [&](const onnx::ValueInfoProto &info) {
                                 return unused(info.name());
                               }),
                inputs->end());
  model.set_producer_name("quantc");
}

//===----------------------------------------------------------------------===//
// Opset upgrade
//===----------------------------------------------------------------------===//

/// Definition changes between the model's opset and 13 that leave a node's
/// meaning as it is: an attribute added with the old behaviour as default
/// (AveragePool and MaxPool 10), an input made optional (Gemm 11), new
/// attributes (Constant 12), BatchNormalization 9 (without `spatial`).
static bool isCompatibleChange(const onnx::NodeProto &node, int64_t version) {
  StringRef op = node.op_type();
  if ((op == "AveragePool" || op == "MaxPool") && version == 10)
    return true;
  if (op == "Gemm" && version == 11)
    return true;
  if (op == "Constant" && version == 12)
    return true;
  if (op == "BatchNormalization" && version == 9)
    return llvm::none_of(node.attribute(), [](const onnx::AttributeProto &a) {
      return a.name() == "spatial" && a.i() != 1;
    });
  return false;
}

namespace {
/// Moves a model's default domain to opset 13, rewriting the nodes whose
/// definitions changed on the way: attributes that became inputs (Slice
/// 10, Clip 11, Squeeze, Unsqueeze and ReduceSum 13), and Softmax,
/// LogSoftmax and Hardmax 13, which no longer flatten the dimensions from
/// their axis: Flatten, the op on the last axis, and a Reshape back.
class OpsetUpgrader {
public:
  OpsetUpgrader(onnx::ModelProto &model, func::FuncOp func,
                llvm::StringSet<> &names)
      : model(model), graph(*model.mutable_graph()), func(func), names(names) {}

  LogicalResult run(int64_t from);

private:
  std::string uniqueName(const std::string &base) {
    return makeUniqueName(names, base);
  }
  /// Removes attribute `name` of `node`, returning it if it was there.
  std::optional<onnx::AttributeProto> takeAttribute(onnx::NodeProto &node,
                                                    StringRef name) {
    auto *attributes = node.mutable_attribute();
    for (int i = 0; i < attributes->size(); ++i) {
      if ((*attributes)[i].name() != name)
        continue;
      onnx::AttributeProto attribute = (*attributes)[i];
      attributes->DeleteSubrange(i, 1);
      return attribute;
    }
    return std::nullopt;
  }
  /// A new 1-D int64 initializer holding `values`; returns its name.
  std::string addInts(const std::string &base, ArrayRef<int64_t> values) {
    onnx::TensorProto *tensor = graph.add_initializer();
    tensor->set_name(uniqueName(base));
    tensor->set_data_type(onnx::TensorProto::INT64);
    tensor->add_dims(values.size());
    for (int64_t v : values)
      tensor->add_int64_data(v);
    return tensor->name();
  }
  /// A new scalar initializer of ONNX type `dataType` (float types) holding
  /// `value`; returns its name.
  std::string addScalar(const std::string &base, int32_t dataType,
                        double value) {
    onnx::TensorProto *tensor = graph.add_initializer();
    tensor->set_name(uniqueName(base));
    tensor->set_data_type(dataType);
    if (dataType == onnx::TensorProto::DOUBLE)
      tensor->add_double_data(value);
    else if (dataType == onnx::TensorProto::FLOAT16) {
      APFloat half(value);
      bool lost;
      half.convert(APFloat::IEEEhalf(), APFloat::rmNearestTiesToEven, &lost);
      tensor->add_int32_data(half.bitcastToAPInt().getZExtValue());
    } else
      tensor->add_float_data(float(value));
    return tensor->name();
  }
  /// The ONNX float type of the elements of the first result of the op
  /// imported from `node` (FLOAT if not found).
  int32_t getResultDataType(const onnx::NodeProto &node);
  /// Moves integer-list attribute `attribute` of `node` to input `slot`.
  void moveIntsToInput(onnx::NodeProto &node, StringRef attribute,
                       unsigned slot);

  onnx::ModelProto &model;
  onnx::GraphProto &graph;
  func::FuncOp func;
  llvm::StringSet<> &names;
  /// Nodes replacing node i of the original order, where there are.
  std::map<int, std::vector<onnx::NodeProto>> replacements;
  /// getResultDataType's element types, by node location name.
  llvm::StringMap<Type> resultElements;
};
} // namespace

int32_t OpsetUpgrader::getResultDataType(const onnx::NodeProto &node) {
  // The element type of the first op imported from each node, read once.
  if (resultElements.empty())
    func.walk([&](Operation *op) {
      if (op->getNumResults() != 0)
        resultElements.try_emplace(
            getNodeName(op->getLoc()),
            getElementTypeOrSelf(op->getResult(0).getType()));
    });
  Type element = resultElements.lookup(getNodeLocName(node));
  if (element && element.isF64())
    return onnx::TensorProto::DOUBLE;
  if (element && element.isF16())
    return onnx::TensorProto::FLOAT16;
  return onnx::TensorProto::FLOAT;
}

void OpsetUpgrader::moveIntsToInput(onnx::NodeProto &node, StringRef attribute,
                                    unsigned slot) {
  std::optional<onnx::AttributeProto> values = takeAttribute(node, attribute);
  if (!values)
    return;
  while (node.input_size() < int(slot))
    node.add_input("");
  SmallVector<int64_t> ints(values->ints().begin(), values->ints().end());
  std::string name =
      addInts((node.output_size() ? node.output(0) : node.name()) + "_" +
                  attribute.str(),
              ints);
  if (node.input_size() == int(slot))
    node.add_input(name);
  else
    node.set_input(slot, name);
}

LogicalResult OpsetUpgrader::run(int64_t from) {
  constexpr int64_t target = 13;
  llvm::StringMap<std::vector<int64_t>> versions;
  for (const SupportedONNXOp &op : getSupportedONNXOps())
    versions[op.opType] = op.versions;
  for (int i = 0; i < graph.node_size(); ++i) {
    onnx::NodeProto &node = *graph.mutable_node(i);
    if (!node.domain().empty() && node.domain() != "ai.onnx")
      continue;
    StringRef op = node.op_type();
    for (int64_t version : versions.lookup(op)) {
      if (version <= from || version > target ||
          isCompatibleChange(node, version))
        continue;
      if (op == "Slice" && version == 10) {
        // starts, ends, axes: attributes to inputs 1, 2, 3.
        std::optional<onnx::AttributeProto> axes = takeAttribute(node, "axes");
        moveIntsToInput(node, "starts", 1);
        moveIntsToInput(node, "ends", 2);
        if (axes) {
          *node.add_attribute() = *axes;
          moveIntsToInput(node, "axes", 3);
        }
      } else if (op == "Clip" && version == 11) {
        int32_t dataType = getResultDataType(node);
        std::optional<onnx::AttributeProto> lo = takeAttribute(node, "min");
        std::optional<onnx::AttributeProto> hi = takeAttribute(node, "max");
        std::string base = node.output_size() ? node.output(0) : node.name();
        node.add_input(lo ? addScalar(base + "_min", dataType, lo->f()) : "");
        if (hi)
          node.add_input(addScalar(base + "_max", dataType, hi->f()));
      } else if ((op == "Squeeze" || op == "Unsqueeze" || op == "ReduceSum") &&
                 version == 13) {
        moveIntsToInput(node, "axes", 1);
      } else if ((op == "Softmax" || op == "LogSoftmax" || op == "Hardmax") &&
                 version == 13) {
        std::optional<onnx::AttributeProto> axisAttr =
            takeAttribute(node, "axis");
        int64_t axis = axisAttr ? axisAttr->i() : 1;
        if (axis == -1) {
          // The last axis: the same in both definitions.
          onnx::AttributeProto *attribute = node.add_attribute();
          attribute->set_name("axis");
          attribute->set_type(onnx::AttributeProto::INT);
          attribute->set_i(-1);
          continue;
        }
        std::string input = node.input(0), output = node.output(0);
        std::vector<onnx::NodeProto> nodes(4);
        nodes[0].set_op_type("Flatten");
        nodes[0].set_name(uniqueName(output + "_Flatten"));
        nodes[0].add_input(input);
        nodes[0].add_output(uniqueName(output + "_flat"));
        onnx::AttributeProto *flattenAxis = nodes[0].add_attribute();
        flattenAxis->set_name("axis");
        flattenAxis->set_type(onnx::AttributeProto::INT);
        flattenAxis->set_i(axis);
        nodes[1] = node;
        nodes[1].set_input(0, nodes[0].output(0));
        nodes[1].set_output(0, uniqueName(output + "_2d"));
        onnx::AttributeProto *lastAxis = nodes[1].add_attribute();
        lastAxis->set_name("axis");
        lastAxis->set_type(onnx::AttributeProto::INT);
        lastAxis->set_i(-1);
        nodes[2].set_op_type("Shape");
        nodes[2].set_name(uniqueName(output + "_Shape"));
        nodes[2].add_input(input);
        nodes[2].add_output(uniqueName(output + "_shape"));
        nodes[3].set_op_type("Reshape");
        nodes[3].set_name(uniqueName(output + "_Reshape"));
        nodes[3].add_input(nodes[1].output(0));
        nodes[3].add_input(nodes[2].output(0));
        nodes[3].add_output(output);
        replacements[i] = std::move(nodes);
      } else {
        return emitError(func.getLoc())
               << "QDQ export moves the model from opset " << from
               << " to 13, but node '" << getNodeLocName(node) << "' (" << op
               << ") changed its definition in opset " << version
               << " and cannot be rewritten yet";
      }
    }
  }
  if (!replacements.empty()) {
    google::protobuf::RepeatedPtrField<onnx::NodeProto> nodes;
    nodes.Swap(graph.mutable_node());
    for (int i = 0; i < nodes.size(); ++i) {
      auto found = replacements.find(i);
      if (found == replacements.end()) {
        *graph.add_node() = std::move(nodes[i]);
        continue;
      }
      for (onnx::NodeProto &node : found->second)
        *graph.add_node() = std::move(node);
    }
  }
  for (onnx::OperatorSetIdProto &import : *model.mutable_opset_import())
    if (import.domain().empty() || import.domain() == "ai.onnx")
      import.set_version(target);
  // Opset 13 needs IR version 7 or newer.
  if (model.ir_version() < 7)
    model.set_ir_version(7);
  return success();
}

LogicalResult quantc::exportQDQ(func::FuncOp func, onnx::ModelProto &model) {
  // QuantizeLinear needs opset 10, per-axis DequantizeLinear opset 13.
  int64_t opset = getDefaultOpset(model).value_or(0);
  bool perAxis = false;
  WalkResult layouts = func.walk([&](qnn::ConstantOp constant) {
    Type element = constant.getType().getElementType();
    perAxis |= isa<quant::UniformQuantizedPerAxisType>(element);
    auto quantized = dyn_cast<quant::QuantizedType>(element);
    if (quantized && (quantized.getStorageTypeIntegralWidth() < 8 ||
                      isa<quant::UniformQuantizedSubChannelType>(element))) {
      constant.emitError("QDQ export writes 8-bit weights per tensor or per "
                         "channel; 4-bit and group-wise weights are not "
                         "exported");
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  if (layouts.wasInterrupted())
    return failure();
  if (opset < 10 || (perAxis && opset < 13)) {
    llvm::StringSet<> names = collectNames(model.graph());
    if (failed(OpsetUpgrader(model, func, names).run(opset)))
      return failure();
  }
  Exporter exporter(model);
  WalkResult result = func.walk([&](Operation *op) {
    if (!isa<qnn::ConvOp, qnn::MatMulOp, qnn::GemmOp>(op))
      return WalkResult::advance();
    return failed(exporter.exportOp(op)) ? WalkResult::interrupt()
                                         : WalkResult::advance();
  });
  if (result.wasInterrupted())
    return failure();
  exporter.finish();
  return success();
}
