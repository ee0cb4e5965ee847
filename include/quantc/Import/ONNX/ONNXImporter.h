//===- ONNXImporter.h - Import ONNX models as qnn ---------------*- C++ -*-===//
//
// Reads an ONNX model (protobuf, with optional external data files) and
// builds a module holding one `func.func` of qnn ops that computes the
// model's main graph. Every problem is reported through MLIR's diagnostics,
// located at the ONNX node and naming it, and makes the import fail; the
// importer never drops an op it does not understand.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_IMPORT_ONNX_ONNXIMPORTER_H
#define QUANTC_IMPORT_ONNX_ONNXIMPORTER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/StringRef.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace onnx {
class ModelProto;
class NodeProto;
} // namespace onnx

namespace quantc {

/// The opset range of the default ONNX domain the importer accepts.
constexpr int64_t kMinOnnxOpset = 7;
constexpr int64_t kMaxOnnxOpset = 21;

struct ONNXImportOptions {
  /// Name of the function that computes the graph.
  std::string functionName = "main";
  /// Shapes that replace the declared shapes of graph inputs, by input name:
  /// symbolic dimensions become static. A given size must agree with a
  /// static size the model declares.
  std::map<std::string, std::vector<int64_t>> inputShapes;
};

/// Imports the ONNX model in the file at `path`. External data files are
/// looked up relative to the model's folder.
mlir::FailureOr<mlir::OwningOpRef<mlir::ModuleOp>>
importONNXFile(llvm::StringRef path, mlir::MLIRContext *context,
               const ONNXImportOptions &options = {});

/// Imports a serialized ONNX model held in memory. External data files are
/// looked up in `baseDir`; `sourceName` names the model in diagnostics.
mlir::FailureOr<mlir::OwningOpRef<mlir::ModuleOp>>
importONNXBuffer(llvm::StringRef buffer, llvm::StringRef sourceName,
                 llvm::StringRef baseDir, mlir::MLIRContext *context,
                 const ONNXImportOptions &options = {});

/// Parses a serialized ONNX model into `model`; a protobuf that does not
/// parse is reported at `loc`.
mlir::LogicalResult parseONNXModel(llvm::StringRef buffer, mlir::Location loc,
                                   onnx::ModelProto &model);

/// The name the importer puts in the location of the ops it imports from
/// `node`: the node's name or, for an unnamed node, its first output's.
std::string getNodeLocName(const onnx::NodeProto &node);

/// The opset of the default ONNX domain that `model` imports, if any.
std::optional<int64_t> getDefaultOpset(const onnx::ModelProto &model);

/// An op type the importer converts, with the opsets in which its
/// definition changed (each version holds until the next).
struct SupportedONNXOp {
  std::string opType;
  std::vector<int64_t> versions;
};

/// Every op type of the default ONNX domain the importer converts, sorted.
std::vector<SupportedONNXOp> getSupportedONNXOps();

} // namespace quantc

#endif // QUANTC_IMPORT_ONNX_ONNXIMPORTER_H
