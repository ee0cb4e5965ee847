//===- ModelRunner.cpp - Load and run a compiled model -------------------===//
//
// Resolves `<prefix>_create`, `_run_allocated` and the metadata queries of a
// compiled model's library and wraps them with host tensors.
//
//===----------------------------------------------------------------------===//

#include "quantc/Tools/ModelRunner.h"
#include "quantc/Target/SharedLibrary.h"

#include <cstring>
#include <dlfcn.h>

using namespace quantc;
using llvm::createStringError;

llvm::Expected<std::unique_ptr<LoadedModel>>
LoadedModel::load(llvm::StringRef path) {
  std::unique_ptr<LoadedModel> model(new LoadedModel());
  std::string file = path.str();
  if (file.find('/') == std::string::npos)
    file = "./" + file;
  model->handle = dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!model->handle)
    return createStringError("%s: cannot load the library: %s", file.c_str(),
                             dlerror());
  std::string prefix = getModelPrefix(path);
  std::string missing;
  auto symbol = [&](const char *name) {
    void *found = dlsym(model->handle, (prefix + "_" + name).c_str());
    if (!found && missing.empty())
      missing = prefix + "_" + name;
    return found;
  };
  auto create = reinterpret_cast<void *(*)()>(symbol("create"));
  model->destroy = reinterpret_cast<void (*)(void *)>(symbol("destroy"));
  model->runAllocated =
      reinterpret_cast<decltype(model->runAllocated)>(symbol("run_allocated"));
  model->runBuffers =
      reinterpret_cast<decltype(model->runBuffers)>(symbol("run"));
  model->freeOutput = reinterpret_cast<void (*)(void *)>(symbol("free"));
  model->setThreadCount =
      reinterpret_cast<int (*)(void *, int)>(symbol("set_threads"));
  model->lastError =
      reinterpret_cast<const char *(*)(const void *)>(symbol("last_error"));
  for (const char *kind : {"input", "output"}) {
    std::string k = kind;
    auto count =
        reinterpret_cast<int (*)()>(symbol(("num_" + k + "s").c_str()));
    auto name =
        reinterpret_cast<const char *(*)(int)>(symbol((k + "_name").c_str()));
    auto dtype = reinterpret_cast<int (*)(int)>(symbol((k + "_dtype").c_str()));
    auto rank = reinterpret_cast<int (*)(int)>(symbol((k + "_rank").c_str()));
    auto shape = reinterpret_cast<const int64_t *(*)(int)>(
        symbol((k + "_shape").c_str()));
    if (!missing.empty())
      break;
    std::vector<TensorInfo> &infos =
        k == "input" ? model->inputs : model->outputs;
    for (int i = 0, e = count(); i < e; ++i) {
      const int64_t *sizes = shape(i);
      infos.push_back({name(i), dtype(i),
                       llvm::SmallVector<int64_t>(sizes, sizes + rank(i))});
    }
  }
  if (!missing.empty() || !create)
    return createStringError("%s: not a quantc model library: no symbol %s",
                             file.c_str(), missing.c_str());
  model->context = create();
  if (!model->context)
    return createStringError("out of memory");
  return model;
}

llvm::Error LoadedModel::setThreads(int threads) {
  if (setThreadCount(context, threads) != 0)
    return createStringError("the thread count must be 0 or more, not %d",
                             threads);
  return llvm::Error::success();
}

LoadedModel::~LoadedModel() {
  if (context)
    destroy(context);
  if (handle)
    dlclose(handle);
}

/// `tensors` as the views the model reads.
static std::vector<LoadedModel::TensorView>
viewsOf(llvm::ArrayRef<HostTensor> tensors) {
  std::vector<LoadedModel::TensorView> views;
  for (const HostTensor &tensor : tensors)
    views.push_back(LoadedModel::TensorView::of(tensor));
  return views;
}

llvm::Error
LoadedModel::collectInputs(llvm::ArrayRef<TensorView> args,
                           std::vector<const void *> &data,
                           std::vector<const int64_t *> &shapes) const {
  if (args.size() != inputs.size())
    return createStringError("the model takes %zu inputs, got %zu",
                             inputs.size(), args.size());
  for (auto [info, arg] : llvm::zip_equal(inputs, args)) {
    if (arg.dtype != info.dtype)
      return createStringError(
          "input '%s' has element type %s but the model takes %s",
          info.name.c_str(), getDTypeName(arg.dtype).str().c_str(),
          getDTypeName(info.dtype).str().c_str());
    if (arg.shape.size() != info.shape.size())
      return createStringError(
          "input '%s' has rank %zu but the model takes %zu", info.name.c_str(),
          arg.shape.size(), info.shape.size());
    data.push_back(arg.data);
    shapes.push_back(arg.shape.data());
  }
  return llvm::Error::success();
}

llvm::Error LoadedModel::runInto(llvm::ArrayRef<HostTensor> args,
                                 std::vector<HostTensor> &results) {
  std::vector<const void *> data;
  std::vector<const int64_t *> shapes;
  if (llvm::Error error = collectInputs(viewsOf(args), data, shapes))
    return error;
  if (results.size() != outputs.size())
    return createStringError("the model has %zu outputs, got %zu buffers",
                             outputs.size(), results.size());
  std::vector<void *> buffers;
  std::vector<size_t> capacities;
  std::vector<llvm::SmallVector<int64_t>> resultShapes;
  std::vector<int64_t *> resultShapePointers;
  for (HostTensor &result : results) {
    buffers.push_back(result.data.data());
    capacities.push_back(result.data.size());
    resultShapes.emplace_back(std::max<size_t>(result.shape.size(), 1), 0);
  }
  for (auto &shape : resultShapes)
    resultShapePointers.push_back(shape.data());
  if (runBuffers(context, data.data(), shapes.data(), buffers.data(),
                 capacities.data(), resultShapePointers.data()) != 0)
    return createStringError("%s", lastError(context));
  for (auto [result, shape] : llvm::zip_equal(results, resultShapes))
    result.shape.assign(shape.begin(), shape.begin() + result.shape.size());
  return llvm::Error::success();
}

llvm::Expected<std::vector<LoadedModel::Output>>
LoadedModel::runOwned(llvm::ArrayRef<TensorView> args) {
  std::vector<const void *> data;
  std::vector<const int64_t *> shapes;
  if (llvm::Error error = collectInputs(args, data, shapes))
    return error;
  std::vector<void *> results(outputs.size(), nullptr);
  std::vector<llvm::SmallVector<int64_t>> resultShapes;
  std::vector<int64_t *> resultShapePointers;
  for (const TensorInfo &info : outputs)
    resultShapes.emplace_back(std::max<size_t>(info.shape.size(), 1), 0);
  for (auto &shape : resultShapes)
    resultShapePointers.push_back(shape.data());
  if (runAllocated(context, data.data(), shapes.data(), results.data(),
                   resultShapePointers.data()) != 0)
    return createStringError("%s", lastError(context));

  std::vector<Output> owned;
  for (auto [i, info] : llvm::enumerate(outputs)) {
    Output output;
    output.dtype = info.dtype;
    output.shape.assign(resultShapes[i].begin(),
                        resultShapes[i].begin() + info.shape.size());
    output.buffer = std::shared_ptr<void>(results[i], freeOutput);
    owned.push_back(std::move(output));
  }
  return owned;
}

llvm::Expected<std::vector<HostTensor>>
LoadedModel::run(llvm::ArrayRef<HostTensor> args) {
  llvm::Expected<std::vector<Output>> owned = runOwned(viewsOf(args));
  if (!owned)
    return owned.takeError();
  std::vector<HostTensor> tensors;
  for (const Output &output : *owned) {
    HostTensor tensor;
    tensor.dtype = output.dtype;
    tensor.shape = output.shape;
    size_t bytes = tensor.getNumElements() * getDTypeBytes(output.dtype);
    const char *from = static_cast<const char *>(output.buffer.get());
    tensor.data.assign(from, from + bytes);
    tensors.push_back(std::move(tensor));
  }
  return tensors;
}
