//===- ParallelizeLoops.cpp - Large parallel loops on the runtime's threads
//===//
//
// The quantc-parallelize-loops pass. A top-level scf.parallel of enough
// work (an activation, a quantization epilogue, a softmax over rows) moves
// into a function `(ctx, begin, end)` that runs iterations [begin, end) of
// its first loop of more than one iteration; the values its body uses travel in
// a stack record `ctx` (memref descriptors, scalars), and the original function
// calls the runtime's quantc_parallel_for, which hands out parts of that loop
// to the run's threads (runtime/threads.c). Each iteration writes its own
// elements, so every thread count computes the same values.
//
//===----------------------------------------------------------------------===//

#include "quantc/Transforms/Passes.h"

#include "mlir/Conversion/LLVMCommon/TypeConverter.h"
#include "mlir/Dialect/Index/IR/IndexDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/UB/IR/UBOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/CallInterfaces.h"
#include "mlir/Transforms/RegionUtils.h"
#include "llvm/Support/MathExtras.h"

namespace quantc {
#define GEN_PASS_DEF_PARALLELIZELOOPS
#include "quantc/Transforms/Passes.h.inc"
} // namespace quantc

using namespace mlir;

namespace {

constexpr StringLiteral kParallelFor = "quantc_parallel_for";

/// Iterations of a loop dimension with constant bounds, or nullopt.
std::optional<int64_t> getTrips(Value lower, Value upper, Value step) {
  std::optional<int64_t> lb = getConstantIntValue(lower);
  std::optional<int64_t> ub = getConstantIntValue(upper);
  std::optional<int64_t> st = getConstantIntValue(step);
  if (!lb || !ub || !st || *st <= 0)
    return std::nullopt;
  return *ub <= *lb ? 0 : llvm::divideCeil(*ub - *lb, *st);
}

/// Operations one execution of `block` runs: a loop with constant bounds
/// counts its body once per iteration, any other region once.
uint64_t getWork(Block &block) {
  uint64_t work = 0;
  for (Operation &op : block) {
    work = llvm::SaturatingAdd(work, uint64_t(1));
    uint64_t trips = 1;
    if (auto loop = dyn_cast<scf::ForOp>(op)) {
      trips = uint64_t(
          getTrips(loop.getLowerBound(), loop.getUpperBound(), loop.getStep())
              .value_or(1));
    } else if (auto loop = dyn_cast<scf::ParallelOp>(op)) {
      for (auto [lb, ub, st] : llvm::zip(loop.getLowerBound(),
                                         loop.getUpperBound(), loop.getStep()))
        trips = llvm::SaturatingMultiply(
            trips, uint64_t(getTrips(lb, ub, st).value_or(1)));
    }
    for (Region &region : op.getRegions())
      for (Block &inner : region)
        work = llvm::SaturatingAdd(
            work, llvm::SaturatingMultiply(trips, getWork(inner)));
  }
  return work;
}

/// Whether `body` only computes and accesses memory: no calls (the runtime's
/// kernels start threads of their own), no allocation (the runtime's pool is
/// the calling thread's), nothing outside the dialects of loop code.
bool isPlainLoopBody(Region &body) {
  WalkResult result = body.walk([](Operation *op) {
    if (isa<CallOpInterface>(op) ||
        isa<memref::AllocOp, memref::AllocaOp, memref::DeallocOp,
            memref::ReallocOp, memref::CopyOp, memref::AllocaScopeOp>(op))
      return WalkResult::interrupt();
    Dialect *dialect = op->getDialect();
    if (!dialect ||
        !isa<arith::ArithDialect, math::MathDialect, memref::MemRefDialect,
             scf::SCFDialect, vector::VectorDialect, affine::AffineDialect,
             index::IndexDialect, ub::UBDialect>(dialect))
      return WalkResult::interrupt();
    return WalkResult::advance();
  });
  return !result.wasInterrupted();
}

/// Whether `value` is recomputed in the outlined function instead of being
/// passed: constants and references to globals.
bool isRematerialized(Value value) {
  Operation *def = value.getDefiningOp();
  return def && def->getNumOperands() == 0 && def->getNumRegions() == 0 &&
         (def->hasTrait<OpTrait::ConstantLike>() ||
          isa<memref::GetGlobalOp>(def));
}

struct ParallelizeLoopsPass final
    : quantc::impl::ParallelizeLoopsBase<ParallelizeLoopsPass> {
  using ParallelizeLoopsBase::ParallelizeLoopsBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (minWork < 1) {
      module.emitError("quantc-parallelize-loops: min-work must be at "
                       "least 1, not ")
          << int64_t(minWork);
      return signalPassFailure();
    }
    SmallVector<scf::ParallelOp> loops;
    module.walk([&](func::FuncOp func) {
      if (!func.isExternal() && callsThreadedKernel(func))
        for (Block &block : func.getBody())
          for (auto loop : block.getOps<scf::ParallelOp>())
            loops.push_back(loop);
    });
    // The functions go into the symbol table (module) of the loop's function.
    SymbolTableCollection tables;
    for (scf::ParallelOp loop : loops) {
      Operation *scope = loop->getParentOfType<func::FuncOp>()->getParentOp();
      outline(loop, tables.getSymbolTable(scope));
    }
  }

  /// Whether `func` qualifies under threaded-callees.
  bool callsThreadedKernel(func::FuncOp func) {
    if (threadedCallees.empty())
      return true;
    WalkResult found = func.walk([&](func::CallOp call) {
      return llvm::is_contained(threadedCallees, call.getCallee())
                 ? WalkResult::interrupt()
                 : WalkResult::advance();
    });
    return found.wasInterrupted();
  }

  /// The runtime's quantc_parallel_for, declared once.
  func::FuncOp getParallelFor(SymbolTable &symbols) {
    if (auto existing = symbols.lookup<func::FuncOp>(kParallelFor))
      return existing;
    MLIRContext *context = &getContext();
    Type i64 = IntegerType::get(context, 64);
    Type ptr = LLVM::LLVMPointerType::get(context);
    OpBuilder builder(context);
    auto decl =
        func::FuncOp::create(builder, getOperation().getLoc(), kParallelFor,
                             builder.getFunctionType({i64, i64, ptr, ptr}, {}));
    decl.setPrivate();
    Region &body = symbols.getOp()->getRegion(0);
    symbols.insert(decl, body.front().begin());
    return decl;
  }

  void outline(scf::ParallelOp loop, SymbolTable &symbols) {
    if (loop.getNumResults() != 0 || !isPlainLoopBody(loop.getRegion()))
      return;
    // The first loop of more than one iteration is split; the others run
    // whole in every part.
    SmallVector<int64_t> trips;
    for (auto [lb, ub, st] : llvm::zip(loop.getLowerBound(),
                                       loop.getUpperBound(), loop.getStep())) {
      std::optional<int64_t> count = getTrips(lb, ub, st);
      if (!count)
        return;
      trips.push_back(*count);
    }
    const int64_t *split =
        llvm::find_if(trips, [](int64_t n) { return n > 1; });
    if (split == trips.end())
      return;
    unsigned dim = split - trips.begin();
    uint64_t perIteration = getWork(*loop.getBody());
    for (auto [index, count] : llvm::enumerate(trips))
      if (index != dim)
        perIteration = llvm::SaturatingMultiply(perIteration, uint64_t(count));
    if (perIteration < 1 ||
        llvm::SaturatingMultiply(perIteration, uint64_t(trips[dim])) <
            2 * uint64_t(minWork))
      return;

    // The values the body uses: constants are recomputed, the rest passed.
    SetVector<Value> used;
    getUsedValuesDefinedAbove(loop.getRegion(), used);
    MLIRContext *context = &getContext();
    LLVMTypeConverter converter(context);
    SmallVector<Value> passed;
    SmallVector<Type> fields;
    for (Value value : used) {
      if (isRematerialized(value))
        continue;
      Type type = value.getType();
      Type field;
      if (isa<MemRefType>(type))
        field = converter.convertType(type);
      else if (isa<IndexType>(type))
        field = IntegerType::get(context, 64);
      else if (isa<IntegerType, FloatType>(type))
        field = type;
      if (!field)
        return;
      passed.push_back(value);
      fields.push_back(field);
    }
    for (Value bound : loop->getOperands())
      if (!isRematerialized(bound))
        return;

    auto func = loop->getParentOfType<func::FuncOp>();
    Location loc = loop.getLoc();
    Type i64 = IntegerType::get(context, 64);
    Type ptr = LLVM::LLVMPointerType::get(context);
    auto record = LLVM::LLVMStructType::getLiteral(context, fields);

    // The outlined function: iterations [begin, end) of the split loop.
    OpBuilder builder(context);
    auto outlined = func::FuncOp::create(
        builder, loc, (func.getSymName() + "_parallel").str(),
        builder.getFunctionType({ptr, i64, i64}, {}));
    outlined.setPrivate();
    outlined->setAttr("llvm.linkage",
                      LLVM::LinkageAttr::get(context, LLVM::Linkage::Internal));
    symbols.insert(outlined, std::next(Block::iterator(func.getOperation())));
    Block *entry = outlined.addEntryBlock();
    builder.setInsertionPointToStart(entry);
    IRMapping mapping;
    for (auto [index, value] : llvm::enumerate(passed)) {
      Value address =
          LLVM::GEPOp::create(builder, loc, ptr, record, entry->getArgument(0),
                              ArrayRef<LLVM::GEPArg>{0, int32_t(index)});
      Value field = LLVM::LoadOp::create(builder, loc, fields[index], address);
      Type type = value.getType();
      if (isa<MemRefType>(type))
        field = UnrealizedConversionCastOp::create(builder, loc, type, field)
                    .getResult(0);
      else if (isa<IndexType>(type))
        field = arith::IndexCastOp::create(builder, loc, type, field);
      mapping.map(value, field);
    }
    for (Value value : used)
      if (isRematerialized(value) && !mapping.contains(value))
        builder.clone(*value.getDefiningOp(), mapping);
    for (Value bound : loop->getOperands())
      if (!mapping.contains(bound))
        builder.clone(*bound.getDefiningOp(), mapping);
    Type index = builder.getIndexType();
    Value lower = mapping.lookup(loop.getLowerBound()[dim]);
    Value step = mapping.lookup(loop.getStep()[dim]);
    auto iterationStart = [&](Value iteration) -> Value {
      Value offset = arith::MulIOp::create(
          builder, loc,
          arith::IndexCastOp::create(builder, loc, index, iteration), step);
      return arith::AddIOp::create(builder, loc, lower, offset);
    };
    Value partLower = iterationStart(entry->getArgument(1));
    Value partUpper = iterationStart(entry->getArgument(2));
    Operation *part = builder.clone(*loop, mapping);
    unsigned rank = loop.getNumLoops();
    part->setOperand(dim, partLower);
    part->setOperand(rank + dim, partUpper);
    func::ReturnOp::create(builder, loc);

    // At the loop's place: fill the record, hand the loop to the threads.
    builder.setInsertionPointToStart(&func.getBody().front());
    Value one = LLVM::ConstantOp::create(builder, loc, i64,
                                         builder.getI64IntegerAttr(1));
    Value context_ = LLVM::AllocaOp::create(builder, loc, ptr, record, one);
    builder.setInsertionPoint(loop);
    for (auto [index, value] : llvm::enumerate(passed)) {
      Value field = value;
      if (isa<MemRefType>(value.getType()))
        field = UnrealizedConversionCastOp::create(builder, loc, fields[index],
                                                   value)
                    .getResult(0);
      else if (isa<IndexType>(value.getType()))
        field = arith::IndexCastOp::create(builder, loc, i64, value);
      Value address =
          LLVM::GEPOp::create(builder, loc, ptr, record, context_,
                              ArrayRef<LLVM::GEPArg>{0, int32_t(index)});
      LLVM::StoreOp::create(builder, loc, field, address);
    }
    Value function =
        func::ConstantOp::create(builder, loc, outlined.getFunctionType(),
                                 SymbolRefAttr::get(outlined.getSymNameAttr()));
    Value functionAddress =
        UnrealizedConversionCastOp::create(builder, loc, ptr, function)
            .getResult(0);
    int64_t minItems =
        int64_t(llvm::divideCeil(uint64_t(minWork), perIteration));
    Value count = arith::ConstantIntOp::create(builder, loc, i64, trips[dim]);
    Value min = arith::ConstantIntOp::create(builder, loc, i64, minItems);
    func::CallOp::create(builder, loc, getParallelFor(symbols),
                         ValueRange{count, min, functionAddress, context_});
    loop.erase();
  }
};

} // namespace
