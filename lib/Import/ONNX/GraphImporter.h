//===- GraphImporter.h - Convert an ONNX graph into a function --*- C++ -*-===//
//
// The GraphImporter walks an ONNX graph in dependence order and converts
// each node through the op table. Converters see a node through a
// NodeContext: its inputs as values (constants as qnn.constant, so that qnn
// folders evaluate shape computations at import), its attributes with the
// defaults of its opset, and an error stream that names the node.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_LIB_IMPORT_ONNX_GRAPHIMPORTER_H
#define QUANTC_LIB_IMPORT_ONNX_GRAPHIMPORTER_H

#include "OpTable.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/StringMap.h"

#include "onnx/onnx_pb.h"

namespace quantc::onnx_import {

class GraphImporter;

/// One element of a small integer tensor that holds sizes: a constant, or
/// the size of dimension `dim` of `of`, only known at run time. The
/// importer tracks these through the ops that compute shapes (Shape,
/// Slice, Concat, Gather, Cast, Squeeze, Unsqueeze, Identity), so that a
/// Reshape to a computed shape still gets a result type, with the sizes it
/// can know.
struct ShapeElement {
  int64_t value = 0;
  mlir::Value of;
  int64_t dim = 0;
  bool isConstant() const { return !of; }
};
using ShapeElements = llvm::SmallVector<ShapeElement>;

/// What a converter sees of the node it converts.
class NodeContext {
public:
  NodeContext(GraphImporter &importer, const onnx::NodeProto &node,
              const OpSchema &schema, int64_t opset, mlir::OpBuilder &builder,
              mlir::Location loc);

  const onnx::NodeProto &getNode() const { return node; }
  int64_t getOpset() const { return opset; }
  mlir::OpBuilder &getBuilder() { return builder; }
  mlir::Location getLoc() const { return loc; }
  mlir::MLIRContext *getContext() const { return loc.getContext(); }

  //===--------------------------------------------------------------------===//
  // Inputs and outputs
  //===--------------------------------------------------------------------===//

  /// The number of input slots, including empty (omitted) ones.
  unsigned getNumInputs() const { return node.input_size(); }
  /// Whether input `i` is given (present and not an empty name).
  bool hasInput(unsigned i) const;
  mlir::Value getInput(unsigned i) const;
  mlir::RankedTensorType getInputType(unsigned i) const;
  /// The value of input `i` if it is a constant, else null.
  mlir::DenseElementsAttr getConstantInput(unsigned i) const;
  /// The integers of constant input `i`, or an error naming `what`.
  mlir::FailureOr<llvm::SmallVector<int64_t>>
  getConstantInts(unsigned i, llvm::StringRef what) const;
  /// The single float of constant input `i`, or an error naming `what`.
  mlir::FailureOr<float> getConstantScalar(unsigned i,
                                           llvm::StringRef what) const;

  /// The elements of input `i` as sizes, if it is a 0-D or 1-D integer
  /// tensor that is constant or computed from shapes (see ShapeElement).
  std::optional<ShapeElements> getShapeElements(unsigned i) const;

  unsigned getNumOutputs() const { return node.output_size(); }
  /// Binds output `i` to `value`; an omitted output is ignored.
  void setOutput(unsigned i, mlir::Value value);
  /// The value bound to output `i`, or null.
  mlir::Value getOutput(unsigned i) const;
  /// Records what output `i` holds as sizes.
  void setShapeElements(unsigned i, ShapeElements elements);

  //===--------------------------------------------------------------------===//
  // Attributes, with the defaults of the node's opset
  //===--------------------------------------------------------------------===//

  /// Whether the attribute is set on the node or has a default.
  bool hasAttribute(llvm::StringRef name) const;
  int64_t getInt(llvm::StringRef name) const;
  float getFloat(llvm::StringRef name) const;
  std::string getString(llvm::StringRef name) const;
  llvm::SmallVector<int64_t> getInts(llvm::StringRef name) const;
  llvm::SmallVector<float> getFloats(llvm::StringRef name) const;
  /// The tensor attribute `name` (only set on the node; no defaults).
  mlir::FailureOr<mlir::DenseElementsAttr>
  getTensor(llvm::StringRef name) const;

  //===--------------------------------------------------------------------===//
  // Building and reporting
  //===--------------------------------------------------------------------===//

  /// Creates an op at the node's location, folding it when its operands
  /// are constants.
  template <typename OpTy, typename... Args>
  mlir::Value create(Args &&...args) {
    return builder.createOrFold<OpTy>(loc, std::forward<Args>(args)...);
  }

  /// A qnn.constant holding `value`.
  mlir::Value createConstant(mlir::DenseElementsAttr value);

  /// An error located at the node, starting with its name, op type, domain
  /// and opset.
  mlir::InFlightDiagnostic emitError() const;

  /// Normalizes a possibly negative ONNX axis for a tensor of rank `rank`,
  /// or reports the attribute or input `what` as out of range.
  mlir::FailureOr<int64_t> normalizeAxis(int64_t axis, int64_t rank,
                                         llvm::StringRef what) const;

private:
  const onnx::AttributeProto *findAttribute(llvm::StringRef name) const;
  const AttrValue *findDefault(llvm::StringRef name) const;

  GraphImporter &importer;
  const onnx::NodeProto &node;
  const OpSchema &schema;
  int64_t opset;
  mlir::OpBuilder &builder;
  mlir::Location loc;
};

/// Converts one ONNX graph into the body of a function.
class GraphImporter {
public:
  GraphImporter(mlir::ModuleOp module, llvm::StringRef sourceName,
                llvm::StringRef baseDir, int64_t opset,
                const std::map<std::string, std::vector<int64_t>> &inputShapes);

  /// Builds the function `name` computing `graph`.
  mlir::LogicalResult importGraph(const onnx::GraphProto &graph,
                                  llvm::StringRef name);

  /// The value bound to an ONNX value name, or null.
  mlir::Value lookup(llvm::StringRef name) const { return values.lookup(name); }
  void bind(llvm::StringRef name, mlir::Value value) { values[name] = value; }

  /// The sizes `value` is known to hold (see ShapeElement), or null.
  const ShapeElements *lookupShapeElements(mlir::Value value) const {
    auto it = shapeElements.find(value);
    return it == shapeElements.end() ? nullptr : &it->second;
  }
  void recordShapeElements(mlir::Value value, ShapeElements elements) {
    shapeElements[value] = std::move(elements);
  }

  llvm::StringRef getBaseDir() const { return baseDir; }
  /// The location of a named ONNX entity (node, value) in the model file.
  mlir::Location getLoc(llvm::StringRef name) const;

private:
  mlir::FailureOr<mlir::Type>
  convertValueType(const onnx::ValueInfoProto &info);
  mlir::LogicalResult
  sortNodes(const onnx::GraphProto &graph,
            llvm::SmallVectorImpl<const onnx::NodeProto *> &order);
  mlir::LogicalResult importNode(const onnx::NodeProto &node,
                                 mlir::OpBuilder &builder);
  mlir::LogicalResult checkAttributes(const onnx::NodeProto &node,
                                      const OpSchema &schema,
                                      mlir::Location loc);

  mlir::ModuleOp module;
  /// The model file, where every entity's location points.
  mlir::FileLineColLoc fileLoc;
  std::string baseDir;
  int64_t opset;
  const std::map<std::string, std::vector<int64_t>> &inputShapes;
  llvm::StringMap<mlir::Value> values;
  llvm::DenseMap<mlir::Value, ShapeElements> shapeElements;
};

/// Records the sizes that the outputs of the node in `ctx` hold, when it is
/// one of the ops that compute shapes and its inputs hold sizes.
void propagateShapeElements(NodeContext &ctx);

/// A short description of a node for diagnostics:
/// `node 'conv1' (Conv, domain 'ai.onnx', opset 13)`.
std::string describeNode(const onnx::NodeProto &node, int64_t opset);

} // namespace quantc::onnx_import

#endif // QUANTC_LIB_IMPORT_ONNX_GRAPHIMPORTER_H
