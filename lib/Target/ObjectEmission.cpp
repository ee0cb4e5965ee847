//===- ObjectEmission.cpp - LLVM IR and object code ----------------------===//
//
// MLIR's LLVM dialect translation, LLVM's new pass manager at O3 (or Os), and
// the target machine's object emitter. Objects are position independent: they
// end up in shared libraries.
//
//===----------------------------------------------------------------------===//

#include "quantc/Target/ObjectEmission.h"

#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/SubtargetFeature.h"

using namespace mlir;
using namespace quantc;

FailureOr<std::unique_ptr<llvm::Module>>
quantc::translateToLLVMIR(ModuleOp module, llvm::LLVMContext &context) {
  DialectRegistry registry;
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
  module->getContext()->appendDialectRegistry(registry);
  std::unique_ptr<llvm::Module> llvmModule =
      translateModuleToLLVMIR(module, context);
  if (!llvmModule)
    return module.emitError("cannot translate the module to LLVM IR");
  return llvmModule;
}

/// The target machine for `target`, or null with `error` set.
static std::unique_ptr<llvm::TargetMachine>
createTargetMachine(const TargetSpec &target, std::string &error) {
  llvm::InitializeAllTargetInfos();
  llvm::InitializeAllTargets();
  llvm::InitializeAllTargetMCs();
  llvm::InitializeAllAsmPrinters();
  llvm::Triple triple(target.triple.empty()
                          ? llvm::sys::getDefaultTargetTriple()
                          : target.triple);
  const llvm::Target *llvmTarget =
      llvm::TargetRegistry::lookupTarget(triple, error);
  if (!llvmTarget)
    return nullptr;
  std::string cpu = target.cpu, features = target.features;
  if (cpu == "native") {
    cpu = llvm::sys::getHostCPUName().str();
    llvm::SubtargetFeatures hostFeatures;
    for (const auto &[feature, enabled] : llvm::sys::getHostCPUFeatures())
      hostFeatures.AddFeature(feature, enabled);
    features = hostFeatures.getString();
  }
  return std::unique_ptr<llvm::TargetMachine>(llvmTarget->createTargetMachine(
      triple, cpu, features, llvm::TargetOptions(), llvm::Reloc::PIC_,
      std::nullopt, llvm::CodeGenOptLevel::Aggressive));
}

/// Runs LLVM's O3 module pipeline for `machine`, or Os for `optimizeSize`.
static void runOptimizer(llvm::Module &module, llvm::TargetMachine &machine,
                         bool optimizeSize) {
  module.setDataLayout(machine.createDataLayout());
  module.setTargetTriple(machine.getTargetTriple());
  // The model's loops (quantization epilogues, activations) vectorize at
  // the full width of AVX-512: LLVM otherwise prefers 256-bit vectors on
  // x86, and those loops then take twice the instructions.
  const llvm::MCSubtargetInfo *subtarget = machine.getMCSubtargetInfo();
  if (machine.getTargetTriple().isX86() && subtarget &&
      subtarget->checkFeatures("+avx512f,+avx512bw"))
    for (llvm::Function &function : module)
      if (!function.isDeclaration())
        function.addFnAttr("prefer-vector-width", "512");
  llvm::LoopAnalysisManager loops;
  llvm::FunctionAnalysisManager functions;
  llvm::CGSCCAnalysisManager cgsccs;
  llvm::ModuleAnalysisManager modules;
  llvm::PassBuilder builder(&machine);
  builder.registerModuleAnalyses(modules);
  builder.registerCGSCCAnalyses(cgsccs);
  builder.registerFunctionAnalyses(functions);
  builder.registerLoopAnalyses(loops);
  builder.crossRegisterProxies(loops, functions, cgsccs, modules);
  builder
      .buildPerModuleDefaultPipeline(optimizeSize ? llvm::OptimizationLevel::Os
                                                  : llvm::OptimizationLevel::O3)
      .run(module, modules);
}

LogicalResult quantc::optimize(llvm::Module &module, const TargetSpec &target,
                               std::string &error) {
  std::unique_ptr<llvm::TargetMachine> machine =
      createTargetMachine(target, error);
  if (!machine)
    return failure();
  runOptimizer(module, *machine, target.optimizeSize);
  return success();
}

LogicalResult quantc::emitObject(llvm::Module &module, const TargetSpec &target,
                                 llvm::raw_pwrite_stream &os,
                                 std::string &error) {
  std::unique_ptr<llvm::TargetMachine> machine =
      createTargetMachine(target, error);
  if (!machine)
    return failure();
  runOptimizer(module, *machine, target.optimizeSize);
  llvm::legacy::PassManager codegen;
  if (machine->addPassesToEmitFile(codegen, os, nullptr,
                                   llvm::CodeGenFileType::ObjectFile)) {
    error = "the target cannot emit object files";
    return failure();
  }
  codegen.run(module);
  return success();
}
