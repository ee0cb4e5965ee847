//===- ONNXImporter.cpp - Import ONNX models as qnn ----------------------===//
//
// Parses the ModelProto, checks its IR version and opset imports, and hands
// the main graph to the GraphImporter. Models over protobuf's default 64 MiB
// message limit parse too: the limit is raised to protobuf's maximum (2 GiB);
// larger weights belong in external data files.
//
//===----------------------------------------------------------------------===//

#include "quantc/Import/ONNX/ONNXImporter.h"

#include "GraphImporter.h"

#include "quantc/Dialect/QNN/IR/QNNDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Verifier.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <google/protobuf/io/coded_stream.h>

#include <climits>

using namespace mlir;
using namespace quantc;
using namespace quantc::onnx_import;

/// IR versions whose ModelProto the importer reads: 3 (opset 7) to 10
/// (opset 21).
constexpr int64_t kMinIrVersion = 3;
constexpr int64_t kMaxIrVersion = 10;

LogicalResult quantc::parseONNXModel(StringRef buffer, Location loc,
                                     onnx::ModelProto &model) {
  google::protobuf::io::CodedInputStream stream(
      reinterpret_cast<const uint8_t *>(buffer.data()), buffer.size());
  stream.SetTotalBytesLimit(INT_MAX);
  if (!model.ParseFromCodedStream(&stream) || !stream.ConsumedEntireMessage())
    return emitError(loc) << "not a valid ONNX model: the protobuf does not "
                             "parse (truncated or not an ONNX file)";
  return success();
}

std::string quantc::getNodeLocName(const onnx::NodeProto &node) {
  return node.name().empty() && node.output_size() ? node.output(0)
                                                   : node.name();
}

std::optional<int64_t> quantc::getDefaultOpset(const onnx::ModelProto &model) {
  std::optional<int64_t> opset;
  for (const onnx::OperatorSetIdProto &import : model.opset_import())
    if (import.domain().empty() || import.domain() == "ai.onnx")
      opset = import.version();
  return opset;
}

FailureOr<OwningOpRef<ModuleOp>>
quantc::importONNXBuffer(StringRef buffer, StringRef sourceName,
                         StringRef baseDir, MLIRContext *context,
                         const ONNXImportOptions &options) {
  context->loadDialect<qnn::QNNDialect, func::FuncDialect>();
  Location fileLoc = FileLineColLoc::get(context, sourceName, 0, 0);

  onnx::ModelProto model;
  if (failed(parseONNXModel(buffer, fileLoc, model)))
    return failure();

  if (!model.has_ir_version() || model.ir_version() < kMinIrVersion ||
      model.ir_version() > kMaxIrVersion)
    return emitError(fileLoc) << "the model's IR version " << model.ir_version()
                              << " is outside the supported range "
                              << kMinIrVersion << " to " << kMaxIrVersion;

  std::optional<int64_t> opset = getDefaultOpset(model);
  if (!opset)
    return emitError(fileLoc)
           << "the model imports no opset of the default ONNX domain";
  if (*opset < kMinOnnxOpset || *opset > kMaxOnnxOpset)
    return emitError(fileLoc) << "the model uses opset " << *opset
                              << " of the default ONNX domain; supported are "
                              << kMinOnnxOpset << " to " << kMaxOnnxOpset;
  if (!model.has_graph())
    return emitError(fileLoc) << "the model has no graph";

  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc);
  GraphImporter importer(*module, sourceName, baseDir, *opset,
                         options.inputShapes);
  if (failed(importer.importGraph(model.graph(), options.functionName)))
    return failure();
  if (failed(verify(*module)))
    return failure();
  return module;
}

FailureOr<OwningOpRef<ModuleOp>>
quantc::importONNXFile(StringRef path, MLIRContext *context,
                       const ONNXImportOptions &options) {
  auto file = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                          /*RequiresNullTerminator=*/false);
  if (!file)
    return emitError(FileLineColLoc::get(context, path, 0, 0))
           << "cannot read the model: " << file.getError().message();
  return importONNXBuffer((*file)->getBuffer(), path,
                          llvm::sys::path::parent_path(path), context, options);
}
