//===- TensorFile.h - Tensors in files: ONNX .pb and numpy .npy -*- C++ -*-===//
//
// Reads the tensors the tools take as inputs and expectations: serialized
// onnx.TensorProto (.pb) and numpy (.npy) files, alone or as the
// input_N / output_N files of an ONNX test folder.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_TOOLS_TENSORFILE_H
#define QUANTC_TOOLS_TENSORFILE_H

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace quantc {

/// A tensor in host memory, row-major, with an ONNX data type code.
struct HostTensor {
  int dtype = 0;
  llvm::SmallVector<int64_t> shape;
  std::vector<char> data;

  int64_t getNumElements() const;
};

/// The ONNX name of a data type code ("FLOAT"), or "unknown".
llvm::StringRef getDTypeName(int dtype);
/// The bytes of one element of a data type code, or 0 if unsupported.
unsigned getDTypeBytes(int dtype);

/// Reads a `.pb` (onnx.TensorProto) or `.npy` file.
llvm::Expected<HostTensor> readTensorFile(llvm::StringRef path);

/// Reads `<kind>_0`, `<kind>_1`, ... (`.pb` or `.npy`) of a folder in ONNX's
/// test layout; a folder holding `test_data_set_0` is read from there.
llvm::Expected<std::vector<HostTensor>> readTensorFolder(llvm::StringRef dir,
                                                         llvm::StringRef kind);

} // namespace quantc

#endif // QUANTC_TOOLS_TENSORFILE_H
