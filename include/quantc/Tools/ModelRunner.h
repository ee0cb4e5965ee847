//===- ModelRunner.h - Load and run a compiled model ------------*- C++ -*-===//
//
// Opens a shared library written by `quantc compile` with dlopen and runs it
// through its C API: the counterpart of the generated header for tools.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_TOOLS_MODELRUNNER_H
#define QUANTC_TOOLS_MODELRUNNER_H

#include "quantc/Tools/TensorFile.h"

#include <memory>

namespace quantc {

class LoadedModel {
public:
  struct TensorInfo {
    std::string name;
    int dtype;
    /// -1 for a dynamic dimension.
    llvm::SmallVector<int64_t> shape;
  };

  /// Opens the library at `path`; its API prefix comes from the file name.
  static llvm::Expected<std::unique_ptr<LoadedModel>>
  load(llvm::StringRef path);
  ~LoadedModel();

  /// Makes runs use `threads` threads (0: one a core).
  llvm::Error setThreads(int threads);

  const std::vector<TensorInfo> &getInputs() const { return inputs; }
  const std::vector<TensorInfo> &getOutputs() const { return outputs; }

  /// A tensor the model reads: its element type, shape and data, wherever
  /// they are kept.
  struct TensorView {
    int dtype = 0;
    llvm::ArrayRef<int64_t> shape;
    const void *data = nullptr;

    static TensorView of(const HostTensor &tensor) {
      return {tensor.dtype, tensor.shape, tensor.data.data()};
    }
  };

  /// An output left in the model's own buffer (NAME_run_allocated), which
  /// is freed (NAME_free) when the last copy of the Output goes. It can be
  /// fed to the next run as it is, as a decoder's key/value cache is.
  struct Output {
    int dtype = 0;
    llvm::SmallVector<int64_t> shape;
    std::shared_ptr<void> buffer;

    TensorView view() const { return {dtype, shape, buffer.get()}; }
  };

  /// Runs the model on `args` (one per input, in order). The element types
  /// must be the model's; the library checks the shapes.
  llvm::Expected<std::vector<HostTensor>> run(llvm::ArrayRef<HostTensor> args);

  /// Runs the model on `args` and hands its outputs over without copying
  /// them.
  llvm::Expected<std::vector<Output>> runOwned(llvm::ArrayRef<TensorView> args);

  /// Runs the model on `args` into `results`, whose buffers (from an earlier
  /// run) are reused as they are: the library writes each output into the
  /// given buffer, as a program calling NAME_run with its own buffers does.
  llvm::Error runInto(llvm::ArrayRef<HostTensor> args,
                      std::vector<HostTensor> &results);

private:
  /// The input pointers and shapes of `args`, checked against the model.
  llvm::Error collectInputs(llvm::ArrayRef<TensorView> args,
                            std::vector<const void *> &data,
                            std::vector<const int64_t *> &shapes) const;

  LoadedModel() = default;

  void *handle = nullptr;
  void *context = nullptr;
  void (*destroy)(void *) = nullptr;
  int (*runAllocated)(void *, const void *const *, const int64_t *const *,
                      void **, int64_t *const *) = nullptr;
  int (*runBuffers)(void *, const void *const *, const int64_t *const *,
                    void *const *, const size_t *, int64_t *const *) = nullptr;
  void (*freeOutput)(void *) = nullptr;
  int (*setThreadCount)(void *, int) = nullptr;
  const char *(*lastError)(const void *) = nullptr;
  std::vector<TensorInfo> inputs, outputs;
};

} // namespace quantc

#endif // QUANTC_TOOLS_MODELRUNNER_H
