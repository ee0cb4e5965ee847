//===- quant-opt.cpp - The quantc optimizer driver -----------------------===//
//
// The mlir-opt of quantc: parses qnn programs, runs quantc's and upstream's
// generic passes on them and prints the result. It registers only the
// dialects qnn programs use.
//
//===----------------------------------------------------------------------===//

#include "quantc/Tools/Registration.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "mlir/Transforms/Passes.h"

int main(int argc, char **argv) {
  mlir::registerTransformsPasses();
  quantc::registerQuantcPasses();

  mlir::DialectRegistry registry;
  quantc::registerQuantcDialects(registry);
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "quantc optimizer driver\n", registry));
}
