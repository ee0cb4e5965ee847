//===- SharedLibrary.h - Compiled models as shared libraries ----*- C++ -*-===//
//
// Describes a model function's inputs and outputs, generates the C header
// and the C glue that expose it through a plain C API, and links model code,
// glue and runtime into a shared library that depends only on libc and libm.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_TARGET_SHAREDLIBRARY_H
#define QUANTC_TARGET_SHAREDLIBRARY_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/SmallVector.h"

#include <string>

namespace quantc {

/// One input or output of a compiled model.
struct TensorSignature {
  std::string name;
  /// The ONNX TensorProto data type code (1 = FLOAT, 7 = INT64, ...).
  int dtype;
  /// The C type of an element.
  std::string cType;
  unsigned elementBytes;
  /// Sizes; -1 for a dynamic dimension.
  llvm::SmallVector<int64_t> shape;
};

struct ModelSignature {
  llvm::SmallVector<TensorSignature> inputs, outputs;
};

/// Reads the signature of the (qnn, tensor-typed) model function, with the
/// ONNX names the importer recorded as `qnn.name`.
mlir::FailureOr<ModelSignature> getModelSignature(mlir::func::FuncOp func);

/// The C identifier a library file name gives: `libcnn.so` gives `cnn`.
std::string getModelPrefix(llvm::StringRef libraryPath);

/// The C header declaring the model's API, with functions named
/// `<prefix>_...`.
std::string generateHeader(llvm::StringRef prefix,
                           const ModelSignature &signature);

/// The C source implementing that API on the model's C interface
/// `_mlir_ciface_<function>`.
/// Where a library's outlined weights (Weights.h) live.
struct GlueWeights {
  enum class Kind {
    /// Nothing was outlined.
    None,
    /// In the library, as the symbol `quantc_weights_blob`.
    Embedded,
    /// In `PREFIX.weights` beside the library, mapped by NAME_create.
    External,
  };
  Kind kind = Kind::None;
  uint64_t bytes = 0, hash = 0;
};

/// One variant of the model's code in a library: its entry point is
/// `_mlir_ciface_<function><suffix>`, and it runs where the C expression
/// `condition` holds (empty: anywhere). A library holds one, or several
/// (--target multi), the first whose condition holds chosen at run time.
struct GlueVariant {
  std::string name;
  std::string suffix;
  std::string condition;
};

std::string generateGlue(llvm::StringRef prefix, llvm::StringRef function,
                         const ModelSignature &signature,
                         const GlueWeights &weights = {},
                         llvm::ArrayRef<GlueVariant> variants = {});

/// An assembly file that defines `quantc_weights_blob`, 64-byte aligned
/// read-only data holding the file at `blobPath`.
std::string generateWeightsAssembly(llvm::StringRef blobPath);

/// Links `objectPath`, the glue source, any `extraSources` (such as the
/// weights assembly) and the runtime library into the shared library
/// `outputPath`, with the C compiler `compiler` (found on PATH: `cc`, or a
/// cross compiler for another architecture).
mlir::LogicalResult
linkSharedLibrary(llvm::StringRef compiler, llvm::StringRef objectPath,
                  llvm::StringRef gluePath,
                  llvm::ArrayRef<std::string> extraSources,
                  llvm::StringRef headerDir, llvm::StringRef runtimeLibrary,
                  llvm::StringRef outputPath, std::string &error);

} // namespace quantc

#endif // QUANTC_TARGET_SHAREDLIBRARY_H
