//===- GraphImporter.cpp - Convert an ONNX graph into a function ---------===//
//
// Builds one func.func from an ONNX graph: initializers become qnn.constant,
// graph inputs become arguments with symbolic dimensions dynamic, nodes are
// converted in dependence order through the op table, and graph outputs are
// returned. A node's problems are reported at the node.
//
//===----------------------------------------------------------------------===//

#include "GraphImporter.h"

#include "quantc/Import/ONNX/ONNXImporter.h"
#include "quantc/Import/ONNX/TensorConversion.h"

#include "quantc/Dialect/QNN/IR/QNNOps.h"
#include "quantc/Dialect/QNN/IR/ShapeInference.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/ADT/StringSet.h"

using namespace mlir;
using namespace quantc;
using namespace quantc::onnx_import;

std::string onnx_import::describeNode(const onnx::NodeProto &node,
                                      int64_t opset) {
  std::string name = !node.name().empty() ? "node '" + node.name() + "'"
                     : node.output_size()
                         ? "unnamed node producing '" + node.output(0) + "'"
                         : "unnamed node";
  std::string domain = node.domain().empty() ? "ai.onnx" : node.domain();
  return name + " (" + node.op_type() + ", domain '" + domain + "', opset " +
         std::to_string(opset) + ")";
}

//===----------------------------------------------------------------------===//
// NodeContext
//===----------------------------------------------------------------------===//

NodeContext::NodeContext(GraphImporter &importer, const onnx::NodeProto &node,
                         const OpSchema &schema, int64_t opset,
                         OpBuilder &builder, Location loc)
    : importer(importer), node(node), schema(schema), opset(opset),
      builder(builder), loc(loc) {}

bool NodeContext::hasInput(unsigned i) const {
  return i < unsigned(node.input_size()) && !node.input(i).empty();
}

Value NodeContext::getInput(unsigned i) const {
  assert(hasInput(i) && "input is not given");
  return importer.lookup(node.input(i));
}

RankedTensorType NodeContext::getInputType(unsigned i) const {
  return cast<RankedTensorType>(getInput(i).getType());
}

DenseElementsAttr NodeContext::getConstantInput(unsigned i) const {
  DenseElementsAttr value;
  if (!hasInput(i) || !matchPattern(getInput(i), m_Constant(&value)))
    return {};
  if (isa<quant::QuantizedType>(getInputType(i).getElementType()))
    return {};
  return value;
}

FailureOr<SmallVector<int64_t>>
NodeContext::getConstantInts(unsigned i, StringRef what) const {
  DenseElementsAttr value = getConstantInput(i);
  if (!value || !isa<IntegerType>(value.getElementType()))
    return emitError() << what << " (input " << i
                       << ") must be a constant integer tensor; computing it "
                          "at run time is not supported";
  SmallVector<int64_t> result;
  for (const APInt &v : value.getValues<APInt>())
    result.push_back(v.getSExtValue());
  return result;
}

FailureOr<float> NodeContext::getConstantScalar(unsigned i,
                                                StringRef what) const {
  DenseElementsAttr value = getConstantInput(i);
  if (!value || value.getNumElements() != 1 ||
      !isa<FloatType>(value.getElementType()))
    return emitError() << what << " (input " << i
                       << ") must be a constant float scalar";
  APFloat v = value.getValues<APFloat>()[0];
  bool lost;
  v.convert(APFloat::IEEEsingle(), APFloat::rmNearestTiesToEven, &lost);
  return v.convertToFloat();
}

void NodeContext::setOutput(unsigned i, Value value) {
  if (i < unsigned(node.output_size()) && !node.output(i).empty())
    importer.bind(node.output(i), value);
}

Value NodeContext::getOutput(unsigned i) const {
  if (i >= unsigned(node.output_size()) || node.output(i).empty())
    return {};
  return importer.lookup(node.output(i));
}

void NodeContext::setShapeElements(unsigned i, ShapeElements elements) {
  if (Value value = getOutput(i))
    importer.recordShapeElements(value, std::move(elements));
}

std::optional<ShapeElements> NodeContext::getShapeElements(unsigned i) const {
  if (!hasInput(i))
    return std::nullopt;
  if (const ShapeElements *known = importer.lookupShapeElements(getInput(i)))
    return *known;
  DenseElementsAttr value = getConstantInput(i);
  if (!value || !isa<IntegerType>(value.getElementType()) ||
      getInputType(i).getRank() > 1)
    return std::nullopt;
  ShapeElements elements;
  for (const APInt &v : value.getValues<APInt>())
    elements.push_back({v.getSExtValue(), Value(), 0});
  return elements;
}

const onnx::AttributeProto *NodeContext::findAttribute(StringRef name) const {
  for (const onnx::AttributeProto &attr : node.attribute())
    if (attr.name() == name)
      return &attr;
  return nullptr;
}

const AttrValue *NodeContext::findDefault(StringRef name) const {
  const AttrSpec *spec = schema.findAttribute(name);
  return spec && spec->defaultValue ? &*spec->defaultValue : nullptr;
}

bool NodeContext::hasAttribute(StringRef name) const {
  return findAttribute(name) || findDefault(name);
}

int64_t NodeContext::getInt(StringRef name) const {
  if (const onnx::AttributeProto *attr = findAttribute(name))
    return attr->i();
  return std::get<int64_t>(*findDefault(name));
}

float NodeContext::getFloat(StringRef name) const {
  if (const onnx::AttributeProto *attr = findAttribute(name))
    return attr->f();
  return std::get<float>(*findDefault(name));
}

std::string NodeContext::getString(StringRef name) const {
  if (const onnx::AttributeProto *attr = findAttribute(name))
    return attr->s();
  return std::get<std::string>(*findDefault(name));
}

SmallVector<int64_t> NodeContext::getInts(StringRef name) const {
  if (const onnx::AttributeProto *attr = findAttribute(name))
    return SmallVector<int64_t>(attr->ints().begin(), attr->ints().end());
  const auto &values = std::get<std::vector<int64_t>>(*findDefault(name));
  return SmallVector<int64_t>(values.begin(), values.end());
}

SmallVector<float> NodeContext::getFloats(StringRef name) const {
  if (const onnx::AttributeProto *attr = findAttribute(name))
    return SmallVector<float>(attr->floats().begin(), attr->floats().end());
  const auto &values = std::get<std::vector<float>>(*findDefault(name));
  return SmallVector<float>(values.begin(), values.end());
}

FailureOr<DenseElementsAttr> NodeContext::getTensor(StringRef name) const {
  const onnx::AttributeProto *attr = findAttribute(name);
  if (!attr)
    return emitError() << "has no attribute '" << name << "'";
  return convertTensor(attr->t(), importer.getBaseDir(), loc);
}

Value NodeContext::createConstant(DenseElementsAttr value) {
  return qnn::ConstantOp::create(
      builder, loc, cast<RankedTensorType>(value.getType()), value);
}

InFlightDiagnostic NodeContext::emitError() const {
  return mlir::emitError(loc) << describeNode(node, opset) << ": ";
}

FailureOr<int64_t> NodeContext::normalizeAxis(int64_t axis, int64_t rank,
                                              StringRef what) const {
  if (axis < -rank || axis >= rank)
    return emitError() << what << " " << axis << " is out of range for rank "
                       << rank;
  return axis < 0 ? axis + rank : axis;
}

//===----------------------------------------------------------------------===//
// GraphImporter
//===----------------------------------------------------------------------===//

GraphImporter::GraphImporter(
    ModuleOp module, StringRef sourceName, StringRef baseDir, int64_t opset,
    const std::map<std::string, std::vector<int64_t>> &inputShapes)
    : module(module),
      fileLoc(FileLineColLoc::get(module.getContext(), sourceName, 0, 0)),
      baseDir(baseDir.str()), opset(opset), inputShapes(inputShapes) {}

Location GraphImporter::getLoc(StringRef name) const {
  MLIRContext *context = fileLoc.getContext();
  return NameLoc::get(StringAttr::get(context, name), fileLoc);
}

FailureOr<Type>
GraphImporter::convertValueType(const onnx::ValueInfoProto &info) {
  Location loc = getLoc(info.name());
  if (!info.type().has_tensor_type())
    return emitError(loc) << "value '" << info.name()
                          << "' is not a tensor; only tensors are supported";
  const onnx::TypeProto::Tensor &tensor = info.type().tensor_type();
  FailureOr<Type> element =
      getElementType(tensor.elem_type(), module.getContext());
  if (failed(element))
    return emitError(loc) << "value '" << info.name() << "' has data type "
                          << getDataTypeName(tensor.elem_type())
                          << ", which is not supported";
  if (!tensor.has_shape())
    return emitError(loc) << "value '" << info.name()
                          << "' has no shape; its rank must be known";
  SmallVector<int64_t> shape;
  for (const onnx::TensorShapeProto::Dimension &dim : tensor.shape().dim())
    shape.push_back(dim.has_dim_value() && dim.dim_value() >= 0
                        ? dim.dim_value()
                        : ShapedType::kDynamic);
  return Type(RankedTensorType::get(shape, *element));
}

LogicalResult
GraphImporter::sortNodes(const onnx::GraphProto &graph,
                         SmallVectorImpl<const onnx::NodeProto *> &order) {
  // Kahn's algorithm over value names.
  llvm::StringMap<SmallVector<unsigned>> consumers;
  llvm::StringMap<unsigned> producer;
  SmallVector<unsigned> missing(graph.node_size(), 0);
  for (int i = 0, e = graph.node_size(); i < e; ++i) {
    const onnx::NodeProto &node = graph.node(i);
    for (const std::string &output : node.output()) {
      if (output.empty())
        continue;
      if (lookup(output) || !producer.try_emplace(output, i).second)
        return emitError(getLoc(node.name()))
               << describeNode(node, opset) << ": output '" << output
               << "' is already defined";
    }
  }
  for (int i = 0, e = graph.node_size(); i < e; ++i) {
    const onnx::NodeProto &node = graph.node(i);
    llvm::StringSet<> seen;
    for (const std::string &input : node.input()) {
      if (input.empty() || lookup(input) || !seen.insert(input).second)
        continue;
      if (!producer.count(input))
        return emitError(getLoc(node.name()))
               << describeNode(node, opset) << ": input '" << input
               << "' is not a graph input, an initializer or a node output";
      consumers[input].push_back(i);
      ++missing[i];
    }
  }
  SmallVector<unsigned> ready;
  for (int i = graph.node_size() - 1; i >= 0; --i)
    if (missing[i] == 0)
      ready.push_back(i);
  while (!ready.empty()) {
    unsigned i = ready.pop_back_val();
    order.push_back(&graph.node(i));
    for (const std::string &output : graph.node(i).output())
      for (unsigned consumer : consumers.lookup(output))
        if (--missing[consumer] == 0)
          ready.push_back(consumer);
  }
  if (order.size() == size_t(graph.node_size()))
    return success();
  for (int i = 0, e = graph.node_size(); i < e; ++i)
    if (missing[i] != 0)
      return emitError(getLoc(graph.node(i).name()))
             << describeNode(graph.node(i), opset)
             << ": the graph has a cycle through this node";
  llvm_unreachable("unsorted node without missing inputs");
}

LogicalResult GraphImporter::checkAttributes(const onnx::NodeProto &node,
                                             const OpSchema &schema,
                                             Location loc) {
  for (const onnx::AttributeProto &attr : node.attribute()) {
    const AttrSpec *spec = schema.findAttribute(attr.name());
    if (!spec)
      return emitError(loc)
             << describeNode(node, opset) << ": attribute '" << attr.name()
             << "' is not part of " << node.op_type() << " in opset "
             << schema.sinceVersion << " or later, or is not supported";
    static const onnx::AttributeProto::AttributeType kinds[] = {
        onnx::AttributeProto::INT,    onnx::AttributeProto::FLOAT,
        onnx::AttributeProto::STRING, onnx::AttributeProto::INTS,
        onnx::AttributeProto::FLOATS, onnx::AttributeProto::TENSOR};
    auto expected = kinds[static_cast<int>(spec->kind)];
    if (attr.type() != onnx::AttributeProto::UNDEFINED &&
        attr.type() != expected)
      return emitError(loc)
             << describeNode(node, opset) << ": attribute '" << attr.name()
             << "' is " << onnx::AttributeProto::AttributeType_Name(attr.type())
             << " but must be "
             << onnx::AttributeProto::AttributeType_Name(expected);
  }
  for (const AttrSpec &spec : schema.attributes)
    if (spec.required &&
        llvm::none_of(node.attribute(), [&](const onnx::AttributeProto &a) {
          return a.name() == spec.name;
        }))
      return emitError(loc) << describeNode(node, opset) << ": attribute '"
                            << spec.name << "' is required";
  return success();
}

LogicalResult GraphImporter::importNode(const onnx::NodeProto &node,
                                        OpBuilder &builder) {
  Location loc = getLoc(getNodeLocName(node));
  if (!node.domain().empty() && node.domain() != "ai.onnx")
    return emitError(loc) << describeNode(node, opset)
                          << ": the domain is not supported";

  const OpSchema *schema = lookupSchema(node.op_type(), opset);
  if (!schema) {
    std::optional<int64_t> first = getFirstSupportedVersion(node.op_type());
    if (first && *first > opset)
      return emitError(loc)
             << describeNode(node, opset) << ": " << node.op_type()
             << " is supported from opset " << *first;
    return emitError(loc) << describeNode(node, opset)
                          << ": the op is not supported";
  }

  unsigned numInputs = node.input_size();
  if (numInputs < schema->minInputs || numInputs > schema->maxInputs) {
    auto diag = emitError(loc) << describeNode(node, opset) << ": has "
                               << numInputs << " inputs, expected ";
    if (schema->maxInputs == kVariadic)
      return diag << "at least " << schema->minInputs;
    if (schema->minInputs == schema->maxInputs)
      return diag << schema->minInputs;
    return diag << schema->minInputs << " to " << schema->maxInputs;
  }
  // Required inputs, and every input of a variadic op, may not be omitted.
  unsigned required =
      schema->maxInputs == kVariadic ? numInputs : schema->minInputs;
  for (unsigned i = 0; i < required; ++i)
    if (node.input(i).empty())
      return emitError(loc)
             << describeNode(node, opset) << ": input " << i << " is required";
  if (failed(checkAttributes(node, *schema, loc)))
    return failure();

  // Verify what the converter built at once, so that a broken node is
  // reported as that node.
  Block *block = builder.getInsertionBlock();
  Operation *last = block->empty() ? nullptr : &block->back();
  NodeContext context(*this, node, *schema, opset, builder, loc);
  if (failed(schema->convert(context)))
    return failure();
  propagateShapeElements(context);
  auto created =
      last ? llvm::make_range(std::next(last->getIterator()), block->end())
           : llvm::make_range(block->begin(), block->end());
  for (Operation &op : created)
    if (failed(verify(&op)))
      return emitError(loc) << describeNode(node, opset)
                            << ": the node's inputs do not fit the op";
  for (const std::string &output : node.output())
    if (!output.empty() && !lookup(output))
      return emitError(loc) << describeNode(node, opset) << ": output '"
                            << output << "' is not supported";
  return success();
}

/// The ONNX integer type that holds the stored integers of `type`'s
/// elements (ui8 for u8, signless i8 for i8), or the element type itself.
static Type getStoredElementType(RankedTensorType type) {
  auto quantized = dyn_cast<quant::QuantizedType>(type.getElementType());
  if (!quantized)
    return type.getElementType();
  return IntegerType::get(
      type.getContext(), quantized.getStorageTypeIntegralWidth(),
      quantized.isSigned() ? IntegerType::Signless : IntegerType::Unsigned);
}

/// Checks a computed result type against the type the model declares. A
/// quantized result is declared as the integer type of its stored integers.
static LogicalResult checkDeclaredType(Location loc, StringRef name,
                                       RankedTensorType computed,
                                       Type declared) {
  auto declaredTensor = cast<RankedTensorType>(declared);
  if (declaredTensor.getElementType() != getStoredElementType(computed) ||
      !qnn::areCompatibleShapes(declaredTensor.getShape(), computed.getShape()))
    return emitError(loc) << "output '" << name << "' is declared as "
                          << declared << " but computes " << computed;
  return success();
}

LogicalResult GraphImporter::importGraph(const onnx::GraphProto &graph,
                                         StringRef name) {
  MLIRContext *context = module.getContext();
  OpBuilder builder(context);
  builder.setInsertionPointToEnd(module.getBody());
  auto func = func::FuncOp::create(builder, getLoc(graph.name()), name,
                                   FunctionType::get(context, {}, {}));
  Block *body = func.addEntryBlock();
  builder.setInsertionPointToStart(body);

  for (const onnx::TensorProto &tensor : graph.initializer()) {
    FailureOr<DenseElementsAttr> value =
        convertTensor(tensor, baseDir, getLoc(tensor.name()));
    if (failed(value))
      return failure();
    bind(tensor.name(), qnn::ConstantOp::create(
                            builder, getLoc(tensor.name()),
                            cast<RankedTensorType>(value->getType()), *value));
  }

  SmallVector<Type> argTypes;
  for (const onnx::ValueInfoProto &input : graph.input()) {
    // Before IR version 4 initializers are listed as inputs too; they stay
    // constants. An input listed twice is an error.
    if (Value known = lookup(input.name())) {
      if (isa<BlockArgument>(known))
        return emitError(getLoc(input.name()))
               << "input '" << input.name() << "' is listed twice";
      continue;
    }
    FailureOr<Type> type = convertValueType(input);
    if (failed(type))
      return failure();
    if (auto it = inputShapes.find(input.name()); it != inputShapes.end()) {
      auto declared = cast<RankedTensorType>(*type);
      if (!qnn::areCompatibleShapes(declared.getShape(), it->second))
        return emitError(getLoc(input.name()))
               << "input '" << input.name() << "' is declared as "
               << qnn::formatShape(declared.getShape())
               << " and cannot take the shape " << qnn::formatShape(it->second);
      type = Type(declared.clone(it->second));
    }
    argTypes.push_back(*type);
    bind(input.name(), body->addArgument(*type, getLoc(input.name())));
  }

  for (const auto &[name, shape] : inputShapes)
    if (!lookup(name) || isa<OpResult>(lookup(name)))
      return emitError(fileLoc)
             << "the model has no input '" << name << "' to give a shape";

  SmallVector<const onnx::NodeProto *> order;
  if (failed(sortNodes(graph, order)))
    return failure();
  for (const onnx::NodeProto *node : order)
    if (failed(importNode(*node, builder)))
      return failure();

  SmallVector<Value> results;
  for (const onnx::ValueInfoProto &output : graph.output()) {
    Value value = lookup(output.name());
    Location loc = getLoc(output.name());
    if (!value)
      return emitError(loc)
             << "output '" << output.name() << "' is not computed by the graph";
    if (output.type().has_tensor_type() &&
        output.type().tensor_type().has_shape()) {
      FailureOr<Type> declared = convertValueType(output);
      if (failed(declared) ||
          failed(checkDeclaredType(loc, output.name(),
                                   cast<RankedTensorType>(value.getType()),
                                   *declared)))
        return failure();
    } else if (output.type().has_tensor_type() &&
               output.type().tensor_type().elem_type() != 0) {
      // A declared element type without a shape is still checked.
      FailureOr<Type> declared = getElementType(
          output.type().tensor_type().elem_type(), module.getContext());
      Type computed = cast<RankedTensorType>(value.getType()).getElementType();
      if (succeeded(declared) && *declared != computed)
        return emitError(loc)
               << "output '" << output.name() << "' is declared with elements "
               << *declared << " but computes " << value.getType();
    }
    results.push_back(value);
  }
  func::ReturnOp::create(builder, getLoc(graph.name()), results);
  func.setFunctionType(
      FunctionType::get(context, argTypes, ValueRange(results).getTypes()));
  // Keep the ONNX names of inputs and outputs for the compiled model's API.
  unsigned argIndex = 0;
  for (const onnx::ValueInfoProto &input : graph.input())
    if (isa<BlockArgument>(lookup(input.name())))
      func.setArgAttr(argIndex++, "qnn.name",
                      StringAttr::get(context, input.name()));
  for (auto [i, output] : llvm::enumerate(graph.output()))
    func.setResultAttr(i, "qnn.name", StringAttr::get(context, output.name()));

  // Values only used to compute shapes at import are left unused; users
  // come after their operands, so one backward sweep removes whole chains.
  for (Operation &op : llvm::make_early_inc_range(llvm::reverse(*body)))
    if (isOpTriviallyDead(&op))
      op.erase();
  return success();
}
