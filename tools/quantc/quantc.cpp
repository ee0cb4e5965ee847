//===- quantc.cpp - The quantc compiler driver ---------------------------===//
//
// `quantc import MODEL.onnx [-o OUT.mlir]` imports an ONNX model and prints
// it as qnn; `quantc list-ops` lists the ONNX ops it converts. Diagnostics
// name the model file and, for a node's problem, the node; a failed run
// writes no output file.
//
//===----------------------------------------------------------------------===//

#include "quantc/Import/ONNX/ONNXImporter.h"
#include "quantc/Tools/Registration.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace llvm;

static cl::SubCommand importCommand("import",
                                    "Import an ONNX model and print it as qnn");

static cl::SubCommand listOpsCommand(
    "list-ops", "List the ONNX ops the importer converts, with the opsets in "
                "which their definitions changed");

static cl::opt<std::string> inputPath(cl::Positional, cl::desc("<model.onnx>"),
                                      cl::Required, cl::sub(importCommand));
static cl::opt<std::string> outputPath("o", cl::desc("Output file"),
                                       cl::value_desc("file"), cl::init("-"),
                                       cl::sub(importCommand));
static cl::list<std::string>
    inputShapes("input-shape",
                cl::desc("Give graph input NAME the static shape D0,D1,... "
                         "(repeatable)"),
                cl::value_desc("NAME=D0,D1,..."), cl::sub(importCommand));

/// Parses the --input-shape options into `shapes`.
static LogicalResult
parseInputShapes(std::map<std::string, std::vector<int64_t>> &shapes) {
  for (StringRef option : inputShapes) {
    auto [name, dims] = option.split('=');
    std::vector<int64_t> shape;
    SmallVector<StringRef> parts;
    if (!dims.empty())
      dims.split(parts, ',');
    bool ok = !name.empty() && option.contains('=');
    for (StringRef part : parts) {
      int64_t size;
      ok = ok && !part.trim().getAsInteger(10, size) && size >= 0;
      shape.push_back(ok ? size : 0);
    }
    if (!ok) {
      errs() << "quantc: error: --input-shape '" << option
             << "' is not NAME=D0,D1,... with sizes of 0 or more\n";
      return failure();
    }
    shapes[name.str()] = shape;
  }
  return success();
}

/// The file name behind a location, looking through names and fusions.
static std::string getFileName(Location loc) {
  if (auto file = dyn_cast<FileLineColLoc>(loc))
    return file.getFilename().str();
  if (auto name = dyn_cast<NameLoc>(loc))
    return getFileName(name.getChildLoc());
  if (auto fused = dyn_cast<FusedLoc>(loc))
    for (Location inner : fused.getLocations())
      if (std::string file = getFileName(inner); !file.empty())
        return file;
  return "";
}

/// Prints `FILE: error: message`: ONNX models have no lines to point at, and
/// the message names the node.
static LogicalResult printDiagnostic(Diagnostic &diag) {
  std::string file = getFileName(diag.getLocation());
  raw_ostream &os = errs();
  if (!file.empty())
    os << file << ": ";
  switch (diag.getSeverity()) {
  case DiagnosticSeverity::Error:
    WithColor(os, HighlightColor::Error) << "error: ";
    break;
  case DiagnosticSeverity::Warning:
    WithColor(os, HighlightColor::Warning) << "warning: ";
    break;
  default:
    WithColor(os, HighlightColor::Note) << "note: ";
    break;
  }
  os << diag << "\n";
  for (Diagnostic &note : diag.getNotes())
    os << "  note: " << note << "\n";
  return success();
}

static int runImport(MLIRContext &context) {
  quantc::ONNXImportOptions options;
  if (failed(parseInputShapes(options.inputShapes)))
    return 1;
  FailureOr<OwningOpRef<ModuleOp>> module =
      quantc::importONNXFile(inputPath, &context, options);
  if (failed(module))
    return 1;
  std::string error;
  std::unique_ptr<ToolOutputFile> output = openOutputFile(outputPath, &error);
  if (!output) {
    errs() << outputPath << ": error: " << error << "\n";
    return 1;
  }
  (*module)->print(output->os());
  output->os() << "\n";
  if (output->os().has_error()) {
    errs() << outputPath << ": error: cannot write the output\n";
    output->os().clear_error();
    return 1;
  }
  output->keep();
  return 0;
}

static int runListOps() {
  for (const quantc::SupportedONNXOp &op : quantc::getSupportedONNXOps()) {
    outs() << op.opType << ":";
    for (int64_t version : op.versions)
      outs() << " " << version;
    outs() << "\n";
  }
  return 0;
}

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  // --mlir-print-debuginfo and the other printer flags; locations name the
  // ONNX node each op came from.
  registerAsmPrinterCLOptions();
  cl::ParseCommandLineOptions(argc, argv, "quantc: the quantc compiler\n");

  DialectRegistry registry;
  quantc::registerQuantcDialects(registry);
  MLIRContext context(registry);
  context.getDiagEngine().registerHandler(printDiagnostic);
  // The message names the node; a dump of the half-built op does not help.
  context.printOpOnDiagnostic(false);

  if (importCommand)
    return runImport(context);
  if (listOpsCommand)
    return runListOps();
  errs() << "quantc: error: name a command; see quantc --help\n";
  return 1;
}
