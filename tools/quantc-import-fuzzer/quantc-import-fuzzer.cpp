//===- quantc-import-fuzzer.cpp - libFuzzer target for the importer ------===//
//
// Feeds arbitrary bytes to the ONNX importer as a model. Every input must
// end in a module or in diagnostics, never in a crash, a hang or a
// sanitizer report. External data is looked up in a folder that does not
// exist, so the fuzzer reads no files.
//
//===----------------------------------------------------------------------===//

#include "quantc/Import/ONNX/ONNXImporter.h"
#include "quantc/Tools/Registration.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  mlir::DialectRegistry registry;
  quantc::registerQuantcDialects(registry);
  mlir::MLIRContext context(registry);
  context.disableMultithreading();
  mlir::ScopedDiagnosticHandler quiet(
      &context, [](mlir::Diagnostic &) { return mlir::success(); });
  (void)quantc::importONNXBuffer(
      llvm::StringRef(reinterpret_cast<const char *>(data), size), "fuzz.onnx",
      "/nonexistent-quantc-fuzz-dir", &context);
  return 0;
}
