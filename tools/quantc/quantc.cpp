//===- quantc.cpp - The quantc compiler driver ---------------------------===//
//
// `quantc import MODEL.onnx [-o OUT.mlir]` imports an ONNX model and prints
// it as qnn; `quantc compile MODEL.onnx --emit=mlir|llvm|obj -o OUT` lowers
// it through quantc-lower-to-llvm and emits LLVM-dialect MLIR, optimized
// LLVM IR or an object file; `quantc list-ops` lists the ONNX ops it
// converts. Diagnostics name the model file and, for a node's problem, the
// node; a failed run writes no output file.
//
//===----------------------------------------------------------------------===//

#include "quantc/Dialect/QNN/IR/QNNOps.h"
#include "quantc/Dialect/QNN/Transforms/Passes.h"
#include "quantc/Export/ONNX/QDQExport.h"
#include "quantc/Import/ONNX/ONNXImporter.h"
#include "quantc/Pipelines/Pipelines.h"
#include "quantc/Target/ObjectEmission.h"
#include "quantc/Target/SharedLibrary.h"
#include "quantc/Target/Targets.h"
#include "quantc/Target/Weights.h"
#include "quantc/Tools/Analyzer.h"
#include "quantc/Tools/Calibrator.h"
#include "quantc/Tools/Generator.h"
#include "quantc/Tools/ModelRunner.h"
#include "quantc/Tools/Registration.h"
#include "quantc/Tools/Report.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/WithColor.h"

#include "llvm/Support/raw_ostream.h"
#include <chrono>
#include <cmath>
#include <cstring>

using namespace mlir;
using namespace llvm;

static cl::SubCommand importCommand("import",
                                    "Import an ONNX model and print it as qnn");

static cl::SubCommand compileCommand(
    "compile", "Compile an ONNX model, float or quantized (--quantize), to a "
               "shared library with a C header, or to LLVM-dialect MLIR, LLVM "
               "IR or an object file (--emit)");

static cl::SubCommand
    runCommand("run",
               "Run a compiled model on inputs from files, compare its outputs "
               "and time it");

static cl::SubCommand
    calibrateCommand("calibrate",
                     "Run an ONNX model over calibration data and write the "
                     "statistics of its activations (JSON)");

static cl::SubCommand
    quantizeCommand("quantize",
                    "Quantize an ONNX model (static or weight-only) and write "
                    "it back as a QDQ ONNX model");

static cl::SubCommand analyzeCommand(
    "analyze",
    "Measure how much quantizing each Conv, MatMul and Gemm costs the "
    "model's outputs, and find a mixed-precision plan under an SQNR budget "
    "(docs/mixed-precision.md)");

static cl::SubCommand reportCommand(
    "report", "Write a quantization report (HTML): per layer its precision, "
              "scales, clipping range against the input's histogram, SQNR "
              "and weight bytes; overall size and latency");

static cl::SubCommand
    planCommand("plan",
                "Search an analysis of quantc analyze for the smallest (or "
                "fastest) precision plan within an SQNR budget, without "
                "measuring it");

static cl::SubCommand generateCommand(
    "generate", "Generate text with a compiled byte-level decoder that has a "
                "key/value cache (docs/llm.md)");

static cl::SubCommand listOpsCommand(
    "list-ops", "List the ONNX ops the importer converts, with the opsets in "
                "which their definitions changed");

static cl::opt<std::string>
    inputPath(cl::Positional, cl::desc("<model.onnx>"), cl::Required,
              cl::sub(importCommand), cl::sub(compileCommand),
              cl::sub(analyzeCommand), cl::sub(reportCommand),
              cl::sub(quantizeCommand), cl::sub(calibrateCommand));
static cl::opt<std::string>
    outputPath("o", cl::desc("Output file"), cl::value_desc("file"),
               cl::init("-"), cl::sub(importCommand), cl::sub(compileCommand),
               cl::sub(analyzeCommand), cl::sub(reportCommand),
               cl::sub(quantizeCommand), cl::sub(calibrateCommand));
static cl::opt<std::string> calibrationData(
    "data",
    cl::desc("Calibration set: a folder of sample folders (ONNX test layout) "
             "or, for one input, of .npy/.pb files"),
    cl::value_desc("dir"), cl::Required, cl::sub(calibrateCommand));
static cl::opt<double> calibrationPercentile(
    "percentile",
    cl::desc("Percentile of the percentile method, in percent (default "
             "99.99)"),
    cl::init(99.99), cl::sub(calibrateCommand), cl::sub(compileCommand),
    cl::sub(analyzeCommand), cl::sub(reportCommand), cl::sub(quantizeCommand));

enum class QuantizeMode { None, Static, Dynamic, WeightOnly, Codebook };
static cl::opt<QuantizeMode> quantizeMode(
    "quantize", cl::desc("How to quantize the model"),
    cl::init(QuantizeMode::None),
    cl::values(clEnumValN(QuantizeMode::None, "none",
                          "compile as it is: float, or the quantization a "
                          "QDQ model carries (default)"),
               clEnumValN(QuantizeMode::Static, "static",
                          "static post-training quantization: int8 "
                          "contractions from ranges calibrated on "
                          "--calibration"),
               clEnumValN(QuantizeMode::Dynamic, "dynamic",
                          "dynamic post-training quantization: int8 "
                          "weights, inputs of MatMul and Gemm (and Conv "
                          "with --dynamic-conv) quantized at run time "
                          "(no calibration)"),
               clEnumValN(QuantizeMode::WeightOnly, "weight-only",
                          "int8 (or --bits 4) weights, dequantized in the "
                          "code; float "
                          "arithmetic (no calibration)"),
               clEnumValN(QuantizeMode::Codebook, "codebook",
                          "non-uniform weights: a codebook of 2^bits "
                          "entries per channel (--codebook-method) and an "
                          "index per weight; float arithmetic (no "
                          "calibration)")),
    cl::sub(compileCommand), cl::sub(analyzeCommand), cl::sub(reportCommand),
    cl::sub(quantizeCommand));
static cl::opt<std::string> calibrationDir(
    "calibration",
    cl::desc("Calibration set for --quantize static, laid out as for quantc "
             "calibrate --data, or the statistics file quantc calibrate "
             "wrote"),
    cl::value_desc("dir"), cl::sub(compileCommand), cl::sub(analyzeCommand),
    cl::sub(reportCommand), cl::sub(quantizeCommand));
static cl::opt<std::string> calibrationMethod(
    "calibration-method",
    cl::desc("How a range is chosen from the statistics: minmax (default), "
             "percentile, entropy or mse"),
    cl::init("minmax"), cl::sub(compileCommand), cl::sub(analyzeCommand),
    cl::sub(reportCommand), cl::sub(quantizeCommand));
static cl::opt<bool>
    perTensor("per-tensor",
              cl::desc("One weight scale per tensor (default: per output "
                       "channel, --per-channel)"),
              cl::sub(compileCommand), cl::sub(analyzeCommand),
              cl::sub(reportCommand), cl::sub(quantizeCommand));
static cl::opt<bool> perChannel("per-channel",
                                cl::desc("One weight scale per output channel "
                                         "(the default)"),
                                cl::sub(compileCommand),
                                cl::sub(analyzeCommand), cl::sub(reportCommand),
                                cl::sub(quantizeCommand));
static cl::opt<unsigned>
    bits("bits",
         cl::desc("Bits of quantized weights: 8 (default), or 4 with "
                  "--quantize weight-only or dynamic (two weights to a "
                  "byte)"),
         cl::init(8), cl::sub(compileCommand), cl::sub(analyzeCommand),
         cl::sub(reportCommand), cl::sub(quantizeCommand));
static cl::opt<int64_t> groupSize(
    "group-size",
    cl::desc("--quantize weight-only, or dynamic with --bits 4: one scale "
             "per group of N weights along the reduction axis of each "
             "output channel (0, the default: per channel)"),
    cl::value_desc("N"), cl::init(0), cl::sub(compileCommand),
    cl::sub(analyzeCommand), cl::sub(reportCommand), cl::sub(quantizeCommand));
static cl::opt<std::string> codebookMethod(
    "codebook-method",
    cl::desc("--quantize codebook: kmeans (weight sharing, the default) or "
             "pow2 (power-of-two levels)"),
    cl::init("kmeans"), cl::sub(compileCommand), cl::sub(analyzeCommand),
    cl::sub(reportCommand));
static cl::list<std::string> keepFloat(
    "keep-float",
    cl::desc("Leave this ONNX node (or every node of this op type: Conv, "
             "MatMul, Gemm) in float under --quantize (repeatable)"),
    cl::value_desc("NODE|OPTYPE"), cl::sub(compileCommand),
    cl::sub(analyzeCommand), cl::sub(reportCommand), cl::sub(quantizeCommand));
static cl::opt<std::string>
    activationType("activation-type",
                   cl::desc("Storage of quantized activations: u8 (default, "
                            "asymmetric) or s8"),
                   cl::init("u8"), cl::sub(compileCommand),
                   cl::sub(analyzeCommand), cl::sub(reportCommand),
                   cl::sub(quantizeCommand));
static cl::opt<bool> dynamicPerRow(
    "dynamic-per-row",
    cl::desc("--quantize dynamic: one input scale per row (per token) "
             "instead of per tensor"),
    cl::sub(compileCommand), cl::sub(analyzeCommand), cl::sub(reportCommand));
static cl::opt<bool> quantizeEmbeddings(
    "quantize-embeddings",
    cl::desc("Under --quantize: store embedding tables (gathers of rows of a "
             "constant 2-D float table) as s8 rows with a scale each"),
    cl::sub(compileCommand), cl::sub(analyzeCommand), cl::sub(reportCommand));
static cl::opt<bool> dynamicConv(
    "dynamic-conv", cl::desc("--quantize dynamic: quantize Conv too"),
    cl::sub(compileCommand), cl::sub(analyzeCommand), cl::sub(reportCommand));
static cl::opt<bool> biasCorrection(
    "bias-correction",
    cl::desc("--quantize static or weight-only: subtract each weight's mean "
             "quantization error from its bias, from the input's channel "
             "means over --calibration"),
    cl::sub(compileCommand), cl::sub(analyzeCommand), cl::sub(reportCommand),
    cl::sub(quantizeCommand));
static cl::opt<bool> equalizeDepthwise(
    "equalize-depthwise",
    cl::desc("--quantize static: scale the input channels of depthwise "
             "convs to one maximum, moving the factors into their "
             "per-channel weights (SmoothQuant with alpha 1)"),
    cl::sub(compileCommand), cl::sub(analyzeCommand), cl::sub(reportCommand));
static cl::opt<double> smoothQuant(
    "smooth-quant",
    cl::desc("--quantize static: SmoothQuant the MatMul and Gemm inputs "
             "with migration strength ALPHA in [0, 1] (typically 0.5)"),
    cl::value_desc("ALPHA"), cl::init(-1.0), cl::sub(compileCommand),
    cl::sub(analyzeCommand), cl::sub(reportCommand));
static cl::list<std::string>
    inputShapes("input-shape",
                cl::desc("Give graph input NAME the static shape D0,D1,... "
                         "(repeatable)"),
                cl::value_desc("NAME=D0,D1,..."), cl::sub(importCommand),
                cl::sub(compileCommand), cl::sub(analyzeCommand),
                cl::sub(reportCommand), cl::sub(quantizeCommand),
                cl::sub(calibrateCommand));

static cl::opt<std::string> precisionPlan(
    "precision-plan",
    cl::desc("Give each Conv, MatMul and Gemm the precision (fp32, int8, "
             "int4) this plan file says (JSON, docs/mixed-precision.md)"),
    cl::value_desc("file"), cl::sub(compileCommand), cl::sub(quantizeCommand),
    cl::sub(reportCommand));
static cl::list<std::string> layerPrecisions(
    "precision",
    cl::desc("Give this ONNX node (a name, a pattern with * and ?, or an op "
             "type: Conv, MatMul, Gemm) fp32, int8 or int4 weights, after "
             "--precision-plan's entries (repeatable)"),
    cl::value_desc("NODE|OPTYPE=PRECISION"), cl::sub(compileCommand),
    cl::sub(quantizeCommand), cl::sub(reportCommand));
static cl::opt<std::string> analysisData(
    "data",
    cl::desc("The samples to measure on (default: the --calibration "
             "folder), laid out as a calibration set"),
    cl::value_desc("dir"), cl::sub(analyzeCommand), cl::sub(reportCommand));
static cl::list<std::string> analysisPrecisions(
    "precisions",
    cl::desc("The quantized precisions to measure each layer at (default "
             "int8,int4)"),
    cl::CommaSeparated, cl::sub(analyzeCommand));
static cl::list<std::string> planPrecisions(
    "plan-precisions",
    cl::desc("The precisions --min-sqnr may give a layer (default "
             "fp32 and those of --precisions)"),
    cl::CommaSeparated, cl::sub(analyzeCommand), cl::sub(planCommand));
static cl::opt<unsigned>
    maxSamples("max-samples",
               cl::desc("Measure on the first N samples only (0, the "
                        "default: all)"),
               cl::init(0), cl::sub(analyzeCommand));
static cl::opt<double>
    minSQNR("min-sqnr",
            cl::desc("Search for the smallest (or fastest) plan whose output "
                     "SQNR is at least this many dB, and write it to "
                     "--plan-output"),
            cl::init(-1), cl::sub(analyzeCommand), cl::sub(planCommand));
static cl::opt<double> sqnrMargin(
    "margin",
    cl::desc("With --min-sqnr: the dB the plan must exceed the budget by on "
             "the samples measured here, so that it holds on data they do "
             "not represent well (default 0)"),
    cl::init(0.0), cl::sub(analyzeCommand));
static cl::opt<std::string> planOutput(
    "plan-output", cl::desc("Where --min-sqnr writes the precision plan"),
    cl::value_desc("file"), cl::sub(analyzeCommand), cl::sub(planCommand));
static cl::opt<std::string>
    saveLibrary("save-library",
                cl::desc("Keep the switched library the analysis ran, as "
                         "DIR/libanalysis.so (its last input, qnn_precision, "
                         "chooses each layer's precision)"),
                cl::value_desc("dir"), cl::sub(analyzeCommand));
static cl::opt<bool> measureLatency(
    "measure-latency",
    cl::desc("Also compile the model with every layer at each precision "
             "(fp32 too) and with the plan, and time them on one thread on "
             "the first sample: the latency model's scales and its check"),
    cl::sub(analyzeCommand));
static cl::opt<std::string> planAnalysis(cl::Positional,
                                         cl::desc("<analysis.json>"),
                                         cl::Required, cl::sub(planCommand));
static cl::opt<std::string> reportAnalysis(
    "analysis", cl::desc("The analysis of quantc analyze (JSON)"),
    cl::value_desc("file"), cl::Required, cl::sub(reportCommand));
static cl::opt<std::string>
    objectiveName("objective",
                  cl::desc("What the plan minimizes: size (weight bytes, the "
                           "default) or latency (a roofline estimate)"),
                  cl::init("size"), cl::sub(analyzeCommand),
                  cl::sub(planCommand));

enum class EmitKind { MLIR, LLVM, Object, SharedLibrary };
static cl::opt<EmitKind> emitKind(
    "emit", cl::desc("What to write"), cl::init(EmitKind::SharedLibrary),
    cl::values(clEnumValN(EmitKind::MLIR, "mlir", "MLIR in the LLVM dialect"),
               clEnumValN(EmitKind::LLVM, "llvm", "optimized LLVM IR"),
               clEnumValN(EmitKind::Object, "obj", "an object file"),
               clEnumValN(EmitKind::SharedLibrary, "so",
                          "a shared library and its C header (default)")),
    cl::sub(compileCommand));

enum class WeightsMode { Embedded, External };
static cl::opt<WeightsMode> weightsMode(
    "weights", cl::desc("Where a shared library keeps the model's weights"),
    cl::init(WeightsMode::Embedded),
    cl::values(clEnumValN(WeightsMode::Embedded, "embedded",
                          "inside the library (default)"),
               clEnumValN(WeightsMode::External, "external",
                          "in NAME.weights beside the library, mapped when a "
                          "context is created")),
    cl::sub(compileCommand));

static cl::opt<std::string> libraryPath(cl::Positional,
                                        cl::desc("<libNAME.so>"), cl::Required,
                                        cl::sub(runCommand));
static cl::opt<std::string>
    inputsDir("inputs",
              cl::desc("Folder of input_N.pb or input_N.npy files (ONNX's "
                       "test layout)"),
              cl::value_desc("dir"), cl::sub(runCommand));
static cl::list<std::string>
    inputFiles("input", cl::desc("Input NAME from FILE (.pb or .npy)"),
               cl::value_desc("NAME=FILE"), cl::sub(runCommand));
static cl::opt<std::string>
    expectDir("expect",
              cl::desc("Folder of output_N.pb or output_N.npy files to "
                       "compare with"),
              cl::value_desc("dir"), cl::sub(runCommand));
static cl::opt<double>
    relativeTolerance("rtol", cl::desc("Relative tolerance for float outputs"),
                      cl::init(1e-5), cl::sub(runCommand));
static cl::opt<double>
    absoluteTolerance("atol", cl::desc("Absolute tolerance for float outputs"),
                      cl::init(1e-6), cl::sub(runCommand));
static cl::opt<unsigned>
    benchRuns("bench",
              cl::desc("Time N runs after a warm-up; print median and minimum"),
              cl::init(0), cl::sub(runCommand));
static cl::opt<unsigned>
    runThreads("threads",
               cl::desc("Threads the model's runs use (0, the default: one a "
                        "core)"),
               cl::init(0), cl::sub(runCommand));

/// This executable, to find the runtime library beside it.
static std::string executablePath;
static cl::opt<std::string> targetName(
    "target",
    cl::desc("The machine to compile for: native (the default: this "
             "machine's CPU), multi (x86-64-v4, x86-64-v3 and generic code "
             "in one library, chosen at run time), generic (the baseline of "
             "this machine's architecture), x86-64-v3, x86-64-v4, "
             "x86-64-v4+vnni, aarch64+dotprod or aarch64+i8mm"),
    cl::init("native"), cl::sub(compileCommand));
static cl::opt<bool> optimizeSize(
    "Os",
    cl::desc("Optimize the generated code for size (LLVM's Os pipeline) "
             "rather than speed (O3): about half the code"),
    cl::sub(compileCommand));

static cl::opt<bool> integerOnly(
    "integer-only",
    cl::desc("Compute the quantized graph in integers only: fixed-point "
             "requantization, i32 biases; an op that would compute in "
             "float is an error (docs/numerics.md)"),
    cl::sub(compileCommand));

static cl::opt<bool> genericKernels(
    "generic-kernels",
    cl::desc("Compile quantized contractions to generic loops instead of "
             "calls to the runtime's int8 kernels (for comparisons)"),
    cl::sub(compileCommand));

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
  case mlir::DiagnosticSeverity::Error:
    WithColor(os, HighlightColor::Error) << "error: ";
    break;
  case mlir::DiagnosticSeverity::Warning:
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

/// Writes what `write` produces to `outputPath` through a temporary file
/// that is renamed into place only when everything succeeded: a failed
/// compile leaves no output behind. "-" writes to standard output.
static int
writeOutput(StringRef outputPath,
            llvm::function_ref<LogicalResult(raw_pwrite_stream &)> write) {
  if (outputPath == "-") {
    std::string error;
    std::unique_ptr<ToolOutputFile> output = openOutputFile("-", &error);
    if (!output || failed(write(output->os())))
      return 1;
    output->keep();
    return 0;
  }
  Expected<sys::fs::TempFile> temp =
      sys::fs::TempFile::create(outputPath + "-%%%%%%.tmp");
  if (!temp) {
    errs() << outputPath << ": error: " << toString(temp.takeError()) << "\n";
    return 1;
  }
  bool ok;
  {
    raw_fd_ostream os(temp->FD, /*shouldClose=*/false);
    ok = succeeded(write(os));
    os.flush();
    if (os.has_error()) {
      errs() << outputPath << ": error: cannot write the output\n";
      os.clear_error();
      ok = false;
    }
  }
  if (!ok) {
    consumeError(temp->discard());
    return 1;
  }
  if (Error error = temp->keep(outputPath)) {
    errs() << outputPath << ": error: " << toString(std::move(error)) << "\n";
    return 1;
  }
  return 0;
}

/// Folds batch norms and bias adds into contractions and fuses activations
/// written as several ops (qnn-fold-batch-norm, qnn-fold-bias,
/// qnn-fuse-activations): the graph that every subcommand but import
/// calibrates, quantizes and compiles.
static LogicalResult simplifyModel(MLIRContext &context, ModuleOp module) {
  PassManager pm(&context);
  pm.addNestedPass<func::FuncOp>(quantc::createFoldBatchNorm());
  pm.addNestedPass<func::FuncOp>(quantc::createFoldBias());
  pm.addNestedPass<func::FuncOp>(quantc::createFuseActivations());
  return pm.run(module);
}

static FailureOr<OwningOpRef<ModuleOp>> importRaw(MLIRContext &context,
                                                  StringRef functionName);

/// The model, imported as function `functionName` and simplified.
static FailureOr<OwningOpRef<ModuleOp>>
importModel(MLIRContext &context, StringRef functionName = "main") {
  FailureOr<OwningOpRef<ModuleOp>> module = importRaw(context, functionName);
  if (failed(module) || failed(simplifyModel(context, **module)))
    return failure();
  return module;
}

/// The model as the importer gives it, as function `functionName`.
static FailureOr<OwningOpRef<ModuleOp>> importRaw(MLIRContext &context,
                                                  StringRef functionName) {
  // A .mlir file holds a qnn module, as quantc import and quant-opt print
  // it: its one function becomes the model.
  if (StringRef(inputPath).ends_with(".mlir")) {
    if (!inputShapes.empty()) {
      errs() << inputPath << ": error: --input-shape applies to ONNX models\n";
      return failure();
    }
    ParserConfig config(&context);
    OwningOpRef<ModuleOp> module = parseSourceFile<ModuleOp>(inputPath, config);
    if (!module)
      return failure();
    auto funcs = llvm::to_vector(module->getOps<func::FuncOp>());
    if (funcs.size() != 1) {
      errs() << inputPath << ": error: the module must hold one function, not "
             << funcs.size() << "\n";
      return failure();
    }
    funcs[0].setSymName(functionName);
    return module;
  }
  quantc::ONNXImportOptions options;
  options.functionName = functionName.str();
  if (failed(parseInputShapes(options.inputShapes)))
    return failure();
  return quantc::importONNXFile(inputPath, &context, options);
}

/// Writes `text` to `path` through a temporary file renamed into place.
static LogicalResult writeFileAtomically(StringRef path, StringRef text) {
  Expected<sys::fs::TempFile> temp =
      sys::fs::TempFile::create(path + "-%%%%%%.tmp");
  if (!temp) {
    errs() << path << ": error: " << toString(temp.takeError()) << "\n";
    return failure();
  }
  {
    raw_fd_ostream os(temp->FD, /*shouldClose=*/false);
    os << text;
  }
  if (Error error = temp->keep(path)) {
    errs() << path << ": error: " << toString(std::move(error)) << "\n";
    return failure();
  }
  return success();
}

/// Links the objects in `objectPaths` (one per variant of the code, in the
/// order of `variants`) into the shared library `outputPath` and writes the
/// C header beside it. Everything is built in a temporary folder and
/// renamed into place last.
static int emitSharedLibrary(ArrayRef<std::string> objectPaths,
                             const quantc::ModelSignature &signature,
                             const quantc::WeightsBlob &weights,
                             StringRef scratch, StringRef outputPath,
                             const quantc::NamedTarget &target,
                             ArrayRef<quantc::GlueVariant> variants) {
  if (outputPath == "-") {
    errs() << "quantc: error: a shared library needs an output file (-o)\n";
    return 1;
  }
  std::string prefix = quantc::getModelPrefix(outputPath);
  std::string header = quantc::generateHeader(prefix, signature);
  SmallString<128> headerPath(scratch), gluePath(scratch), libraryPath;
  sys::path::append(headerPath, prefix + ".h");
  sys::path::append(gluePath, prefix + "_api.c");

  // Embedded weights are assembled into the library from a blob file;
  // external ones go to NAME.weights, renamed into place with the library.
  quantc::GlueWeights glueWeights;
  std::vector<std::string> extraSources;
  SmallString<256> weightsPath(sys::path::parent_path(outputPath));
  sys::path::append(weightsPath, prefix + ".weights");
  std::string weightsTemp = (weightsPath + ".tmp-link").str();
  if (!weights.data.empty()) {
    glueWeights.bytes = weights.data.size();
    glueWeights.hash = weights.hash();
    StringRef blob(weights.data.data(), weights.data.size());
    if (weightsMode == WeightsMode::Embedded) {
      glueWeights.kind = quantc::GlueWeights::Kind::Embedded;
      SmallString<128> blobPath(scratch), assemblyPath(scratch);
      sys::path::append(blobPath, "weights.bin");
      sys::path::append(assemblyPath, "weights.S");
      if (failed(writeFileAtomically(blobPath, blob)) ||
          failed(writeFileAtomically(
              assemblyPath, quantc::generateWeightsAssembly(blobPath))))
        return 1;
      extraSources.push_back(std::string(assemblyPath));
    } else {
      glueWeights.kind = quantc::GlueWeights::Kind::External;
      if (failed(writeFileAtomically(weightsTemp,
                                     quantc::serializeWeightsFile(weights))))
        return 1;
    }
  }
  auto removeWeights = [&] {
    if (glueWeights.kind == quantc::GlueWeights::Kind::External)
      sys::fs::remove(weightsTemp);
  };
  if (failed(writeFileAtomically(headerPath, header)) ||
      failed(writeFileAtomically(
          gluePath, quantc::generateGlue(prefix, "forward", signature,
                                         glueWeights, variants)))) {
    removeWeights();
    return 1;
  }

  // The build tree's bin/../lib, or the installed bin/../LIBDIR.
  SmallString<256> runtime;
  for (StringRef libDir :
       {StringRef("lib"), StringRef(QUANTC_INSTALL_LIBDIR)}) {
    runtime = sys::path::parent_path(executablePath);
    sys::path::append(runtime, "..", libDir,
                      quantc::getRuntimeLibraryName(target));
    if (sys::fs::exists(runtime))
      break;
  }
  if (!sys::fs::exists(runtime)) {
    errs() << "quantc: error: the runtime library " << runtime
           << " for target '" << target.name << "' is missing";
    if (!target.isHost)
      errs() << " (it is built when the cross compiler "
             << quantc::getLinkerName(target) << " is installed)";
    errs() << "\n";
    removeWeights();
    return 1;
  }
  libraryPath = outputPath;
  libraryPath += ".tmp-link";
  std::string error;
  // The first object links as the model's, the others as extra sources.
  extraSources.insert(extraSources.begin(), objectPaths.begin() + 1,
                      objectPaths.end());
  if (failed(quantc::linkSharedLibrary(quantc::getLinkerName(target),
                                       objectPaths[0], gluePath, extraSources,
                                       scratch, runtime, libraryPath, error))) {
    sys::fs::remove(libraryPath);
    removeWeights();
    errs() << "quantc: error: " << error << "\n";
    return 1;
  }
  if (glueWeights.kind == quantc::GlueWeights::Kind::External) {
    if (std::error_code ec = sys::fs::rename(weightsTemp, weightsPath)) {
      sys::fs::remove(libraryPath);
      removeWeights();
      errs() << weightsPath << ": error: " << ec.message() << "\n";
      return 1;
    }
  }
  if (std::error_code ec = sys::fs::rename(libraryPath, outputPath)) {
    sys::fs::remove(libraryPath);
    errs() << outputPath << ": error: " << ec.message() << "\n";
    return 1;
  }
  SmallString<256> finalHeader(sys::path::parent_path(outputPath));
  sys::path::append(finalHeader, prefix + ".h");
  return failed(writeFileAtomically(finalHeader, header)) ? 1 : 0;
}

/// Lowers `module` (qnn, its model function named "forward") and writes
/// what --emit asks for to `output`: MLIR, LLVM IR, an object, or a shared
/// library with its header.
static int compileModule(ModuleOp module, EmitKind kind, StringRef output,
                         const quantc::NamedTarget &target, bool integer) {
  MLIRContext &context = *module.getContext();
  std::optional<quantc::ModelSignature> signature;
  if (kind == EmitKind::SharedLibrary) {
    auto func = module.lookupSymbol<func::FuncOp>("forward");
    FailureOr<quantc::ModelSignature> described =
        quantc::getModelSignature(func);
    if (failed(described))
      return 1;
    signature = *described;
  }
  // The model's function gets a C interface, _mlir_ciface_forward, taking
  // memref descriptors; the ONNX names have been read and go no further.
  module.walk([&](func::FuncOp func) {
    func->setAttr(LLVM::LLVMDialect::getEmitCWrapperAttrName(),
                  UnitAttr::get(&context));
    for (unsigned i = 0; i < func.getNumArguments(); ++i) {
      func.removeArgAttr(i, "qnn.name");
      func.removeArgAttr(i, "qnn.range");
      func.removeArgAttr(i, "qnn.channel_mean");
    }
    for (unsigned i = 0; i < func.getNumResults(); ++i)
      func.removeResultAttr(i, StringAttr::get(&context, "qnn.name"));
  });
  // One variant of the code, or (--target multi) several in one library.
  SmallVector<quantc::NamedTarget> variants;
  for (const std::string &name : target.variants) {
    Expected<quantc::NamedTarget> variant = quantc::resolveTarget(name);
    if (!variant) {
      errs() << "quantc: error: " << toString(variant.takeError()) << "\n";
      return 1;
    }
    variants.push_back(*variant);
  }
  bool multi = !variants.empty();
  if (!multi)
    variants.push_back(target);
  if (multi && kind != EmitKind::SharedLibrary) {
    errs() << "quantc: error: --target multi writes a shared library only "
              "(--emit=so)\n";
    return 1;
  }

  // A scratch folder for the objects, glue and header, removed at the end.
  SmallString<128> scratch;
  if (kind == EmitKind::SharedLibrary)
    if (std::error_code ec =
            sys::fs::createUniqueDirectory("quantc-compile", scratch)) {
      errs() << "quantc: error: cannot create a temporary folder: "
             << ec.message() << "\n";
      return 1;
    }
  auto cleanup = llvm::scope_exit([&] {
    if (!scratch.empty())
      sys::fs::remove_directories(scratch);
  });

  quantc::WeightsBlob weights;
  SmallVector<std::string> objects;
  SmallVector<quantc::GlueVariant> glueVariants;
  for (auto [index, variant] : llvm::enumerate(variants)) {
    OwningOpRef<ModuleOp> copy = multi ? module.clone() : ModuleOp();
    ModuleOp lowered = multi ? *copy : module;
    PassManager pm(&context);
    quantc::LowerToLLVMOptions lowering;
    lowering.vectorBits = variant.vectorBits;
    lowering.runtimeKernels = !genericKernels;
    lowering.integerOnly = integer;
    quantc::buildLowerToLLVMPipeline(pm, lowering);
    if (failed(pm.run(lowered)))
      return 1;
    if (kind == EmitKind::MLIR)
      return writeOutput(output, [&](raw_pwrite_stream &os) {
        lowered.print(os);
        os << "\n";
        return success();
      });

    // A shared library keeps its weights out of the LLVM module; the
    // variants share one blob, the same for each.
    if (kind == EmitKind::SharedLibrary) {
      quantc::WeightsBlob variantWeights;
      quantc::outlineWeights(lowered, variantWeights);
      if (index == 0) {
        weights = std::move(variantWeights);
      } else if (variantWeights.data != weights.data) {
        errs() << "quantc: error: the variants of --target multi disagree on "
                  "the weights\n";
        return 1;
      }
    }

    llvm::LLVMContext llvmContext;
    FailureOr<std::unique_ptr<llvm::Module>> llvmModule =
        quantc::translateToLLVMIR(lowered, llvmContext);
    if (failed(llvmModule))
      return 1;
    // Each variant's symbols get its own suffix, so that all link together.
    std::string suffix;
    if (multi) {
      suffix = "_" + variant.name;
      for (char &c : suffix)
        if (!llvm::isAlnum(c))
          c = '_';
      for (llvm::GlobalValue &global : (*llvmModule)->global_values())
        if (!global.isDeclaration() && !global.hasLocalLinkage())
          global.setName(global.getName() + suffix);
    }
    glueVariants.push_back({multi ? variant.name : target.name, suffix,
                            multi ? target.variantConditions[index] : ""});
    quantc::TargetSpec spec = variant.spec;
    spec.optimizeSize = optimizeSize;
    std::string error;
    auto emit = [&](raw_pwrite_stream &os) -> LogicalResult {
      LogicalResult result =
          kind == EmitKind::LLVM
              ? quantc::optimize(**llvmModule, spec, error)
              : quantc::emitObject(**llvmModule, spec, os, error);
      if (failed(result)) {
        errs() << "quantc: error: " << error << "\n";
        return failure();
      }
      if (kind == EmitKind::LLVM)
        (*llvmModule)->print(os, nullptr);
      return success();
    };
    if (kind != EmitKind::SharedLibrary)
      return writeOutput(output, emit);
    SmallString<128> objectPath(scratch);
    sys::path::append(objectPath, "model" + std::to_string(index) + ".o");
    std::error_code ec;
    raw_fd_ostream object(objectPath, ec);
    if (ec || failed(emit(object)))
      return 1;
    object.close();
    objects.push_back(std::string(objectPath));
  }
  return emitSharedLibrary(objects, *signature, weights, scratch, output,
                           target, glueVariants);
}

/// Creates a temporary folder whose name starts with `prefix`, into
/// `path`. The error is reported.
static LogicalResult createScratchFolder(StringRef prefix,
                                         SmallVectorImpl<char> &path) {
  if (std::error_code ec = sys::fs::createUniqueDirectory(prefix, path)) {
    errs() << "quantc: error: cannot create a temporary folder: "
           << ec.message() << "\n";
    return failure();
  }
  return success();
}

/// Compiles `module` into the shared library `library` for this machine,
/// whatever --target says, and loads it. Errors are reported.
static FailureOr<std::unique_ptr<quantc::LoadedModel>>
compileForHost(ModuleOp module, StringRef library) {
  Expected<quantc::NamedTarget> host = quantc::resolveTarget("native");
  if (!host) {
    errs() << "quantc: error: " << toString(host.takeError()) << "\n";
    return failure();
  }
  if (compileModule(module, EmitKind::SharedLibrary, library, *host,
                    /*integer=*/false))
    return failure();
  Expected<std::unique_ptr<quantc::LoadedModel>> model =
      quantc::LoadedModel::load(library);
  if (!model) {
    errs() << "quantc: error: " << toString(model.takeError()) << "\n";
    return failure();
  }
  return std::move(*model);
}

/// The median of `runs` timed runs of `model` on one thread, on the first
/// sample of `dataDir`, in seconds.
static Expected<double> timeModel(quantc::LoadedModel &model, StringRef dataDir,
                                  int runs) {
  if (Error error = model.setThreads(1))
    return error;
  Expected<std::vector<std::string>> samples =
      quantc::listCalibrationSamples(dataDir, model.getInputs().size());
  if (!samples)
    return samples.takeError();
  Expected<std::vector<quantc::HostTensor>> args =
      quantc::readCalibrationSample(samples->front(), model.getInputs());
  if (!args)
    return args.takeError();
  std::vector<double> times;
  for (int run = 0; run <= runs; ++run) {
    auto start = std::chrono::steady_clock::now();
    Expected<std::vector<quantc::HostTensor>> outputs = model.run(*args);
    if (!outputs)
      return outputs.takeError();
    if (run > 0)
      times.push_back(std::chrono::duration<double>(
                          std::chrono::steady_clock::now() - start)
                          .count());
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

/// Calibration: imports the model, instruments it (qnn-instrument),
/// compiles it into a scratch library, runs it over the calibration set in
/// `dataDir` and writes the statistics to `statsPath`.
static int calibrateTo(MLIRContext &context, StringRef dataDir,
                       StringRef statsPath) {
  // The model as imported: its statistics name every activation of the ONNX
  // graph, which include those of the simplified graph (a folded or fused
  // op takes the key of the last op it replaces, whose result it computes).
  FailureOr<OwningOpRef<ModuleOp>> module = importRaw(context, "forward");
  if (failed(module))
    return 1;
  auto func = (**module).lookupSymbol<func::FuncOp>("forward");
  size_t numInputs = func.getNumArguments();
  Expected<std::vector<std::string>> samples =
      quantc::listCalibrationSamples(dataDir, numInputs);
  if (!samples) {
    errs() << "quantc: error: " << toString(samples.takeError()) << "\n";
    return 1;
  }
  // Per-channel statistics for the data inputs of the contractions.
  llvm::StringMap<int64_t> channelAxes = quantc::getChannelStatAxes(func);
  // Attention masks hold infinities by construction.
  llvm::StringSet<> maskedKeys = quantc::getMaskedKeys(func);
  PassManager pm(&context);
  pm.addNestedPass<func::FuncOp>(quantc::createInstrument());
  if (failed(pm.run(**module)))
    return 1;
  size_t numOutputs =
      func->getAttrOfType<IntegerAttr>(quantc::kInstrumentedAttrName).getInt();

  SmallString<128> scratch, library;
  if (failed(createScratchFolder("quantc-calibrate", scratch)))
    return 1;
  auto cleanup =
      llvm::scope_exit([&] { sys::fs::remove_directories(scratch); });
  library = scratch;
  sys::path::append(library, "libcalibration.so");
  FailureOr<std::unique_ptr<quantc::LoadedModel>> model =
      compileForHost(**module, library);
  if (failed(model))
    return 1;

  bool terminal = sys::Process::StandardErrIsDisplayed();
  auto progress = [&](int pass, size_t done, size_t total) {
    if (!terminal)
      return;
    constexpr size_t width = 30;
    size_t filled = total ? done * width / total : width;
    errs() << "\rcalibrating, pass " << pass << "/2 ("
           << (pass == 1 ? "ranges" : "histograms") << ") ["
           << std::string(filled, '#') << std::string(width - filled, ' ')
           << "] " << done << "/" << total;
    if (pass == 2 && done == total)
      errs() << "\n";
  };
  Expected<quantc::CalibrationResult> result = quantc::calibrate(
      **model, numOutputs, *samples, progress, channelAxes, maskedKeys);
  if (!result) {
    if (terminal)
      errs() << "\n";
    errs() << "quantc: error: " << toString(result.takeError()) << "\n";
    return 1;
  }
  return writeOutput(statsPath, [&](raw_pwrite_stream &os) {
    quantc::writeCalibrationJSON(os, *result, inputPath, calibrationPercentile);
    return success();
  });
}

/// quantc calibrate: the statistics of the calibration set, as JSON.
static int runCalibrate(MLIRContext &context) {
  return calibrateTo(context, calibrationData, outputPath);
}

/// quantc compile: imports the model, quantizes it as --quantize says, and
/// compiles it.
static FailureOr<OwningOpRef<ModuleOp>> importQuantized(
    MLIRContext &context, QuantizeMode quantizeMode, StringRef functionName,
    const std::function<void(OpPassManager &)> &beforeQuantize = {});

static int runCompile(MLIRContext &context) {
  // Not `main`: the object links into programs that have their own.
  Expected<quantc::NamedTarget> target = quantc::resolveTarget(targetName);
  if (!target) {
    errs() << "quantc: error: " << toString(target.takeError()) << "\n";
    return 1;
  }
  // Said before the model compiles, not by the linker at the end.
  StringRef outputFolder = sys::path::parent_path(outputPath);
  if (outputPath != "-" && !outputFolder.empty() &&
      !sys::fs::is_directory(outputFolder)) {
    errs() << "quantc: error: the output folder '" << outputFolder
           << "' does not exist\n";
    return 1;
  }
  FailureOr<OwningOpRef<ModuleOp>> module =
      importQuantized(context, quantizeMode, "forward");
  if (failed(module))
    return 1;
  return compileModule(**module, emitKind, outputPath, *target, integerOnly);
}

/// quantc quantize: imports the model, quantizes it as --quantize says
/// (static by default), and writes the original model with that
/// quantization in QDQ form.
static int runQuantize(MLIRContext &context) {
  QuantizeMode mode =
      quantizeMode == QuantizeMode::None ? QuantizeMode::Static : quantizeMode;
  if (mode == QuantizeMode::Dynamic || mode == QuantizeMode::Codebook) {
    errs() << "quantc: error: quantc quantize writes static and weight-only "
              "quantization; --quantize "
           << (mode == QuantizeMode::Dynamic ? "dynamic" : "codebook")
           << " is for quantc compile\n";
    return 1;
  }
  if (biasCorrection) {
    errs() << "quantc: error: quantc quantize does not write bias correction "
              "(its new biases have no place in the original graph); it is "
              "for quantc compile\n";
    return 1;
  }
  if (StringRef(inputPath).ends_with(".mlir")) {
    errs() << "quantc: error: quantc quantize needs the ONNX model to write "
              "back, not a .mlir file\n";
    return 1;
  }
  if (outputPath == "-") {
    errs() << "quantc: error: name the output model with -o\n";
    return 1;
  }
  FailureOr<OwningOpRef<ModuleOp>> module =
      importQuantized(context, mode, "main");
  if (failed(module))
    return 1;
  onnx::ModelProto model;
  Location loc = FileLineColLoc::get(&context, inputPath, 0, 0);
  if (failed(quantc::readONNXModel(inputPath, loc, model)))
    return 1;
  auto funcs = llvm::to_vector((*module)->getOps<func::FuncOp>());
  if (failed(quantc::exportQDQ(funcs.front(), model)))
    return 1;
  return writeOutput(outputPath, [&](raw_pwrite_stream &os) {
    std::string bytes;
    if (!model.SerializeToString(&bytes)) {
      errs() << outputPath << ": error: the model does not serialize\n";
      return failure();
    }
    os << bytes;
    return success();
  });
}

/// The precision plan of the command line, written into `folder` as
/// `path`: --precision-plan's file, or an empty one, with the --precision
/// entries after its own. Errors are reported.
static LogicalResult writeCommandLinePlan(StringRef folder,
                                          SmallVectorImpl<char> &path) {
  if (layerPrecisions.empty()) {
    path.assign(precisionPlan.begin(), precisionPlan.end());
    return success();
  }
  json::Object root;
  json::Array layers;
  if (!precisionPlan.empty()) {
    Expected<quantc::PrecisionPlan> plan =
        quantc::readPrecisionPlan(precisionPlan);
    if (!plan) {
      errs() << "quantc: error: " << toString(plan.takeError()) << "\n";
      return failure();
    }
    if (plan->defaultPrecision != quantc::Precision::Default)
      root["default"] = quantc::getPrecisionName(plan->defaultPrecision);
    for (const quantc::PrecisionPlan::Entry &entry : plan->entries) {
      json::Object object{
          {"precision", quantc::getPrecisionName(entry.precision)}};
      if (entry.node.empty())
        object["op"] = entry.op;
      else
        object["node"] = entry.node;
      layers.push_back(std::move(object));
    }
  }
  for (StringRef option : layerPrecisions) {
    auto [name, precisionName] = option.rsplit('=');
    std::optional<quantc::Precision> precision =
        quantc::parsePrecision(precisionName);
    if (name.empty() || !precision) {
      errs() << "quantc: error: --precision takes NODE=PRECISION or "
                "OPTYPE=PRECISION with fp32, int8 or int4, not '"
             << option << "'\n";
      return failure();
    }
    bool opType = llvm::is_contained({"Conv", "MatMul", "Gemm"}, name);
    layers.push_back(
        json::Object{{opType ? "op" : "node", name},
                     {"precision", quantc::getPrecisionName(*precision)}});
  }
  root["layers"] = std::move(layers);
  path.assign(folder.begin(), folder.end());
  sys::path::append(path, "command-line-plan.json");
  return writeFileAtomically(
      StringRef(path.data(), path.size()),
      formatv("{0:2}", json::Value(std::move(root))).str());
}

/// Imports the model as function `functionName` and runs the quantization
/// `quantizeMode` asks for (none: as it is). Errors are reported.
static FailureOr<OwningOpRef<ModuleOp>>
importQuantized(MLIRContext &context, QuantizeMode quantizeMode,
                StringRef functionName,
                const std::function<void(OpPassManager &)> &beforeQuantize) {
  if (quantizeMode == QuantizeMode::None) {
    if (!precisionPlan.empty() || !layerPrecisions.empty()) {
      errs() << "quantc: error: --precision-plan and --precision need "
                "--quantize\n";
      return failure();
    }
    if (quantizeEmbeddings) {
      errs() << "quantc: error: --quantize-embeddings needs --quantize\n";
      return failure();
    }
    return importModel(context, functionName);
  }
  bool weightOnly = quantizeMode == QuantizeMode::WeightOnly;
  bool dynamic = quantizeMode == QuantizeMode::Dynamic;
  bool codebook = quantizeMode == QuantizeMode::Codebook;
  // Static quantization needs ranges, bias correction channel means: both
  // come from calibration.
  bool calibrated =
      (!weightOnly && !dynamic && !codebook) || (weightOnly && biasCorrection);
  bool smooth = smoothQuant.getNumOccurrences() > 0;
  if (smooth && (!calibrated || weightOnly ||
                 !(smoothQuant >= 0.0 && smoothQuant <= 1.0))) {
    errs() << "quantc: error: --smooth-quant takes an alpha in [0, 1] and "
              "applies to --quantize static\n";
    return failure();
  }
  if (equalizeDepthwise && (!calibrated || weightOnly || perTensor)) {
    errs() << "quantc: error: --equalize-depthwise applies to --quantize "
              "static with per-channel weights\n";
    return failure();
  }
  if ((dynamicPerRow || dynamicConv) && !dynamic) {
    errs() << "quantc: error: --dynamic-per-row and --dynamic-conv apply to "
              "--quantize dynamic\n";
    return failure();
  }
  if (biasCorrection && !calibrated) {
    errs() << "quantc: error: --bias-correction applies to --quantize static "
              "and weight-only\n";
    return failure();
  }
  if (calibrationDir.empty() && calibrated) {
    errs() << "quantc: error: --quantize "
           << (weightOnly ? "weight-only --bias-correction" : "static")
           << " needs a calibration set (--calibration DIR)\n";
    return failure();
  }
  if (bits != 8 && bits != 4) {
    errs() << "quantc: error: --bits must be 8 or 4\n";
    return failure();
  }
  if (codebook && (groupSize != 0 ||
                   !llvm::is_contained({"kmeans", "pow2"}, codebookMethod))) {
    errs() << "quantc: error: --quantize codebook takes --bits 4 or 8 and "
              "--codebook-method kmeans or pow2, and no --group-size\n";
    return failure();
  }
  // Under a precision plan (or analyze), --group-size applies to the
  // contractions at int4.
  bool mixed = !precisionPlan.empty() || !layerPrecisions.empty() ||
               analyzeCommand || reportCommand;
  if ((bits != 8 || (groupSize != 0 && !mixed)) && !weightOnly && !codebook &&
      !dynamic) {
    errs() << "quantc: error: --bits 4 and --group-size apply to --quantize "
              "weight-only and dynamic; static quantization is 8-bit (a "
              "precision plan gives layers int4 weights)\n";
    return failure();
  }

  if (dynamic && groupSize != 0 && bits != 4 && !mixed) {
    errs() << "quantc: error: --quantize dynamic takes --group-size with "
              "--bits 4\n";
    return failure();
  }
  if (groupSize < 0 || (groupSize > 0 && perTensor)) {
    errs() << "quantc: error: --group-size must be positive, and groups lie "
              "within output channels (not with --per-tensor)\n";
    return failure();
  }
  if (perTensor && perChannel) {
    errs() << "quantc: error: --per-tensor and --per-channel exclude each "
              "other\n";
    return failure();
  }
  if (activationType != "u8" && activationType != "s8") {
    errs() << "quantc: error: --activation-type must be u8 or s8\n";
    return failure();
  }
  if (!llvm::is_contained({"minmax", "percentile", "entropy", "mse"},
                          calibrationMethod)) {
    errs() << "quantc: error: --calibration-method must be minmax, "
              "percentile, entropy or mse\n";
    return failure();
  }
  SmallString<128> scratch, stats;
  if (failed(createScratchFolder("quantc-quantize", scratch)))
    return failure();
  auto cleanup =
      llvm::scope_exit([&] { sys::fs::remove_directories(scratch); });
  // A statistics file of quantc calibrate is used as it is; a folder is a
  // calibration set to run.
  if (!calibrated) {
    // No range is needed: nothing to calibrate.
  } else if (sys::fs::is_regular_file(calibrationDir)) {
    stats = calibrationDir;
  } else {
    stats = scratch;
    sys::path::append(stats, "stats.json");
    if (calibrateTo(context, calibrationDir, stats))
      return failure();
  }

  FailureOr<OwningOpRef<ModuleOp>> module = importModel(context, functionName);
  if (failed(module))
    return failure();
  SmallVector<std::string> keep;
  for (const std::string &name : keepFloat) {
    static const llvm::StringMap<std::string> opNames = {
        {"Conv", "qnn.conv"}, {"MatMul", "qnn.matmul"}, {"Gemm", "qnn.gemm"}};
    auto it = opNames.find(name);
    keep.push_back(it == opNames.end() ? name : it->second);
  }
  PassManager pm(&context);
  if (calibrated) {
    quantc::CalibrateOptions calibrate;
    calibrate.statsFile = stats.str().str();
    calibrate.method = calibrationMethod;
    calibrate.percentile = calibrationPercentile;
    pm.addNestedPass<func::FuncOp>(quantc::createCalibrate(calibrate));
    if (smooth || equalizeDepthwise) {
      quantc::SmoothQuantOptions options;
      options.statsFile = stats.str().str();
      options.linear = smooth;
      options.depthwise = equalizeDepthwise;
      if (smooth)
        options.alpha = smoothQuant;
      options.keepFloat.assign(keep.begin(), keep.end());
      pm.addNestedPass<func::FuncOp>(quantc::createSmoothQuant(options));
    }
    pm.addNestedPass<func::FuncOp>(quantc::createPropagateScales());
  }
  if (!precisionPlan.empty() || !layerPrecisions.empty()) {
    SmallString<128> plan;
    if (failed(writeCommandLinePlan(scratch, plan)))
      return failure();
    quantc::MixedPrecisionOptions options;
    options.planFile = std::string(plan);
    pm.addNestedPass<func::FuncOp>(quantc::createMixedPrecision(options));
  }
  if (beforeQuantize)
    beforeQuantize(pm);
  if (codebook) {
    quantc::QuantizeCodebookOptions options;
    options.bits = bits;
    options.method = codebookMethod;
    options.perChannel = !perTensor;
    options.keepFloat.assign(keep.begin(), keep.end());
    pm.addNestedPass<func::FuncOp>(quantc::createQuantizeCodebook(options));
  } else if (dynamic) {
    quantc::QuantizeDynamicOptions options;
    options.perChannel = !perTensor;
    options.perRow = dynamicPerRow;
    options.conv = dynamicConv;
    options.bits = bits;
    options.groupSize = groupSize;
    options.keepFloat.assign(keep.begin(), keep.end());
    pm.addNestedPass<func::FuncOp>(quantc::createQuantizeDynamic(options));
  } else {
    quantc::QuantizeOptions quantize;
    quantize.mode = weightOnly ? "weight-only" : "static";
    quantize.perChannel = !perTensor;
    quantize.activationType = activationType;
    quantize.bits = bits;
    quantize.groupSize = groupSize;
    quantize.biasCorrection = biasCorrection;
    quantize.keepFloat.assign(keep.begin(), keep.end());
    // Integer-only code needs every op between the contractions quantized.
    if (integerOnly)
      quantize.activations = "all";
    pm.addNestedPass<func::FuncOp>(quantc::createQuantize(quantize));
  }
  if (quantizeEmbeddings) {
    quantc::QuantizeEmbeddingsOptions options;
    options.keepFloat.assign(keep.begin(), keep.end());
    pm.addNestedPass<func::FuncOp>(quantc::createQuantizeEmbeddings(options));
  }
  if (failed(pm.run(**module)))
    return failure();
  return module;
}

static int runImport(MLIRContext &context) {
  FailureOr<OwningOpRef<ModuleOp>> module = importRaw(context, "main");
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

/// "FLOAT [2, 5]".
static std::string describeTensor(const quantc::HostTensor &tensor) {
  std::string text = quantc::getDTypeName(tensor.dtype).str() + " [";
  for (auto [i, size] : llvm::enumerate(tensor.shape))
    text += (i ? ", " : "") + std::to_string(size);
  return text + "]";
}

/// Reads element `i` of a float tensor as double.
static double readFloat(const quantc::HostTensor &tensor, int64_t i) {
  if (tensor.dtype == 11) {
    double v;
    std::memcpy(&v, tensor.data.data() + 8 * i, 8);
    return v;
  }
  float v;
  std::memcpy(&v, tensor.data.data() + 4 * i, 4);
  return v;
}

/// Compares `actual` with `expected`: float32/64 within atol + rtol |e|
/// (NaN matching NaN), everything else bit for bit. Prints the errors.
static bool compareOutput(StringRef name, const quantc::HostTensor &actual,
                          const quantc::HostTensor &expected) {
  if (actual.dtype != expected.dtype || actual.shape != expected.shape) {
    errs() << "quantc: error: output '" << name << "' is "
           << describeTensor(actual) << " but the expectation is "
           << describeTensor(expected) << "\n";
    return false;
  }
  if (actual.dtype != 1 && actual.dtype != 11) {
    bool same = actual.data == expected.data;
    outs() << "output '" << name << "': " << (same ? "identical" : "differs")
           << "\n";
    return same;
  }
  double maxAbs = 0, maxRel = 0;
  bool ok = true;
  for (int64_t i = 0, e = actual.getNumElements(); i < e; ++i) {
    double a = readFloat(actual, i), x = readFloat(expected, i);
    if (std::isnan(a) || std::isnan(x)) {
      ok &= std::isnan(a) && std::isnan(x);
      continue;
    }
    double error = std::fabs(a - x);
    if (std::isinf(a) || std::isinf(x)) {
      ok &= a == x;
      continue;
    }
    maxAbs = std::max(maxAbs, error);
    maxRel = std::max(maxRel, error / std::max(std::fabs(x), 1e-30));
    ok &= error <= absoluteTolerance + relativeTolerance * std::fabs(x);
  }
  outs() << "output '" << name << "': max abs error "
         << llvm::format("%.3g", maxAbs) << ", max relative error "
         << llvm::format("%.3g", maxRel) << (ok ? "" : " (mismatch)") << "\n";
  return ok;
}

/// Prints `error` as quantc's error; returns the exit status 1.
static int fail(Error error) {
  errs() << "quantc: error: " << toString(std::move(error)) << "\n";
  return 1;
}

/// The compiled model at `path`, its runs on `threads` threads.
static Expected<std::unique_ptr<quantc::LoadedModel>>
loadModel(StringRef path, unsigned threads) {
  Expected<std::unique_ptr<quantc::LoadedModel>> model =
      quantc::LoadedModel::load(path);
  if (!model)
    return model.takeError();
  if (Error error = (*model)->setThreads(int(threads)))
    return error;
  return model;
}

static int runRun() {
  Expected<std::unique_ptr<quantc::LoadedModel>> model =
      loadModel(libraryPath, runThreads);
  if (!model)
    return fail(model.takeError());
  const auto &inputs = (*model)->getInputs();
  std::vector<std::optional<quantc::HostTensor>> args(inputs.size());
  if (!inputsDir.empty()) {
    Expected<std::vector<quantc::HostTensor>> read =
        quantc::readTensorFolder(inputsDir, "input");
    if (!read)
      return fail(read.takeError());
    for (size_t i = 0; i < read->size() && i < args.size(); ++i)
      args[i] = std::move((*read)[i]);
  }
  for (StringRef option : inputFiles) {
    auto [name, file] = option.split('=');
    auto it = llvm::find_if(
        inputs, [&](const auto &info) { return info.name == name; });
    if (it == inputs.end() || file.empty()) {
      errs() << "quantc: error: --input '" << option
             << "' names no input of the model\n";
      return 1;
    }
    Expected<quantc::HostTensor> tensor = quantc::readTensorFile(file);
    if (!tensor)
      return fail(tensor.takeError());
    args[it - inputs.begin()] = std::move(*tensor);
  }
  std::vector<quantc::HostTensor> given;
  for (auto [info, arg] : llvm::zip_equal(inputs, args)) {
    if (!arg) {
      errs() << "quantc: error: input '" << info.name
             << "' is not given (--inputs or --input)\n";
      return 1;
    }
    given.push_back(*arg);
  }

  Expected<std::vector<quantc::HostTensor>> results = (*model)->run(given);
  if (!results)
    return fail(results.takeError());
  const auto &outputs = (*model)->getOutputs();
  for (auto [info, result] : llvm::zip_equal(outputs, *results))
    outs() << "output '" << info.name << "': " << describeTensor(result)
           << "\n";

  int status = 0;
  if (!expectDir.empty()) {
    Expected<std::vector<quantc::HostTensor>> expected =
        quantc::readTensorFolder(expectDir, "output");
    if (!expected)
      return fail(expected.takeError());
    if (expected->size() != results->size()) {
      errs() << "quantc: error: the model has " << results->size()
             << " outputs but " << expectDir << " holds " << expected->size()
             << "\n";
      return 1;
    }
    for (size_t i = 0; i < results->size(); ++i)
      if (!compareOutput(outputs[i].name, (*results)[i], (*expected)[i]))
        status = 1;
  }

  if (benchRuns > 0) {
    std::vector<double> milliseconds;
    // The outputs of the first run are the buffers of the timed ones, as in
    // a program that calls NAME_run with its own buffers.
    Expected<std::vector<quantc::HostTensor>> buffers = (*model)->run(given);
    if (!buffers)
      return fail(buffers.takeError());
    for (unsigned i = 0; i <= benchRuns; ++i) {
      auto start = std::chrono::steady_clock::now();
      llvm::Error timed = (*model)->runInto(given, *buffers);
      auto end = std::chrono::steady_clock::now();
      if (timed)
        return fail(std::move(timed));
      if (i > 0) // the first run warms up
        milliseconds.push_back(
            std::chrono::duration<double, std::milli>(end - start).count());
    }
    llvm::sort(milliseconds);
    outs() << "latency over " << benchRuns << " runs: median "
           << llvm::format("%.4g", milliseconds[milliseconds.size() / 2])
           << " ms, min " << llvm::format("%.4g", milliseconds.front())
           << " ms\n";
  }
  return status;
}

/// The --quantize name of `mode`.
static StringRef getQuantizeModeName(QuantizeMode mode) {
  switch (mode) {
  case QuantizeMode::None:
    return "none";
  case QuantizeMode::Static:
    return "static";
  case QuantizeMode::Dynamic:
    return "dynamic";
  case QuantizeMode::WeightOnly:
    return "weight-only";
  case QuantizeMode::Codebook:
    return "codebook";
  }
  llvm_unreachable("unknown mode");
}

/// The layer records of the contractions qnn-precision-switches switched
/// (marked fp32, in program order): node, op, weight sizes and
/// multiply-accumulates per run (a dynamic output size counts 1).
static std::vector<quantc::LayerSensitivity>
describeSwitchedLayers(func::FuncOp func, int64_t groupSize) {
  std::vector<quantc::LayerSensitivity> layers;
  func.walk([&](Operation *op) {
    if (!isa<quantc::qnn::ConvOp, quantc::qnn::MatMulOp, quantc::qnn::GemmOp>(
            op) ||
        quantc::getPrecision(op) != quantc::Precision::Float)
      return;
    quantc::LayerSensitivity layer;
    layer.node = quantc::getNodeName(op->getLoc());
    auto weightType = cast<RankedTensorType>(op->getOperand(1).getType());
    ArrayRef<int64_t> shape = weightType.getShape();
    layer.weights = weightType.getNumElements();
    layer.op = quantc::getContractionOpType(op).str();
    auto [channelAxis, reductionAxis] = quantc::getWeightAxes(op);
    layer.channels = channelAxis ? shape[*channelAxis] : 1;
    int64_t reduction = shape[*reductionAxis];
    layer.int4Groups = groupSize > 0 && reduction % groupSize == 0
                           ? layer.weights / groupSize
                           : layer.channels;
    int64_t outputs = 1;
    for (int64_t size :
         cast<RankedTensorType>(op->getResult(0).getType()).getShape())
      outputs *= ShapedType::isDynamic(size) ? 1 : size;
    layer.macs =
        outputs * (layer.weights / std::max<int64_t>(layer.channels, 1));
    layers.push_back(std::move(layer));
  });
  return layers;
}

/// "12.34" or "inf".
static std::string formatDecibels(double value) {
  if (std::isinf(value))
    return "inf";
  return formatv("{0:F2}", value).str();
}

/// The precisions --plan-precisions allows (fp32 and the `measured` ones
/// by default), or none after an error message.
static std::optional<std::vector<quantc::Precision>>
getPlanPrecisions(ArrayRef<quantc::Precision> measured) {
  std::vector<quantc::Precision> allowed;
  for (const std::string &name : planPrecisions) {
    std::optional<quantc::Precision> precision = quantc::parsePrecision(name);
    if (!precision || (*precision != quantc::Precision::Float &&
                       !llvm::is_contained(measured, *precision))) {
      errs() << "quantc: error: --plan-precisions takes fp32 and the "
                "precisions measured, not '"
             << name << "'\n";
      return std::nullopt;
    }
    allowed.push_back(*precision);
  }
  if (allowed.empty()) {
    allowed = {quantc::Precision::Float};
    llvm::append_range(allowed, measured);
  }
  if (objectiveName != "size" && objectiveName != "latency") {
    errs() << "quantc: error: --objective must be size or latency\n";
    return std::nullopt;
  }
  return allowed;
}

/// quantc plan: the search of quantc analyze --min-sqnr on an analysis
/// file, predicted only.
static int runPlan() {
  Expected<quantc::Analysis> analysis = quantc::readAnalysisJSON(planAnalysis);
  if (!analysis)
    return fail(analysis.takeError());
  std::optional<std::vector<quantc::Precision>> allowed =
      getPlanPrecisions(analysis->precisions);
  if (!allowed)
    return 1;
  if (!minSQNR.getNumOccurrences()) {
    errs() << "quantc: error: state the budget with --min-sqnr DB\n";
    return 1;
  }
  Expected<quantc::PrecisionChoice> choice = quantc::searchPrecisions(
      *analysis, *allowed, minSQNR,
      objectiveName == "size" ? quantc::Objective::Size
                              : quantc::Objective::Latency);
  if (!choice)
    return fail(choice.takeError());
  return writeOutput(planOutput.empty() ? "-" : StringRef(planOutput),
                     [&](raw_pwrite_stream &os) {
                       quantc::writePrecisionPlan(os, *analysis, *choice,
                                                  minSQNR, std::nullopt);
                       return success();
                     });
}

/// When --calibration names a calibration folder, calibrates it into
/// `folder`/stats.json and makes --calibration name that file, so that the
/// commands that quantize several times calibrate once. Errors are
/// reported.
static LogicalResult calibrateFolderOnce(MLIRContext &context,
                                         StringRef folder) {
  if (calibrationDir.empty() || !sys::fs::is_directory(calibrationDir))
    return success();
  SmallString<128> statsPath(folder);
  sys::path::append(statsPath, "stats.json");
  if (calibrateTo(context, calibrationDir, statsPath))
    return failure();
  calibrationDir.setValue(std::string(statsPath));
  return success();
}

/// The median time of the model quantized as `mode` says with the
/// precision plan `plan`, compiled for this machine into `folder`, on one
/// thread on the first sample of `dataDir`. Errors are reported.
static FailureOr<double> timePlan(MLIRContext &context, QuantizeMode mode,
                                  StringRef plan, StringRef folder,
                                  StringRef name, StringRef dataDir) {
  FailureOr<OwningOpRef<ModuleOp>> module =
      importQuantized(context, mode, "forward", [&](OpPassManager &pm) {
        quantc::MixedPrecisionOptions options;
        options.planFile = plan.str();
        pm.addNestedPass<func::FuncOp>(quantc::createMixedPrecision(options));
      });
  if (failed(module))
    return failure();
  SmallString<128> library(folder);
  sys::path::append(library, "lib" + name + ".so");
  FailureOr<std::unique_ptr<quantc::LoadedModel>> model =
      compileForHost(**module, library);
  if (failed(model))
    return failure();
  Expected<double> seconds = timeModel(**model, dataDir, 10);
  if (!seconds) {
    errs() << "quantc: error: " << toString(seconds.takeError()) << "\n";
    return failure();
  }
  return *seconds;
}

/// quantc analyze: compiles the model once with every contraction switchable
/// between float and each of --precisions, measures each one alone, all but
/// one, and each precision everywhere, writes the analysis and, with
/// --min-sqnr, searches for a plan and checks it on the same samples.
static int runAnalyze(MLIRContext &context) {
  QuantizeMode mode =
      quantizeMode == QuantizeMode::None ? QuantizeMode::Static : quantizeMode;
  std::string dataDir = analysisData.empty() ? calibrationDir : analysisData;
  if (dataDir.empty() || !sys::fs::is_directory(dataDir)) {
    errs() << "quantc: error: name the samples to measure on: --data DIR, or "
              "a --calibration folder\n";
    return 1;
  }
  std::vector<quantc::Precision> precisions;
  for (const std::string &name : analysisPrecisions) {
    std::optional<quantc::Precision> precision = quantc::parsePrecision(name);
    if (!precision || *precision == quantc::Precision::Float ||
        llvm::is_contained(precisions, *precision)) {
      errs() << "quantc: error: --precisions takes int8 and int4, each "
                "once, not '"
             << name << "'\n";
      return 1;
    }
    precisions.push_back(*precision);
  }
  if (precisions.empty())
    precisions = {quantc::Precision::Int8, quantc::Precision::Int4};
  std::optional<std::vector<quantc::Precision>> allowed =
      getPlanPrecisions(precisions);
  if (!allowed)
    return 1;
  if (minSQNR.getNumOccurrences() && planOutput.empty()) {
    errs() << "quantc: error: --min-sqnr writes its plan to --plan-output "
              "FILE\n";
    return 1;
  }
  Expected<std::vector<std::string>> allSamples = [&] {
    FailureOr<OwningOpRef<ModuleOp>> raw = importRaw(context, "forward");
    if (failed(raw))
      return Expected<std::vector<std::string>>(
          createStringError("the model does not import"));
    auto func = (**raw).lookupSymbol<func::FuncOp>("forward");
    return quantc::listCalibrationSamples(dataDir, func.getNumArguments());
  }();
  if (!allSamples)
    return fail(allSamples.takeError());
  std::vector<std::string> samples = *allSamples;
  if (maxSamples > 0 && samples.size() > maxSamples)
    samples.resize(maxSamples);

  SmallString<128> scratch, library;
  if (failed(createScratchFolder("quantc-analyze", scratch)))
    return 1;
  auto cleanup =
      llvm::scope_exit([&] { sys::fs::remove_directories(scratch); });
  // A calibration folder is calibrated once, for every compilation here.
  if (mode == QuantizeMode::Static &&
      failed(calibrateFolderOnce(context, scratch)))
    return 1;

  FailureOr<OwningOpRef<ModuleOp>> module =
      importQuantized(context, mode, "forward", [&](OpPassManager &pm) {
        quantc::PrecisionSwitchesOptions options;
        for (quantc::Precision precision : precisions)
          options.precisions.push_back(
              quantc::getPrecisionName(precision).str());
        options.conv = mode != QuantizeMode::Dynamic || dynamicConv;
        pm.addNestedPass<func::FuncOp>(
            quantc::createPrecisionSwitches(options));
      });
  if (failed(module))
    return 1;
  auto func = (**module).lookupSymbol<func::FuncOp>("forward");
  quantc::Analysis analysis;
  analysis.model = inputPath;
  analysis.quantize = getQuantizeModeName(mode).str();
  analysis.precisions = precisions;
  analysis.layers = describeSwitchedLayers(func, groupSize);
  if (analysis.layers.empty()) {
    errs() << inputPath
           << ": error: the model has no Conv, MatMul or Gemm with a constant "
              "weight to analyze\n";
    return 1;
  }

  library = scratch;
  sys::path::append(library, "libanalysis.so");
  FailureOr<std::unique_ptr<quantc::LoadedModel>> model =
      compileForHost(**module, library);
  if (failed(model))
    return 1;
  if (!saveLibrary.empty()) {
    SmallString<128> kept(saveLibrary);
    sys::path::append(kept, "libanalysis.so");
    if (std::error_code ec = sys::fs::create_directories(saveLibrary);
        ec || (ec = sys::fs::copy_file(library, kept))) {
      errs() << kept << ": error: cannot write: " << ec.message() << "\n";
      return 1;
    }
  }

  bool terminal = sys::Process::StandardErrIsDisplayed();
  auto progress = [&](StringRef what) {
    return [&, what](size_t done, size_t total) {
      if (!terminal)
        return;
      constexpr size_t width = 30;
      size_t filled = total ? done * width / total : width;
      errs() << "\r" << what << " [" << std::string(filled, '#')
             << std::string(width - filled, ' ') << "] " << done << "/"
             << total;
      if (done == total)
        errs() << "\n";
    };
  };
  if (Error error = quantc::analyzeLayers(**model, samples, analysis,
                                          progress("measuring layers")))
    return fail(std::move(error));
  if (measureLatency) {
    std::vector<quantc::Precision> timed = {quantc::Precision::Float};
    llvm::append_range(timed, precisions);
    for (quantc::Precision precision : timed) {
      StringRef name = quantc::getPrecisionName(precision);
      SmallString<128> plan(scratch);
      sys::path::append(plan, "uniform-" + name + ".json");
      if (failed(writeFileAtomically(plan, "{\"default\": \"" + name.str() +
                                               "\", \"layers\": []}\n")))
        return 1;
      FailureOr<double> seconds =
          timePlan(context, mode, plan, scratch, name, dataDir);
      if (failed(seconds))
        return 1;
      analysis.measuredSeconds[precision] = *seconds;
    }
  }
  if (writeOutput(outputPath, [&](raw_pwrite_stream &os) {
        quantc::writeAnalysisJSON(os, analysis);
        return success();
      }))
    return 1;

  // The summary: each layer's SQNR alone and all but it, in dB.
  raw_ostream &os = outs();
  os << formatv("{0,-32} {1,-6} {2,10}", "layer", "op", "weights");
  for (quantc::Precision precision : precisions)
    os << formatv(" {0,9}", quantc::getPrecisionName(precision).str() + " dB");
  os << formatv(" {0,14}\n", "all-but dB");
  for (const quantc::LayerSensitivity &layer : analysis.layers) {
    os << formatv("{0,-32} {1,-6} {2,10}", StringRef(layer.node).take_back(32),
                  layer.op, layer.weights);
    for (quantc::Precision precision : precisions)
      os << formatv(" {0,9}",
                    formatDecibels(layer.alone.at(precision).getSQNR()));
    os << formatv(" {0,14}\n", formatDecibels(layer.allButThis->getSQNR()));
  }
  for (quantc::Precision precision : precisions) {
    const quantc::OutputError &uniform = analysis.uniform.at(precision);
    os << "every layer " << quantc::getPrecisionName(precision) << ": "
       << formatDecibels(uniform.getSQNR()) << " dB, cosine "
       << formatv("{0:F6}", uniform.cosine) << ", max error "
       << formatv("{0:G4}", uniform.maxError) << "\n";
  }
  for (auto [precision, seconds] : analysis.measuredSeconds)
    os << "every layer " << quantc::getPrecisionName(precision) << ": "
       << formatv("{0:F3}", 1e3 * seconds) << " ms a run (1 thread)\n";
  os << "(" << analysis.samples << " samples)\n";
  if (!minSQNR.getNumOccurrences())
    return 0;

  // The plan: searched on the predicted SQNR, then measured; a plan that
  // falls short is searched again with a budget raised by the shortfall.
  quantc::Objective objective = objectiveName == "size"
                                    ? quantc::Objective::Size
                                    : quantc::Objective::Latency;
  // The plan must reach the budget plus the margin on these samples.
  double required = minSQNR + sqnrMargin;
  double target = required;
  std::optional<quantc::PrecisionChoice> best;
  double measured = 0;
  for (int attempt = 0; attempt < 5; ++attempt) {
    Expected<quantc::PrecisionChoice> choice =
        quantc::searchPrecisions(analysis, *allowed, target, objective);
    if (!choice)
      return fail(choice.takeError());
    Expected<std::vector<quantc::OutputError>> errors = quantc::measureSettings(
        **model, samples, {quantc::getSetting(analysis, choice->precisions)},
        progress("measuring the plan"));
    if (!errors)
      return fail(errors.takeError());
    best = *choice;
    measured = errors->front().getSQNR();
    if (measured >= required)
      break;
    target += required - measured + 0.1;
  }
  std::optional<double> planSeconds;
  if (measureLatency) {
    SmallString<128> plan(scratch);
    sys::path::append(plan, "plan.json");
    std::string text;
    raw_string_ostream planText(text);
    quantc::writePrecisionPlan(planText, analysis, *best, minSQNR, measured,
                               std::nullopt, sqnrMargin);
    if (failed(writeFileAtomically(plan, text)))
      return 1;
    FailureOr<double> seconds =
        timePlan(context, mode, plan, scratch, "plan", dataDir);
    if (failed(seconds))
      return 1;
    planSeconds = *seconds;
  }
  if (writeOutput(planOutput, [&](raw_pwrite_stream &planStream) {
        quantc::writePrecisionPlan(planStream, analysis, *best, minSQNR,
                                   measured, planSeconds, sqnrMargin);
        return success();
      }))
    return 1;
  std::map<quantc::Precision, int> counts;
  for (quantc::Precision precision : best->precisions)
    ++counts[precision];
  os << "plan for at least " << formatDecibels(minSQNR) << " dB";
  if (sqnrMargin != 0)
    os << " (+" << formatDecibels(sqnrMargin) << " dB of margin here)";
  os << ":";
  for (auto [precision, count] : counts)
    os << " " << count << " " << quantc::getPrecisionName(precision);
  os << "; predicted " << formatDecibels(best->predictedSQNR)
     << " dB, measured " << formatDecibels(measured) << " dB; weights "
     << formatv("{0:F0}", best->bytes) << " bytes";
  if (planSeconds)
    os << "; latency predicted " << formatv("{0:F3}", 1e3 * best->seconds)
       << " ms, measured " << formatv("{0:F3}", 1e3 * *planSeconds) << " ms";
  os << "\n";
  if (measured < required) {
    errs() << "quantc: error: the plan measures " << formatDecibels(measured)
           << " dB, below the budget of " << formatDecibels(required)
           << " dB, after 5 searches; it is written to " << planOutput << "\n";
    return 1;
  }
  return 0;
}

/// The min and max of the scales of a quantized element type.
static std::optional<std::pair<double, double>> getScaleRange(mlir::Type type) {
  SmallVector<double> scales;
  if (auto uniform = dyn_cast<quant::UniformQuantizedType>(type))
    scales.push_back(uniform.getScale());
  else if (auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(type))
    llvm::append_range(scales, perAxis.getScales());
  else if (auto sub = dyn_cast<quant::UniformQuantizedSubChannelType>(type))
    for (APFloat scale : sub.getScales().getValues<APFloat>())
      scales.push_back(scale.convertToDouble());
  if (scales.empty())
    return std::nullopt;
  auto [lo, hi] = std::minmax_element(scales.begin(), scales.end());
  return std::make_pair(*lo, *hi);
}

/// What the IR says of how `op`, a part of an analysed layer, quantizes
/// it: the contraction's precision, how its input is quantized, and its
/// scales.
static void describeQuantizedLayer(Operation *op, quantc::ReportLayer &layer) {
  namespace qnn = quantc::qnn;
  if (isa<qnn::MatMulIntegerOp, qnn::ConvIntegerOp, qnn::GroupedMatMulOp>(op)) {
    layer.precision = isa<qnn::GroupedMatMulOp>(op) ? quantc::Precision::Int4
                                                    : quantc::Precision::Int8;
    layer.input = "at run time";
    return;
  }
  if (!isa<qnn::ConvOp, qnn::MatMulOp, qnn::GemmOp>(op))
    return;
  if (auto weight = op->getOperand(1).getDefiningOp<qnn::DequantizeOp>()) {
    auto element = cast<quant::QuantizedType>(
        cast<RankedTensorType>(weight.getOperand().getType()).getElementType());
    layer.precision = element.getStorageTypeIntegralWidth() == 4
                          ? quantc::Precision::Int4
                          : quantc::Precision::Int8;
    layer.weightScales = getScaleRange(element);
  }
  auto dequantize = op->getOperand(0).getDefiningOp<qnn::DequantizeOp>();
  auto quantize = dequantize
                      ? dequantize.getOperand().getDefiningOp<qnn::QuantizeOp>()
                      : qnn::QuantizeOp();
  if (!quantize)
    return;
  if (auto element = dyn_cast<quant::UniformQuantizedType>(
          cast<RankedTensorType>(quantize.getType()).getElementType())) {
    layer.input = element.isSigned() ? "static s8" : "static u8";
    layer.inputScale = element.getScale();
    layer.inputZeroPoint = element.getZeroPoint();
    layer.clipRange = std::make_pair(
        element.getScale() *
            (element.getStorageTypeMin() - element.getZeroPoint()),
        element.getScale() *
            (element.getStorageTypeMax() - element.getZeroPoint()));
  }
}

/// quantc report: quantizes the model as --quantize (or the analysis) and
/// --precision-plan say, reads back from the IR how each analysed layer
/// was quantized, adds its calibrated input histogram and its errors from
/// the analysis, times the compiled model on a sample of --data, and
/// writes the HTML page and a terminal summary.
static int runReport(MLIRContext &context) {
  Expected<quantc::Analysis> analysis =
      quantc::readAnalysisJSON(reportAnalysis);
  if (!analysis)
    return fail(analysis.takeError());
  QuantizeMode mode = quantizeMode;
  if (!quantizeMode.getNumOccurrences())
    for (QuantizeMode candidate :
         {QuantizeMode::Static, QuantizeMode::Dynamic, QuantizeMode::WeightOnly,
          QuantizeMode::Codebook})
      if (getQuantizeModeName(candidate) == analysis->quantize)
        mode = candidate;
  if (mode == QuantizeMode::None) {
    errs() << "quantc: error: name the quantization with --quantize\n";
    return 1;
  }
  SmallString<128> scratch;
  if (failed(createScratchFolder("quantc-report", scratch)))
    return 1;
  auto cleanup =
      llvm::scope_exit([&] { sys::fs::remove_directories(scratch); });
  // The histograms come from a statistics file: a calibration folder is
  // calibrated first.
  std::optional<llvm::StringMap<quantc::CalibratedTensor>> stats;
  if (!calibrationDir.empty()) {
    if (failed(calibrateFolderOnce(context, scratch)))
      return 1;
    Expected<llvm::StringMap<quantc::CalibratedTensor>> read =
        quantc::readCalibrationFile(calibrationDir);
    if (!read)
      return fail(read.takeError());
    stats = std::move(*read);
  }
  FailureOr<OwningOpRef<ModuleOp>> module =
      importQuantized(context, mode, "forward");
  if (failed(module))
    return 1;
  auto func = (**module).lookupSymbol<func::FuncOp>("forward");

  quantc::Report report;
  report.model = inputPath;
  report.quantize = getQuantizeModeName(mode).str();
  report.samples = analysis->samples;
  llvm::StringMap<size_t> byNode;
  for (const quantc::LayerSensitivity &layer : analysis->layers) {
    byNode[layer.node] = report.layers.size();
    quantc::ReportLayer entry;
    entry.layer = layer;
    report.layers.push_back(std::move(entry));
  }
  func.walk([&](Operation *op) {
    auto it = byNode.find(quantc::getNodeName(op->getLoc()));
    if (it != byNode.end())
      describeQuantizedLayer(op, report.layers[it->second]);
  });
  // Each layer's input histogram, under the calibration key its input has
  // in the model before quantization (passes add ops under a node's name,
  // which renumbers the keys after).
  if (stats) {
    FailureOr<OwningOpRef<ModuleOp>> plain = importModel(context, "forward");
    if (failed(plain))
      return 1;
    auto plainFunc = (**plain).lookupSymbol<func::FuncOp>("forward");
    llvm::DenseMap<mlir::Value, std::string> keys =
        quantc::getCalibrationKeys(plainFunc);
    for (Operation *op : quantc::getWeightedContractions(plainFunc)) {
      auto it = byNode.find(quantc::getNodeName(op->getLoc()));
      auto key = keys.find(op->getOperand(0));
      if (it == byNode.end() || key == keys.end())
        continue;
      auto tensor = stats->find(key->second);
      if (tensor == stats->end() || !tensor->second.stats.hasRange())
        continue;
      quantc::ReportLayer &layer = report.layers[it->second];
      layer.histogram = tensor->second.stats.getCounts();
      layer.histogramMin = tensor->second.stats.getMin();
      layer.histogramMax = tensor->second.stats.getMax();
    }
  }
  SmallVector<quantc::Precision> precisions;
  for (const quantc::ReportLayer &layer : report.layers) {
    precisions.push_back(layer.precision);
    report.bytes += quantc::getWeightBytes(layer.layer, layer.precision);
    report.floatBytes +=
        quantc::getWeightBytes(layer.layer, quantc::Precision::Float);
  }
  report.predictedSeconds = quantc::predictSeconds(*analysis, precisions);
  report.latencyMeasured = !analysis->measuredSeconds.empty();
  report.predictedSQNR = quantc::predictSQNR(*analysis, precisions);
  if (!precisionPlan.empty()) {
    // A plan of quantc analyze records its measured SQNR.
    ErrorOr<std::unique_ptr<MemoryBuffer>> buffer =
        MemoryBuffer::getFile(precisionPlan);
    Expected<json::Value> value = buffer ? json::parse((*buffer)->getBuffer())
                                         : Expected<json::Value>(nullptr);
    if (!value)
      consumeError(value.takeError());
    else if (const json::Object *root = value->getAsObject())
      if (std::optional<double> measured = root->getNumber("measured_sqnr_db"))
        report.measuredSQNR = *measured;
  } else if (llvm::all_equal(precisions) &&
             analysis->uniform.count(precisions.front())) {
    report.measuredSQNR = analysis->uniform[precisions.front()].getSQNR();
  }

  // The compiled model, timed on one thread on the first sample.
  if (!analysisData.empty()) {
    SmallString<128> library(scratch);
    sys::path::append(library, "libreport.so");
    FailureOr<std::unique_ptr<quantc::LoadedModel>> model =
        compileForHost(**module, library);
    if (failed(model))
      return 1;
    uint64_t size = 0;
    if (!sys::fs::file_size(library, size))
      report.libraryBytes = size;
    Expected<double> seconds = timeModel(**model, analysisData, 10);
    if (!seconds)
      return fail(seconds.takeError());
    report.measuredSeconds = *seconds;
  }

  if (writeOutput(outputPath, [&](raw_pwrite_stream &os) {
        quantc::writeReportHTML(os, report);
        return success();
      }))
    return 1;
  quantc::writeReportSummary(outs(), report);
  return 0;
}

static cl::opt<std::string> generateLibrary(cl::Positional,
                                            cl::desc("<libNAME.so>"),
                                            cl::Required,
                                            cl::sub(generateCommand));
static cl::opt<std::string> generatePrompt("prompt",
                                           cl::desc("The text to continue"),
                                           cl::Required,
                                           cl::sub(generateCommand));
static cl::opt<unsigned>
    generateTokens("max-tokens", cl::desc("Bytes to generate (default 50)"),
                   cl::init(50), cl::sub(generateCommand));
static cl::opt<unsigned>
    generateTopK("top-k",
                 cl::desc("Sample among the K most likely bytes (0 or 1, the "
                          "default: greedy, the most likely byte)"),
                 cl::init(0), cl::sub(generateCommand));
static cl::opt<double>
    generateTemperature("temperature",
                        cl::desc("Divides the logits before top-k sampling"),
                        cl::init(1.0), cl::sub(generateCommand));
static cl::opt<uint64_t>
    generateSeed("seed", cl::desc("Seed of the top-k sampler (default 0)"),
                 cl::init(0), cl::sub(generateCommand));
static cl::opt<unsigned> generateContext(
    "context",
    cl::desc("The model's context in tokens (default 128): a full cache is "
             "rebuilt from the last half"),
    cl::init(128), cl::sub(generateCommand));
static cl::opt<unsigned>
    generateThreads("threads",
                    cl::desc("Threads the model's runs use (0, the default: "
                             "one a core)"),
                    cl::init(0), cl::sub(generateCommand));

/// quantc generate: the prompt's continuation on standard output, then the
/// prefill and decode speeds on standard error.
static int runGenerate() {
  Expected<std::unique_ptr<quantc::LoadedModel>> model =
      loadModel(generateLibrary, generateThreads);
  if (!model)
    return fail(model.takeError());
  quantc::GenerateOptions options;
  options.prompt = generatePrompt;
  options.maxTokens = generateTokens;
  options.topK = generateTopK;
  options.temperature = generateTemperature;
  options.seed = generateSeed;
  options.context = generateContext;
  outs() << options.prompt;
  outs().flush();
  Expected<quantc::GenerateResult> result =
      quantc::generate(**model, options, [](char c) {
        outs() << c;
        outs().flush();
      });
  outs() << "\n";
  outs().flush();
  if (!result)
    return fail(result.takeError());
  auto rate = [](size_t tokens, double seconds) {
    return seconds > 0 ? double(tokens) / seconds : 0.0;
  };
  errs() << llvm::format("prefill: %zu tokens in %.2f ms, %.1f tokens/s\n",
                         result->prefillTokens, result->prefillSeconds * 1e3,
                         rate(result->prefillTokens, result->prefillSeconds));
  errs() << llvm::format("decode: %zu tokens in %.2f ms, %.1f tokens/s\n",
                         result->decodeTokens, result->decodeSeconds * 1e3,
                         rate(result->decodeTokens, result->decodeSeconds));
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
  executablePath =
      sys::fs::getMainExecutable(argv[0], reinterpret_cast<void *>(&main));
  // --mlir-print-debuginfo and the other printer flags; locations name the
  // ONNX node each op came from.
  registerAsmPrinterCLOptions();
  // quantc --help lists the commands, not the options libLLVM registers
  // (--help-hidden still shows them).
  static cl::OptionCategory noTopLevelOptions("quantc");
  cl::HideUnrelatedOptions(noTopLevelOptions);
  cl::SetVersionPrinter([](raw_ostream &os) {
    os << "quantc " << QUANTC_VERSION << " (LLVM and MLIR "
       << LLVM_VERSION_STRING << ")\n";
  });
  cl::ParseCommandLineOptions(argc, argv, "quantc: the quantc compiler\n");

  DialectRegistry registry;
  quantc::registerQuantcDialects(registry);
  MLIRContext context(registry);
  context.getDiagEngine().registerHandler(printDiagnostic);
  // The message names the node; a dump of the half-built op does not help.
  context.printOpOnDiagnostic(false);

  if (importCommand)
    return runImport(context);
  if (compileCommand)
    return runCompile(context);
  if (quantizeCommand)
    return runQuantize(context);
  if (runCommand)
    return runRun();
  if (calibrateCommand)
    return runCalibrate(context);
  if (analyzeCommand)
    return runAnalyze(context);
  if (planCommand)
    return runPlan();
  if (reportCommand)
    return runReport(context);
  if (generateCommand)
    return runGenerate();
  if (listOpsCommand)
    return runListOps();
  errs() << "quantc: error: name a command; see quantc --help\n";
  return 1;
}
