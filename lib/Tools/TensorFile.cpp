//===- TensorFile.cpp - Tensors in files: ONNX .pb and numpy .npy --------===//
//
// .pb files go through the importer's TensorProto conversion; .npy files are
// parsed here: the magic, a version, a header length and a Python dict
// literal with 'descr', 'fortran_order' and 'shape'. Only little-endian,
// C-ordered arrays of the supported types are read.
//
//===----------------------------------------------------------------------===//

#include "quantc/Tools/TensorFile.h"
#include "quantc/Import/ONNX/TensorConversion.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <numeric>

using namespace quantc;
using llvm::createStringError;

int64_t HostTensor::getNumElements() const {
  return std::accumulate(shape.begin(), shape.end(), int64_t(1),
                         std::multiplies<int64_t>());
}

llvm::StringRef quantc::getDTypeName(int dtype) {
  return onnx_import::getDataTypeName(dtype);
}

unsigned quantc::getDTypeBytes(int dtype) {
  switch (dtype) {
  case onnx::TensorProto::UINT8:
  case onnx::TensorProto::INT8:
  case onnx::TensorProto::BOOL:
    return 1;
  case onnx::TensorProto::INT16:
  case onnx::TensorProto::FLOAT16:
  case onnx::TensorProto::BFLOAT16:
    return 2;
  case onnx::TensorProto::FLOAT:
  case onnx::TensorProto::INT32:
    return 4;
  case onnx::TensorProto::INT64:
  case onnx::TensorProto::DOUBLE:
    return 8;
  default:
    return 0;
  }
}

static llvm::Expected<HostTensor> readProto(llvm::StringRef path,
                                            llvm::StringRef bytes) {
  onnx::TensorProto proto;
  if (!proto.ParseFromArray(bytes.data(), int(bytes.size())))
    return createStringError("%s: not a serialized onnx.TensorProto",
                             path.str().c_str());
  mlir::MLIRContext context;
  std::string message;
  mlir::ScopedDiagnosticHandler handler(&context, [&](mlir::Diagnostic &d) {
    message = d.str();
    return mlir::success();
  });
  mlir::FailureOr<mlir::DenseElementsAttr> value = onnx_import::convertTensor(
      proto, llvm::sys::path::parent_path(path),
      mlir::FileLineColLoc::get(&context, path, 0, 0));
  if (mlir::failed(value))
    return createStringError("%s: %s", path.str().c_str(), message.c_str());
  HostTensor tensor;
  tensor.dtype = proto.data_type();
  tensor.shape.assign(proto.dims().begin(), proto.dims().end());
  size_t count = tensor.getNumElements();
  unsigned elementBytes = getDTypeBytes(tensor.dtype);
  if (!elementBytes)
    return createStringError("%s: data type %s is not supported",
                             path.str().c_str(),
                             getDTypeName(tensor.dtype).str().c_str());
  if (value->getElementType().isInteger(1)) {
    for (bool b : value->getValues<bool>())
      tensor.data.push_back(char(b));
    return tensor;
  }
  llvm::ArrayRef<char> raw = value->getRawData();
  if (value->isSplat()) {
    for (size_t i = 0; i < count; ++i)
      tensor.data.insert(tensor.data.end(), raw.begin(), raw.end());
  } else {
    tensor.data.assign(raw.begin(), raw.end());
  }
  return tensor;
}

static llvm::Expected<HostTensor> readNumpy(llvm::StringRef path,
                                            llvm::StringRef bytes) {
  auto bad = [&](const char *why) {
    return createStringError("%s: not a readable .npy file: %s",
                             path.str().c_str(), why);
  };
  if (!bytes.starts_with("\x93NUMPY") || bytes.size() < 10)
    return bad("no numpy magic");
  unsigned major = uint8_t(bytes[6]);
  size_t headerLength, offset;
  if (major == 1) {
    headerLength = uint8_t(bytes[8]) | uint8_t(bytes[9]) << 8;
    offset = 10;
  } else if (bytes.size() >= 12) {
    headerLength =
        uint32_t(uint8_t(bytes[8])) | uint32_t(uint8_t(bytes[9])) << 8 |
        uint32_t(uint8_t(bytes[10])) << 16 | uint32_t(uint8_t(bytes[11])) << 24;
    offset = 12;
  } else {
    return bad("truncated header");
  }
  if (bytes.size() < offset + headerLength)
    return bad("truncated header");
  llvm::StringRef header = bytes.substr(offset, headerLength);

  auto field = [&](llvm::StringRef key) -> llvm::StringRef {
    size_t at = header.find("'" + key.str() + "'");
    if (at == llvm::StringRef::npos)
      return {};
    llvm::StringRef rest = header.drop_front(at + key.size() + 2).ltrim();
    rest.consume_front(":");
    return rest.ltrim();
  };
  llvm::StringRef descr = field("descr");
  static const std::pair<const char *, int> types[] = {
      {"'<f4'", 1}, {"'<f8'", 11}, {"'<f2'", 10}, {"'<i8'", 7}, {"'<i4'", 6},
      {"'<i2'", 5}, {"'|i1'", 3},  {"'|u1'", 2},  {"'|b1'", 9}};
  HostTensor tensor;
  for (auto [name, code] : types)
    if (descr.starts_with(name))
      tensor.dtype = code;
  if (!tensor.dtype)
    return bad("unsupported element type (little-endian float, int, uint8 "
               "or bool only)");
  if (field("fortran_order").starts_with("True"))
    return bad("Fortran-ordered arrays are not supported");
  llvm::StringRef shape = field("shape");
  if (!shape.consume_front("("))
    return bad("no shape");
  shape = shape.take_until([](char c) { return c == ')'; });
  llvm::SmallVector<llvm::StringRef> dims;
  shape.split(dims, ',', -1, /*KeepEmpty=*/false);
  for (llvm::StringRef dim : dims) {
    int64_t size;
    if (dim.trim().getAsInteger(10, size))
      return bad("malformed shape");
    tensor.shape.push_back(size);
  }
  size_t expected = tensor.getNumElements() * getDTypeBytes(tensor.dtype);
  llvm::StringRef payload = bytes.drop_front(offset + headerLength);
  if (payload.size() != expected)
    return bad("the data does not match the shape");
  tensor.data.assign(payload.begin(), payload.end());
  return tensor;
}

llvm::Expected<HostTensor> quantc::readTensorFile(llvm::StringRef path) {
  auto file = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                          /*RequiresNullTerminator=*/false);
  if (!file)
    return createStringError("%s: %s", path.str().c_str(),
                             file.getError().message().c_str());
  llvm::StringRef bytes = (*file)->getBuffer();
  if (path.ends_with(".npy"))
    return readNumpy(path, bytes);
  return readProto(path, bytes);
}

llvm::Expected<std::vector<HostTensor>>
quantc::readTensorFolder(llvm::StringRef dir, llvm::StringRef kind) {
  llvm::SmallString<256> folder(dir);
  llvm::SmallString<256> dataSet(dir);
  llvm::sys::path::append(dataSet, "test_data_set_0");
  if (llvm::sys::fs::is_directory(dataSet))
    folder = dataSet;
  std::vector<HostTensor> tensors;
  for (unsigned i = 0;; ++i) {
    std::string found;
    for (const char *extension : {".pb", ".npy"}) {
      llvm::SmallString<256> path(folder);
      llvm::sys::path::append(path, kind + "_" + std::to_string(i) + extension);
      if (llvm::sys::fs::exists(path))
        found = std::string(path);
    }
    if (found.empty())
      break;
    llvm::Expected<HostTensor> tensor = readTensorFile(found);
    if (!tensor)
      return tensor.takeError();
    tensors.push_back(std::move(*tensor));
  }
  if (tensors.empty())
    return createStringError("%s: no %s_N.pb or %s_N.npy files", folder.c_str(),
                             kind.str().c_str(), kind.str().c_str());
  return tensors;
}
