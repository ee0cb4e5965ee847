//===- SharedLibrary.cpp - Compiled models as shared libraries -----------===//
//
// The C API of a compiled model is a fixed set of functions, `<prefix>_run`
// and friends, implemented by generated C glue on top of MLIR's C interface
// `_mlir_ciface_<function>(results, inputs...)`, which takes memref
// descriptors. The glue checks input shapes against the model's, builds
// row-major descriptors around the caller's buffers, copies results into the
// caller's buffers and frees the model's.
//
//===----------------------------------------------------------------------===//

#include "quantc/Target/SharedLibrary.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace quantc;

/// The ONNX code, C type and size of a supported element type. A quantized
/// tensor crosses the API as its stored integers.
static std::optional<std::tuple<int, StringRef, unsigned>>
describeElement(Type type) {
  if (auto quantized = dyn_cast<quant::QuantizedType>(type)) {
    unsigned width = quantized.getStorageTypeIntegralWidth();
    type = IntegerType::get(type.getContext(), width,
                            quantized.isSigned() ? IntegerType::Signless
                                                 : IntegerType::Unsigned);
  }
  if (type.isF32())
    return std::tuple{1, StringRef("float"), 4u};
  if (type.isF64())
    return std::tuple{11, StringRef("double"), 8u};
  if (type.isF16())
    return std::tuple{10, StringRef("uint16_t"), 2u};
  if (type.isBF16())
    return std::tuple{16, StringRef("uint16_t"), 2u};
  if (type.isInteger(1))
    return std::tuple{9, StringRef("uint8_t"), 1u};
  if (type.isUnsignedInteger(8))
    return std::tuple{2, StringRef("uint8_t"), 1u};
  if (type.isSignlessInteger(8))
    return std::tuple{3, StringRef("int8_t"), 1u};
  if (type.isSignlessInteger(16))
    return std::tuple{5, StringRef("int16_t"), 2u};
  if (type.isSignlessInteger(32))
    return std::tuple{6, StringRef("int32_t"), 4u};
  if (type.isSignlessInteger(64))
    return std::tuple{7, StringRef("int64_t"), 8u};
  return std::nullopt;
}

static FailureOr<TensorSignature>
describeTensor(Location loc, Type type, StringAttr name, StringRef fallback) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  auto element =
      tensor ? describeElement(tensor.getElementType()) : std::nullopt;
  if (!element)
    return emitError(loc) << "the model's " << fallback << " of type " << type
                          << " has no C API element type";
  TensorSignature signature;
  signature.name = name ? name.str() : fallback.str();
  std::tie(signature.dtype, std::ignore, signature.elementBytes) = *element;
  signature.cType = std::get<1>(*element).str();
  for (int64_t size : tensor.getShape())
    signature.shape.push_back(ShapedType::isDynamic(size) ? -1 : size);
  return signature;
}

FailureOr<ModelSignature> quantc::getModelSignature(func::FuncOp func) {
  ModelSignature signature;
  FunctionType type = func.getFunctionType();
  for (unsigned i = 0; i < type.getNumInputs(); ++i) {
    FailureOr<TensorSignature> input =
        describeTensor(func.getLoc(), type.getInput(i),
                       func.getArgAttrOfType<StringAttr>(i, "qnn.name"),
                       "input " + std::to_string(i));
    if (failed(input))
      return failure();
    signature.inputs.push_back(*input);
  }
  for (unsigned i = 0; i < type.getNumResults(); ++i) {
    FailureOr<TensorSignature> output =
        describeTensor(func.getLoc(), type.getResult(i),
                       func.getResultAttrOfType<StringAttr>(i, "qnn.name"),
                       "output " + std::to_string(i));
    if (failed(output))
      return failure();
    signature.outputs.push_back(*output);
  }
  return signature;
}

std::string quantc::getModelPrefix(StringRef libraryPath) {
  StringRef stem = llvm::sys::path::stem(libraryPath);
  stem.consume_front("lib");
  std::string prefix;
  for (char c : stem)
    prefix.push_back(llvm::isAlnum(c) ? c : '_');
  if (prefix.empty() || llvm::isDigit(prefix[0]))
    prefix.insert(prefix.begin(), '_');
  return prefix;
}

/// "[1, 3, ?, 192]" for a comment.
static std::string formatShape(ArrayRef<int64_t> shape) {
  std::string text = "[";
  for (auto [i, size] : llvm::enumerate(shape))
    text +=
        (i ? ", " : "") + (size < 0 ? std::string("?") : std::to_string(size));
  return text + "]";
}

/// The C string literal of `text`.
static std::string quote(StringRef text) {
  std::string result = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\')
      result += '\\';
    if (llvm::isPrint(c)) {
      result += c;
    } else {
      char octal[8];
      snprintf(octal, sizeof octal, "\\%03o", unsigned(uint8_t(c)));
      result += octal;
    }
  }
  return result + "\"";
}

std::string quantc::generateHeader(StringRef prefix,
                                   const ModelSignature &signature) {
  std::string text;
  llvm::raw_string_ostream os(text);
  std::string guard = "QUANTC_MODEL_" + prefix.upper() + "_H";
  os << "/* " << prefix << ".h: the C API of the model quantc compiled into lib"
     << prefix << ".so.\n *\n";
  for (const TensorSignature &t : signature.inputs)
    os << " * input  " << t.name << ": " << t.cType << " "
       << formatShape(t.shape) << "\n";
  for (const TensorSignature &t : signature.outputs)
    os << " * output " << t.name << ": " << t.cType << " "
       << formatShape(t.shape) << "\n";
  os << " */\n#ifndef " << guard << "\n#define " << guard << R"(

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef QUANTC_DTYPES
#define QUANTC_DTYPES
/* Element types, with ONNX's TensorProto.DataType codes. */
enum {
  QUANTC_FLOAT = 1,
  QUANTC_UINT8 = 2,
  QUANTC_INT8 = 3,
  QUANTC_INT16 = 5,
  QUANTC_INT32 = 6,
  QUANTC_INT64 = 7,
  QUANTC_BOOL = 9,
  QUANTC_FLOAT16 = 10,
  QUANTC_DOUBLE = 11,
  QUANTC_BFLOAT16 = 16
};
#endif

)";
  std::string p = prefix.str();
  os << "typedef struct " << p << "_context " << p << "_context;\n\n"
     << "/* Creates a context. Returns NULL without memory or, for a library\n"
     << " * compiled with --weights=external, when the weights file beside it\n"
     << " * cannot be mapped; " << p
     << "_last_error(NULL) then says why. A context\n"
     << " * runs one call at a time; use one per thread. */\n"
     << p << "_context *" << p << "_create(void);\n"
     << "void " << p << "_destroy(" << p << "_context *context);\n\n"
     << "/* Sets how many threads the runs of `context` use: 0, the default,\n"
     << " * for one a core. Outputs are the same for every count. Returns\n"
     << " * nonzero, changing nothing, for a negative count. Several contexts\n"
     << " * may run at once, from different threads. */\n"
     << "int " << p << "_set_threads(" << p
     << "_context *context, int threads);\n\n"
     << "/* The instruction set of the int8 kernels on this CPU, such as\n"
     << " * \"avx512-vnni\", \"neon-i8mm\" or \"generic\"\n"
     << " * (QUANTC_KERNELS=generic in the environment forces the last). */\n"
     << "const char *" << p << "_kernels(void);\n\n"
     << "/* The variant of the model's code that runs on this CPU: the\n"
     << " * --target it was compiled for, or, for --target multi, the most\n"
     << " * capable one the CPU runs (QUANTC_VARIANT=NAME in the environment\n"
     << " * picks another one the CPU runs). */\n"
     << "const char *" << p << "_variant(void);\n\n"
     << "/* The model's inputs and outputs: names, element types (QUANTC_*),\n"
     << " * ranks and declared sizes, -1 where a size is dynamic. Out of "
        "range\n"
     << " * indices give NULL or -1. */\n"
     << "int " << p << "_num_inputs(void);\n"
     << "int " << p << "_num_outputs(void);\n";
  for (StringRef kind : {"input", "output"})
    os << "const char *" << p << "_" << kind << "_name(int index);\n"
       << "int " << p << "_" << kind << "_dtype(int index);\n"
       << "int " << p << "_" << kind << "_rank(int index);\n"
       << "const int64_t *" << p << "_" << kind << "_shape(int index);\n";
  os << R"(
/* Runs the model. inputs[i] holds input i, row-major, with the sizes in
 * input_shapes[i] (NULL if it has no elements, as an empty key/value cache
 * has); outputs[i] is a buffer of output_capacities[i] bytes,
 * which receives output i row-major, its sizes written to output_shapes[i].
 * Returns 0 on success. Otherwise returns nonzero, writes no output, and
 * )" << p
     << R"(_last_error(context) says why. */
)"
     << "int " << p << "_run(" << p
     << "_context *context, const void *const *inputs,\n"
     << "    const int64_t *const *input_shapes, void *const *outputs,\n"
     << "    const size_t *output_capacities, int64_t *const *output_shapes);\n"
     << "const char *" << p << "_last_error(const " << p
     << "_context *context);\n\n"
     << "/* Like " << p << "_run, but each output is a buffer the library\n"
     << " * allocates, of the size the run produces: outputs[i] receives it, "
        "to\n"
     << " * be released with " << p
     << "_free. For outputs of sizes only known\n"
     << " * after the run. */\n"
     << "int " << p << "_run_allocated(" << p
     << "_context *context, const void *const *inputs,\n"
     << "    const int64_t *const *input_shapes, void **outputs,\n"
     << "    int64_t *const *output_shapes);\n"
     << "void " << p << "_free(void *output);\n\n"
     << "#ifdef __cplusplus\n}\n#endif\n\n#endif /* " << guard << " */\n";
  return text;
}

std::string quantc::generateWeightsAssembly(StringRef blobPath) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << "/* Generated by quantc: the model's weights as read-only data. */\n"
     << "  .section .rodata.quantc_weights,\"a\"\n"
     << "  .balign 64\n"
     << "  .globl quantc_weights_blob\n"
     << "  .hidden quantc_weights_blob\n"
     << "quantc_weights_blob:\n"
     << "  .incbin \"" << blobPath << "\"\n"
     << "  .section .note.GNU-stack,\"\",%progbits\n";
  return text;
}

/// The glue's definition of quantc_weights_base and, for external weights,
/// the mapping of the weights file that NAME_create and NAME_destroy share.
static void generateWeightsGlue(raw_ostream &os, StringRef p,
                                const GlueWeights &weights) {
  using Kind = GlueWeights::Kind;
  if (weights.kind == Kind::None)
    return;
  os << "/* The outlined weights, which the model's code reads through this "
        "pointer. */\n";
  if (weights.kind == Kind::Embedded) {
    os << "extern const unsigned char quantc_weights_blob[];\n"
       << "__attribute__((visibility(\"hidden\"))) const void "
          "*quantc_weights_base = quantc_weights_blob;\n\n";
    return;
  }
  os << "__attribute__((visibility(\"hidden\"))) const void "
        "*quantc_weights_base;\n"
     << "static const uint64_t weights_bytes = " << weights.bytes << "ull;\n"
     << "static const uint64_t weights_hash = " << weights.hash << "ull;\n"
     << "static const char weights_file[] = \"" << p << ".weights\";\n"
     << R"glue(static pthread_mutex_t weights_lock = PTHREAD_MUTEX_INITIALIZER;
static void *weights_map;
static int weights_users;
static char weights_error[512];

static uint64_t read_le64(const unsigned char *at) {
  uint64_t value = 0;
  for (int i = 7; i >= 0; --i)
    value = value << 8 | at[i];
  return value;
}

/* Maps the weights file beside this library; 0 on success. */
static int map_weights(void) {
  char path[4096];
  Dl_info info;
  const char *library = dladdr((void *)&map_weights, &info) && info.dli_fname
                            ? info.dli_fname : "";
  const char *slash = strrchr(library, '/');
  size_t dir = slash ? (size_t)(slash - library) + 1 : 0;
  if (dir + sizeof weights_file > sizeof path) {
    snprintf(weights_error, sizeof weights_error,
             "the path of the weights file is too long");
    return 1;
  }
  memcpy(path, library, dir);
  memcpy(path + dir, weights_file, sizeof weights_file);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    snprintf(weights_error, sizeof weights_error,
             "cannot open the weights file '%s': %s", path, strerror(errno));
    return 1;
  }
  struct stat st;
  size_t size = (size_t)(weights_bytes + 64);
  if (fstat(fd, &st) != 0 || (uint64_t)st.st_size != weights_bytes + 64) {
    close(fd);
    snprintf(weights_error, sizeof weights_error,
             "the weights file '%s' has the wrong size: this library needs "
             "%llu bytes", path, (unsigned long long)(weights_bytes + 64));
    return 1;
  }
  void *map = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
  close(fd);
  if (map == MAP_FAILED) {
    snprintf(weights_error, sizeof weights_error,
             "cannot map the weights file '%s': %s", path, strerror(errno));
    return 1;
  }
  const unsigned char *header = (const unsigned char *)map;
  if (memcmp(header, "QUANTCW", 8) != 0 || read_le64(header + 8) != 1 ||
      read_le64(header + 16) != weights_bytes ||
      read_le64(header + 24) != weights_hash) {
    munmap(map, size);
    snprintf(weights_error, sizeof weights_error,
             "'%s' is not the weights file of this library (another model "
             "or another compile)", path);
    return 1;
  }
  weights_map = map;
  quantc_weights_base = header + 64;
  return 0;
}

static int acquire_weights(void) {
  pthread_mutex_lock(&weights_lock);
  int status = weights_users == 0 ? map_weights() : 0;
  if (status == 0)
    ++weights_users;
  pthread_mutex_unlock(&weights_lock);
  return status;
}

static void release_weights(void) {
  pthread_mutex_lock(&weights_lock);
  if (--weights_users == 0) {
    munmap(weights_map, (size_t)(weights_bytes + 64));
    weights_map = NULL;
    quantc_weights_base = NULL;
  }
  pthread_mutex_unlock(&weights_lock);
}

)glue";
}

std::string quantc::generateGlue(StringRef prefix, StringRef function,
                                 const ModelSignature &signature,
                                 const GlueWeights &weights,
                                 ArrayRef<GlueVariant> variantList) {
  SmallVector<GlueVariant> variants(variantList);
  if (variants.empty())
    variants.push_back({"native", "", ""});
  std::string text;
  llvm::raw_string_ostream os(text);
  std::string p = prefix.str();
  bool external = weights.kind == GlueWeights::Kind::External;
  os << "/* Generated by quantc: the C API of " << p
     << " on the model's C interface. */\n";
  if (external)
    os << "#define _GNU_SOURCE\n";
  os << "#include \"" << p << ".h\"\n\n"
     << "#include <stdio.h>\n#include <stdlib.h>\n#include <string.h>\n";
  if (external)
    os << "#include <dlfcn.h>\n#include <errno.h>\n#include <fcntl.h>\n"
       << "#include <pthread.h>\n#include <sys/mman.h>\n"
       << "#include <sys/stat.h>\n#include <unistd.h>\n";
  os << "\n";
  generateWeightsGlue(os, p, weights);

  // A memref descriptor type per tensor.
  auto descriptor = [&](StringRef name, size_t rank) {
    os << "typedef struct {\n  void *allocated;\n  void *aligned;\n"
       << "  int64_t offset;\n";
    if (rank)
      os << "  int64_t sizes[" << rank << "];\n  int64_t strides[" << rank
         << "];\n";
    os << "} " << name << ";\n";
  };
  for (auto [i, t] : llvm::enumerate(signature.inputs))
    descriptor("input" + std::to_string(i) + "_t", t.shape.size());
  for (auto [i, t] : llvm::enumerate(signature.outputs))
    descriptor("output" + std::to_string(i) + "_t", t.shape.size());
  os << "typedef struct {\n";
  for (size_t i = 0; i < signature.outputs.size(); ++i)
    os << "  output" << i << "_t o" << i << ";\n";
  os << "} results_t;\n\n";
  for (const GlueVariant &variant : variants) {
    os << "void _mlir_ciface_" << function << variant.suffix << "(results_t *";
    for (size_t i = 0; i < signature.inputs.size(); ++i)
      os << ", input" << i << "_t *";
    os << ");\n";
  }
  os << "/* The runtime's allocator, which the model's buffers come from. */\n"
     << "void *_mlir_memref_to_llvm_alloc(size_t);\n"
     << "void _mlir_memref_to_llvm_free(void *);\n"
     << "void quantc_set_threads(int threads);\n"
     << "const char *quantc_kernels_isa(void);\n\n";

  // Metadata tables.
  // Tables are named model_<kind>_...; the run function's parameters take
  // the plain names.
  auto table = [&](StringRef kind, ArrayRef<TensorSignature> tensors) {
    for (auto [i, t] : llvm::enumerate(tensors)) {
      os << "static const int64_t model_" << kind << "_shape" << i << "["
         << std::max<size_t>(t.shape.size(), 1) << "] = {";
      if (t.shape.empty())
        os << "0";
      llvm::interleaveComma(t.shape, os);
      os << "};\n";
    }
    size_t n = std::max<size_t>(tensors.size(), 1);
    os << "static const char *const model_" << kind << "_names[" << n
       << "] = {";
    llvm::interleaveComma(
        tensors, os, [&](const TensorSignature &t) { os << quote(t.name); });
    os << "};\nstatic const int model_" << kind << "_dtypes[" << n << "] = {";
    llvm::interleaveComma(tensors, os,
                          [&](const TensorSignature &t) { os << t.dtype; });
    os << "};\nstatic const int model_" << kind << "_ranks[" << n << "] = {";
    llvm::interleaveComma(
        tensors, os, [&](const TensorSignature &t) { os << t.shape.size(); });
    os << "};\nstatic const size_t model_" << kind << "_element_bytes[" << n
       << "] = {";
    llvm::interleaveComma(
        tensors, os, [&](const TensorSignature &t) { os << t.elementBytes; });
    os << "};\nstatic const int64_t *const model_" << kind << "_shapes[" << n
       << "] = {";
    for (size_t i = 0; i < tensors.size(); ++i)
      os << (i ? ", " : "") << "model_" << kind << "_shape" << i;
    os << "};\n";
  };
  table("input", signature.inputs);
  table("output", signature.outputs);
  size_t numInputs = signature.inputs.size();
  size_t numOutputs = signature.outputs.size();

  os << "\nstruct " << p
     << "_context {\n  char error[512];\n  int threads;\n};\n\n";
  if (external)
    os << p << "_context *" << p << "_create(void) {\n"
       << "  if (acquire_weights() != 0)\n    return NULL;\n"
       << "  " << p << "_context *context = (" << p
       << "_context *)calloc(1, sizeof(" << p << "_context));\n"
       << "  if (!context) {\n"
       << "    snprintf(weights_error, sizeof weights_error, \"out of "
          "memory\");\n"
       << "    release_weights();\n  }\n  return context;\n}\n\n"
       << "void " << p << "_destroy(" << p << "_context *context) {\n"
       << "  if (!context)\n    return;\n"
       << "  free(context);\n  release_weights();\n}\n\n";
  else
    os << p << "_context *" << p << "_create(void) {\n"
       << "  return (" << p << "_context *)calloc(1, sizeof(" << p
       << "_context));\n}\n\n"
       << "void " << p << "_destroy(" << p << "_context *context) {\n"
       << "  free(context);\n}\n\n";
  os << "int " << p << "_set_threads(" << p
     << "_context *context, int threads) {\n"
     << "  if (!context || threads < 0)\n    return 1;\n"
     << "  context->threads = threads;\n  return 0;\n}\n\n";
  os << "const char *" << p << "_kernels(void) {\n"
     << "  return quantc_kernels_isa();\n}\n\n";
  // The variant of the model's code: the first whose condition holds, or
  // the one QUANTC_VARIANT names if it holds; chosen once.
  os << "static const char *const model_variants[" << variants.size()
     << "] = {";
  for (auto [i, variant] : llvm::enumerate(variants))
    os << (i ? ", " : "") << quote(variant.name);
  os << "};\n\nstatic int variant_holds(int index) {\n  switch (index) {\n";
  for (auto [i, variant] : llvm::enumerate(variants))
    os << "  case " << i << ": return "
       << (variant.condition.empty() ? "1" : variant.condition) << ";\n";
  os << "  default: return 0;\n  }\n}\n\n"
     << "static int chosen_variant = -1;\n\n"
     << "static int choose_variant(void) {\n"
     << "  int chosen = __atomic_load_n(&chosen_variant, __ATOMIC_RELAXED);\n"
     << "  if (chosen >= 0)\n    return chosen;\n"
     << "  const char *forced = getenv(\"QUANTC_VARIANT\");\n"
     << "  chosen = " << variants.size() - 1 << ";\n"
     << "  for (int i = 0; i < " << variants.size() << "; ++i)\n"
     << "    if (variant_holds(i) &&\n"
     << "        (!forced || strcmp(forced, model_variants[i]) == 0)) {\n"
     << "      chosen = i;\n      break;\n    }\n"
     << "  __atomic_store_n(&chosen_variant, chosen, __ATOMIC_RELAXED);\n"
     << "  return chosen;\n}\n\n"
     << "const char *" << p << "_variant(void) {\n"
     << "  return model_variants[choose_variant()];\n}\n\n";
  os << "int " << p << "_num_inputs(void) { return " << numInputs << "; }\n"
     << "int " << p << "_num_outputs(void) { return " << numOutputs << "; }\n";
  for (auto [kind, count] :
       {std::pair{"input", numInputs}, std::pair{"output", numOutputs}}) {
    std::string in = "(index >= 0 && index < " + std::to_string(count) + ")";
    os << "const char *" << p << "_" << kind << "_name(int index) {\n"
       << "  return " << in << " ? model_" << kind
       << "_names[index] : NULL;\n}\n"
       << "int " << p << "_" << kind << "_dtype(int index) {\n"
       << "  return " << in << " ? model_" << kind
       << "_dtypes[index] : -1;\n}\n"
       << "int " << p << "_" << kind << "_rank(int index) {\n"
       << "  return " << in << " ? model_" << kind << "_ranks[index] : -1;\n}\n"
       << "const int64_t *" << p << "_" << kind << "_shape(int index) {\n"
       << "  return " << in << " ? model_" << kind
       << "_shapes[index] : NULL;\n}\n";
  }
  os << "const char *" << p << "_last_error(const " << p
     << "_context *context) {\n  return context ? context->error : "
     << (external ? "weights_error" : "\"no context\"") << ";\n}\n\n";

  os << R"(static void format_shape(char *out, size_t size, const int64_t *shape,
                         int rank) {
  size_t used = (size_t)snprintf(out, size, "[");
  for (int d = 0; d < rank && used < size; ++d) {
    if (shape[d] < 0)
      used += (size_t)snprintf(out + used, size - used, "%s?", d ? ", " : "");
    else
      used += (size_t)snprintf(out + used, size - used, "%s%lld", d ? ", " : "",
                               (long long)shape[d]);
  }
  if (used < size)
    snprintf(out + used, size - used, "]");
}

)";
  os << "/* Runs the model; copies outputs into the caller's buffers, or, "
        "with\n"
     << " * `allocate`, hands the caller fresh buffers in outputs[i]. */\n"
     << "static int run(" << p
     << "_context *context, const void *const *inputs,\n"
     << "    const int64_t *const *input_shapes, void **outputs,\n"
     << "    const size_t *output_capacities, int64_t *const *output_shapes,\n"
     << "    int allocate) {\n"
     << R"(  char given[160], expected[160];
  if (!context)
    return 1;
  context->error[0] = '\0';
  for (int i = 0; i < )"
     << numInputs << R"(; ++i) {
    /* An input without elements may have a NULL buffer. */
    int64_t elements = 1;
    if (input_shapes && input_shapes[i])
      for (int d = 0; d < model_input_ranks[i]; ++d)
        elements *= input_shapes[i][d];
    if (!inputs || !input_shapes || !input_shapes[i] ||
        (!inputs[i] && elements != 0)) {
      snprintf(context->error, sizeof context->error,
               "input '%s' is missing", model_input_names[i]);
      return 1;
    }
    for (int d = 0; d < model_input_ranks[i]; ++d) {
      int64_t size = input_shapes[i][d], declared = model_input_shapes[i][d];
      if (size < 0 || (declared >= 0 && size != declared)) {
        format_shape(given, sizeof given, input_shapes[i], model_input_ranks[i]);
        format_shape(expected, sizeof expected, model_input_shapes[i],
                     model_input_ranks[i]);
        snprintf(context->error, sizeof context->error,
                 "input '%s' has shape %s but the model takes %s",
                 model_input_names[i], given, expected);
        return 1;
      }
    }
  }
)";
  // Descriptors around the caller's buffers.
  for (auto [i, t] : llvm::enumerate(signature.inputs)) {
    os << "  input" << i << "_t in" << i << ";\n"
       << "  in" << i << ".allocated = in" << i << ".aligned = (void *)inputs["
       << i << "];\n  in" << i << ".offset = 0;\n";
    for (int64_t d = int64_t(t.shape.size()) - 1; d >= 0; --d) {
      os << "  in" << i << ".sizes[" << d << "] = input_shapes[" << i << "]["
         << d << "];\n  in" << i << ".strides[" << d << "] = ";
      if (d == int64_t(t.shape.size()) - 1)
        os << "1;\n";
      else
        os << "in" << i << ".strides[" << d + 1 << "] * in" << i << ".sizes["
           << d + 1 << "];\n";
    }
  }
  os << "  results_t results;\n  quantc_set_threads(context->threads);\n"
     << "  switch (choose_variant()) {\n";
  for (auto [v, variant] : llvm::enumerate(variants)) {
    os << (v + 1 == variants.size() ? "  default:\n"
                                    : "  case " + std::to_string(v) + ":\n")
       << "    _mlir_ciface_" << function << variant.suffix << "(&results";
    for (size_t i = 0; i < numInputs; ++i)
      os << ", &in" << i;
    os << ");\n    break;\n";
  }
  os << "  }\n\n  struct { void *allocated, *aligned; int64_t offset; const "
        "int64_t *sizes; } r["
     << std::max<size_t>(numOutputs, 1) << "];\n";
  for (auto [i, t] : llvm::enumerate(signature.outputs)) {
    os << "  r[" << i << "].allocated = results.o" << i << ".allocated;\n"
       << "  r[" << i << "].aligned = results.o" << i << ".aligned;\n"
       << "  r[" << i << "].offset = results.o" << i << ".offset;\n"
       << "  r[" << i << "].sizes = "
       << (t.shape.empty() ? std::string("NULL")
                           : "results.o" + std::to_string(i) + ".sizes")
       << ";\n";
  }
  os << R"(
  int status = 0;
  for (int i = 0; i < )"
     << numOutputs << R"( && !status; ++i) {
    size_t bytes = model_output_element_bytes[i];
    for (int d = 0; d < model_output_ranks[i]; ++d)
      bytes *= (size_t)r[i].sizes[d];
    if (!outputs || !output_shapes || !output_shapes[i] ||
        (!allocate && (!outputs[i] || !output_capacities ||
                       bytes > output_capacities[i]))) {
      snprintf(context->error, sizeof context->error,
               "output '%s' needs %zu bytes; its buffer is missing or holds %zu",
               model_output_names[i], bytes,
               output_capacities ? output_capacities[i] : (size_t)0);
      status = 1;
    }
  }
  /* The results are the model's allocations, but one may be an input's
   * buffer or an earlier result's. The first result of an allocation of
   * the model's own, starting at the allocation, is handed to the caller
   * of NAME_run_allocated as it is (NAME_free returns it to the runtime's
   * pool); the others are copied (from it, before the return), and the
   * allocations not handed over are freed once each. */
  int owned[)"
     << std::max<size_t>(numOutputs, 1) << R"(], kept[)"
     << std::max<size_t>(numOutputs, 1) << R"(];
  for (int i = 0; i < )"
     << numOutputs << R"(; ++i) {
    owned[i] = 1;
    for (int j = 0; j < i; ++j)
      owned[i] &= r[j].allocated != r[i].allocated;
    for (int j = 0; j < )"
     << numInputs << R"(; ++j)
      owned[i] &= r[i].allocated != inputs[j];
    kept[i] = 0;
  }
  for (int i = 0; i < )"
     << numOutputs << R"( && !status; ++i) {
    size_t bytes = model_output_element_bytes[i];
    for (int d = 0; d < model_output_ranks[i]; ++d) {
      bytes *= (size_t)r[i].sizes[d];
      output_shapes[i][d] = r[i].sizes[d];
    }
    if (allocate && owned[i] && r[i].aligned == r[i].allocated &&
        !r[i].offset) {
      outputs[i] = r[i].allocated;
      kept[i] = 1;
      continue;
    }
    if (allocate && !(outputs[i] = _mlir_memref_to_llvm_alloc(bytes))) {
      snprintf(context->error, sizeof context->error, "out of memory");
      for (int j = 0; j < i; ++j)
        if (!kept[j])
          _mlir_memref_to_llvm_free(outputs[j]);
      status = 1;
      break;
    }
    memcpy(outputs[i],
           (char *)r[i].aligned +
               r[i].offset * (int64_t)model_output_element_bytes[i],
           bytes);
  }
  for (int i = 0; i < )"
     << numOutputs << R"(; ++i)
    if (owned[i] && (!kept[i] || status))
      _mlir_memref_to_llvm_free(r[i].allocated);
  return status;
}

)";
  os << "int " << p << "_run(" << p
     << "_context *context, const void *const *inputs,\n"
     << "    const int64_t *const *input_shapes, void *const *outputs,\n"
     << "    const size_t *output_capacities, int64_t *const *output_shapes) "
        "{\n"
     << "  return run(context, inputs, input_shapes, (void **)outputs,\n"
     << "             output_capacities, output_shapes, 0);\n}\n\n"
     << "int " << p << "_run_allocated(" << p
     << "_context *context, const void *const *inputs,\n"
     << "    const int64_t *const *input_shapes, void **outputs,\n"
     << "    int64_t *const *output_shapes) {\n"
     << "  return run(context, inputs, input_shapes, outputs, NULL, "
        "output_shapes, 1);\n}\n\n"
     << "void " << p
     << "_free(void *output) { _mlir_memref_to_llvm_free(output); }\n";
  return text;
}

LogicalResult quantc::linkSharedLibrary(
    StringRef compiler, StringRef objectPath, StringRef gluePath,
    ArrayRef<std::string> extraSources, StringRef headerDir,
    StringRef runtimeLibrary, StringRef outputPath, std::string &error) {
  llvm::ErrorOr<std::string> cc = llvm::sys::findProgramByName(compiler);
  if (!cc) {
    error =
        ("no C compiler (" + compiler + ") on PATH to link the shared library")
            .str();
    return failure();
  }
  SmallString<128> log;
  if (std::error_code ec =
          llvm::sys::fs::createTemporaryFile("quantc-link", "log", log)) {
    error = "cannot create a temporary file: " + ec.message();
    return failure();
  }
  std::string include = ("-I" + headerDir).str();
  SmallVector<StringRef> args = {*cc,  "-shared",  "-fPIC",  "-O2",     include,
                                 "-o", outputPath, gluePath, objectPath};
  for (const std::string &source : extraSources)
    args.push_back(source);
  args.append(
      {runtimeLibrary, "-lm", "-Wl,--no-undefined", "-Wl,--gc-sections"});
  std::optional<StringRef> redirects[] = {std::nullopt, StringRef(log),
                                          StringRef(log)};
  int status = llvm::sys::ExecuteAndWait(*cc, args, std::nullopt, redirects, 0,
                                         0, &error);
  if (status != 0) {
    auto output = llvm::MemoryBuffer::getFile(log);
    error = "linking the shared library failed" +
            (output ? ":\n" + (*output)->getBuffer().str() : "");
  }
  llvm::sys::fs::remove(log);
  return success(status == 0);
}
