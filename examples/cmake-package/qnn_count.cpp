//===- qnn_count.cpp - A tool built on an installed quantc
//------------------===//
//
// Parses a qnn program with the dialects quantc's tools register, runs
// canonicalization (which folds qnn's constant quantizations), and prints
// how many ops of each name the program has before and after.
//
// Usage: qnn-count FILE.mlir
//
//===----------------------------------------------------------------------===//

#include "quantc/Tools/Registration.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/raw_ostream.h"

#include <map>
#include <string>

static std::map<std::string, int> countOps(mlir::ModuleOp module) {
  std::map<std::string, int> counts;
  module.walk([&](mlir::Operation *op) {
    if (op != module.getOperation())
      ++counts[op->getName().getStringRef().str()];
  });
  return counts;
}

static void print(llvm::StringRef title,
                  const std::map<std::string, int> &counts) {
  llvm::outs() << title << ":";
  for (const auto &[name, count] : counts)
    llvm::outs() << " " << name << "=" << count;
  llvm::outs() << "\n";
}

int main(int argc, char **argv) {
  if (argc != 2) {
    llvm::errs() << "usage: qnn-count FILE.mlir\n";
    return 2;
  }
  mlir::DialectRegistry registry;
  quantc::registerQuantcDialects(registry);
  mlir::MLIRContext context(registry);
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceFile<mlir::ModuleOp>(argv[1], &context);
  if (!module)
    return 1;
  print("parsed", countOps(*module));
  mlir::PassManager pm(&context);
  pm.addPass(mlir::createCanonicalizerPass());
  if (mlir::failed(pm.run(*module)))
    return 1;
  print("canonicalized", countOps(*module));
  return 0;
}
