//===- QDQExport.cpp - Write quantization back as a QDQ ONNX model -------===//
//
// The exporter reads the choices of qnn-quantize off the IR, where each
// quantized contraction's input, weight and bias sit behind a
// qnn.dequantize, and writes them into the original ModelProto: the node
// (found by the name the importer put in its location) reads its input
// through a QuantizeLinear/DequantizeLinear pair, and its weight and bias
// from integer initializers through a DequantizeLinear. Everything else in
// the model is kept as it is.
//
//===----------------------------------------------------------------------===//

#include "quantc/Export/ONNX/QDQExport.h"
#include "quantc/Dialect/QNN/IR/QNNOps.h"
#include "quantc/Dialect/QNN/Transforms/Passes.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/MemoryBuffer.h"

#include <google/protobuf/io/coded_stream.h>

#include <climits>
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
  google::protobuf::io::CodedInputStream stream(
      reinterpret_cast<const uint8_t *>((*buffer)->getBufferStart()),
      (*buffer)->getBufferSize());
  stream.SetTotalBytesLimit(INT_MAX);
  if (!model.ParseFromCodedStream(&stream) || !stream.ConsumedEntireMessage())
    return emitError(loc) << path << " is not a valid ONNX model";
  return success();
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
      : model(model), graph(*model.mutable_graph()) {
    for (const onnx::OperatorSetIdProto &import : model.opset_import())
      if (import.domain().empty() || import.domain() == "ai.onnx")
        opset = import.version();
    for (const onnx::ValueInfoProto &info : graph.input())
      names.insert(info.name());
    for (const onnx::ValueInfoProto &info : graph.output())
      names.insert(info.name());
    for (const onnx::TensorProto &tensor : graph.initializer())
      names.insert(tensor.name());
    for (int i = 0; i < graph.node_size(); ++i) {
      const onnx::NodeProto &node = graph.node(i);
      for (const std::string &output : node.output())
        names.insert(output);
      std::string key = !node.name().empty() || !node.output_size()
                            ? node.name()
                            : node.output(0);
      nodeIndex.try_emplace(key, i);
    }
  }

  LogicalResult exportOp(Operation *op);
  void finish();

private:
  /// A fresh tensor name starting with `base`.
  std::string uniqueName(const std::string &base) {
    std::string name = base;
    for (int i = 1; names.contains(name); ++i)
      name = base + "_" + std::to_string(i);
    names.insert(name);
    return name;
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

  onnx::ModelProto &model;
  onnx::GraphProto &graph;
  int64_t opset = 0;
  llvm::StringSet<> names;
  llvm::StringMap<int> nodeIndex;
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
  onnx::NodeProto &node = *graph.mutable_node(index);
  if (opset < 10)
    return op->emitError("QDQ export needs opset 10 or newer; the model has ")
           << opset;

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
    if (isa<quant::UniformQuantizedPerAxisType>(operand->type) && opset < 13)
      return op->emitError("per-axis scales need opset 13 in a QDQ model; "
                           "the model has opset ")
             << opset << " (quantize per tensor instead)";
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

void Exporter::finish() {
  // The inserted nodes go before the node that first reads them.
  google::protobuf::RepeatedPtrField<onnx::NodeProto> nodes;
  nodes.Swap(graph.mutable_node());
  for (int i = 0; i < nodes.size(); ++i) {
    for (onnx::NodeProto &node : inserted[i])
      *graph.add_node() = std::move(node);
    *graph.add_node() = std::move(nodes[i]);
  }

  // Float initializers no node reads any more are dropped.
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
  auto *inputs = graph.mutable_input();
  inputs->erase(std::remove_if(inputs->begin(), inputs->end(),
                               [&](const onnx::ValueInfoProto &info) {
                                 return unused(info.name());
                               }),
                inputs->end());
  model.set_producer_name("quantc");
}

LogicalResult quantc::exportQDQ(func::FuncOp func, onnx::ModelProto &model) {
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
