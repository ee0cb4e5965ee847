//===- TensorConversion.cpp - ONNX tensors and types as MLIR -------------===//
//
// A TensorProto holds its values in one of several places: `raw_data`
// (little-endian bytes), a typed repeated field (`float_data`, `int32_data`
// for every type of 32 bits or fewer, `int64_data`, `double_data`,
// `uint64_data`), or an external file named in `external_data`. Every path
// checks that the number of values matches the shape.
//
//===----------------------------------------------------------------------===//

#include "quantc/Import/ONNX/TensorConversion.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

using namespace mlir;
using namespace quantc;
using namespace quantc::onnx_import;

using DataType = onnx::TensorProto::DataType;

StringRef onnx_import::getDataTypeName(int32_t dataType) {
  if (onnx::TensorProto::DataType_IsValid(dataType))
    return onnx::TensorProto::DataType_Name(DataType(dataType));
  return "unknown";
}

FailureOr<Type> onnx_import::getElementType(int32_t dataType,
                                            MLIRContext *context) {
  Builder b(context);
  auto unsignedInt = [&](unsigned width) {
    return IntegerType::get(context, width, IntegerType::Unsigned);
  };
  switch (dataType) {
  case onnx::TensorProto::FLOAT:
    return Type(b.getF32Type());
  case onnx::TensorProto::FLOAT16:
    return Type(b.getF16Type());
  case onnx::TensorProto::BFLOAT16:
    return Type(b.getBF16Type());
  case onnx::TensorProto::DOUBLE:
    return Type(b.getF64Type());
  case onnx::TensorProto::BOOL:
    return Type(b.getI1Type());
  case onnx::TensorProto::INT8:
    return Type(b.getI8Type());
  case onnx::TensorProto::INT16:
    return Type(b.getI16Type());
  case onnx::TensorProto::INT32:
    return Type(b.getI32Type());
  case onnx::TensorProto::INT64:
    return Type(b.getI64Type());
  case onnx::TensorProto::UINT8:
    return Type(unsignedInt(8));
  case onnx::TensorProto::UINT16:
    return Type(unsignedInt(16));
  case onnx::TensorProto::UINT32:
    return Type(unsignedInt(32));
  case onnx::TensorProto::UINT64:
    return Type(unsignedInt(64));
  default:
    return failure();
  }
}

/// Reads the bytes of an externally stored tensor: `location` relative to
/// `baseDir`, from `offset`, `length` bytes (all that follows if absent).
static FailureOr<std::string> readExternalData(const onnx::TensorProto &tensor,
                                               StringRef baseDir,
                                               Location loc) {
  std::string location;
  uint64_t offset = 0;
  std::optional<uint64_t> length;
  for (const onnx::StringStringEntryProto &entry : tensor.external_data()) {
    uint64_t value = 0;
    if (entry.key() == "location") {
      location = entry.value();
    } else if (entry.key() == "offset" || entry.key() == "length") {
      if (StringRef(entry.value()).getAsInteger(10, value))
        return emitError(loc)
               << "tensor '" << tensor.name() << "' has " << entry.key() << " '"
               << entry.value() << "', not a number";
      if (entry.key() == "offset")
        offset = value;
      else
        length = value;
    }
  }
  if (location.empty())
    return emitError(loc) << "tensor '" << tensor.name()
                          << "' is stored externally but names no location";
  // ONNX requires the location to stay inside the model's folder.
  if (llvm::sys::path::is_absolute(location) ||
      llvm::is_contained(llvm::make_range(llvm::sys::path::begin(location),
                                          llvm::sys::path::end(location)),
                         ".."))
    return emitError(loc) << "tensor '" << tensor.name()
                          << "' has external data outside the model's "
                          << "folder: '" << location << "'";

  SmallString<256> path(baseDir);
  llvm::sys::path::append(path, location);
  auto file = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                          /*RequiresNullTerminator=*/false);
  if (!file)
    return emitError(loc) << "cannot read external data of tensor '"
                          << tensor.name() << "' from '" << path
                          << "': " << file.getError().message();
  uint64_t size = (*file)->getBufferSize();
  uint64_t count = length.value_or(size - std::min(offset, size));
  if (offset > size || count > size - offset)
    return emitError(loc) << "external data of tensor '" << tensor.name()
                          << "' runs past the end of '" << path << "' (" << size
                          << " bytes)";
  return (*file)->getBuffer().substr(offset, count).str();
}

/// Packs little-endian values of `elementBytes` bytes each into a dense
/// attribute of `type`.
static DenseElementsAttr fromRawBytes(RankedTensorType type, StringRef bytes) {
  if (type.getElementType().isInteger(1)) {
    // ONNX stores one byte per bool; MLIR packs bits.
    SmallVector<bool> values;
    for (char c : bytes)
      values.push_back(c != 0);
    return DenseElementsAttr::get(type, values);
  }
  return DenseElementsAttr::getFromRawBuffer(
      type, ArrayRef<char>(bytes.data(), bytes.size()));
}

/// Narrows each value of a repeated field to `elementBytes` little-endian
/// bytes.
template <typename Field>
static std::string narrowToBytes(const Field &field, unsigned elementBytes) {
  std::string bytes;
  bytes.reserve(field.size() * elementBytes);
  for (auto value : field) {
    uint64_t bits;
    if constexpr (std::is_floating_point_v<decltype(value)>) {
      if (elementBytes == 4) {
        float f = float(value);
        uint32_t b;
        std::memcpy(&b, &f, 4);
        bits = b;
      } else {
        double d = double(value);
        std::memcpy(&bits, &d, 8);
      }
    } else {
      bits = uint64_t(value);
    }
    for (unsigned i = 0; i < elementBytes; ++i)
      bytes.push_back(char((bits >> (8 * i)) & 0xff));
  }
  return bytes;
}

FailureOr<DenseElementsAttr>
onnx_import::convertTensor(const onnx::TensorProto &tensor, StringRef baseDir,
                           Location loc) {
  MLIRContext *context = loc.getContext();
  FailureOr<Type> element = getElementType(tensor.data_type(), context);
  if (failed(element))
    return emitError(loc) << "tensor '" << tensor.name() << "' has data type "
                          << getDataTypeName(tensor.data_type()) << " ("
                          << tensor.data_type() << "), which is not supported";
  SmallVector<int64_t> shape;
  int64_t numElements = 1;
  for (int64_t dim : tensor.dims()) {
    if (dim < 0)
      return emitError(loc) << "tensor '" << tensor.name()
                            << "' has a negative dimension " << dim;
    shape.push_back(dim);
    if (__builtin_mul_overflow(numElements, dim, &numElements))
      return emitError(loc) << "tensor '" << tensor.name()
                            << "' has more elements than can be counted";
  }
  auto type = RankedTensorType::get(shape, *element);
  unsigned elementBytes =
      element->isInteger(1) ? 1 : element->getIntOrFloatBitWidth() / 8;

  std::string bytes;
  if (tensor.data_location() == onnx::TensorProto::EXTERNAL) {
    FailureOr<std::string> external = readExternalData(tensor, baseDir, loc);
    if (failed(external))
      return failure();
    bytes = std::move(*external);
  } else if (tensor.has_raw_data()) {
    bytes = tensor.raw_data();
  } else {
    switch (tensor.data_type()) {
    case onnx::TensorProto::FLOAT:
      bytes = narrowToBytes(tensor.float_data(), 4);
      break;
    case onnx::TensorProto::DOUBLE:
      bytes = narrowToBytes(tensor.double_data(), 8);
      break;
    case onnx::TensorProto::INT64:
      bytes = narrowToBytes(tensor.int64_data(), 8);
      break;
    case onnx::TensorProto::UINT32:
    case onnx::TensorProto::UINT64:
      bytes = narrowToBytes(tensor.uint64_data(), elementBytes);
      break;
    default:
      // Every other type of 32 bits or fewer, float16 and bfloat16 as their
      // bit patterns, lives in int32_data.
      bytes = narrowToBytes(tensor.int32_data(), elementBytes);
      break;
    }
  }

  if (uint64_t(numElements) > bytes.size() ||
      bytes.size() != uint64_t(numElements) * elementBytes)
    return emitError(loc) << "tensor '" << tensor.name() << "' holds "
                          << bytes.size() / elementBytes << " values of type "
                          << getDataTypeName(tensor.data_type())
                          << " but its shape needs " << numElements;
  return fromRawBytes(type, bytes);
}
