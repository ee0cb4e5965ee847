//===- Weights.cpp - Model weights outside the generated code ------------===//
//
// See include/quantc/Target/Weights.h for the format and the contract with
// the C glue.
//
//===----------------------------------------------------------------------===//

#include "quantc/Target/Weights.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/Support/Endian.h"

using namespace mlir;
using namespace quantc;

uint64_t WeightsBlob::hash() const {
  uint64_t h = 0xcbf29ce484222325ull;
  for (char c : data) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ull;
  }
  return h;
}

/// The raw little-endian bytes of `value` if it is dense, non-splat and of
/// integer or float elements of whole bytes.
static std::optional<ArrayRef<char>> getRawBytes(Attribute value) {
  auto dense = dyn_cast_or_null<DenseElementsAttr>(value);
  if (!dense || dense.isSplat())
    return std::nullopt;
  Type element = dense.getElementType();
  if (!element.isIntOrFloat() || element.getIntOrFloatBitWidth() % 8 != 0)
    return std::nullopt;
  return dense.getRawData();
}

void quantc::outlineWeights(ModuleOp module, WeightsBlob &blob,
                            uint64_t minBytes) {
  llvm::StringMap<uint64_t> offsets;
  SmallVector<LLVM::GlobalOp> moved;
  for (auto global : module.getOps<LLVM::GlobalOp>()) {
    if (!global.getConstant())
      continue;
    std::optional<ArrayRef<char>> bytes = getRawBytes(global.getValueOrNull());
    if (!bytes || bytes->size() < minBytes)
      continue;
    uint64_t offset = llvm::alignTo(blob.data.size(), 64);
    blob.data.resize(offset, 0);
    blob.data.insert(blob.data.end(), bytes->begin(), bytes->end());
    offsets[global.getSymName()] = offset;
    moved.push_back(global);
  }
  if (moved.empty())
    return;

  MLIRContext *context = module.getContext();
  auto pointer = LLVM::LLVMPointerType::get(context);
  OpBuilder builder(context);
  builder.setInsertionPointToStart(module.getBody());
  LLVM::GlobalOp::create(builder, module.getLoc(), pointer,
                         /*isConstant=*/false, LLVM::Linkage::External,
                         kWeightsBaseSymbol, Attribute());

  SmallVector<LLVM::AddressOfOp> uses;
  module.walk([&](LLVM::AddressOfOp op) {
    if (offsets.count(op.getGlobalName()))
      uses.push_back(op);
  });
  for (LLVM::AddressOfOp use : uses) {
    builder.setInsertionPoint(use);
    Location loc = use.getLoc();
    Value base =
        LLVM::AddressOfOp::create(builder, loc, pointer, kWeightsBaseSymbol);
    Value weights = LLVM::LoadOp::create(builder, loc, pointer, base);
    uint64_t offset = offsets.lookup(use.getGlobalName());
    // The offset as an i64 operand. As a constant index of the GEP, offsets
    // of 2^28 bytes and more came out of code generation wrapped modulo
    // 2^29 (test/Target/large-weights.test), and the library read outside
    // its weights.
    LLVM::GEPArg index =
        LLVM::ConstantOp::create(builder, loc, builder.getI64Type(),
                                 static_cast<int64_t>(offset))
            .getResult();
    Value at = LLVM::GEPOp::create(builder, loc, pointer, builder.getI8Type(),
                                   weights, ArrayRef<LLVM::GEPArg>{index},
                                   LLVM::GEPNoWrapFlags::inbounds);
    use.replaceAllUsesWith(at);
    use.erase();
  }
  for (LLVM::GlobalOp global : moved)
    global.erase();
}

std::string quantc::serializeWeightsFile(const WeightsBlob &blob) {
  std::string file(kWeightsHeaderBytes, '\0');
  std::memcpy(file.data(), "QUANTCW", 7);
  llvm::support::endian::write64le(file.data() + 8, 1);
  llvm::support::endian::write64le(file.data() + 16, blob.data.size());
  llvm::support::endian::write64le(file.data() + 24, blob.hash());
  file.append(blob.data.begin(), blob.data.end());
  return file;
}
