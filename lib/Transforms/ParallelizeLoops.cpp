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
// Where the bounds or the work are known only at run time (the sequence
// length of a transformer), the original function computes the trip
// counts, picks the first loop of more than one iteration among those that
// can have it, and sizes the parts from the work it counts there; the
// outlined function receives which loop it splits. A loop too small for
// two parts then runs whole on the calling thread (quantc_parallel_for).
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

/// The (lower bound, upper bound, step) of each loop dimension `op` runs:
/// one for scf.for, one per dimension for scf.parallel, none otherwise.
SmallVector<std::tuple<Value, Value, Value>> getLoopDims(Operation &op) {
  SmallVector<std::tuple<Value, Value, Value>> dims;
  if (auto loop = dyn_cast<scf::ForOp>(op))
    dims.emplace_back(loop.getLowerBound(), loop.getUpperBound(),
                      loop.getStep());
  else if (auto loop = dyn_cast<scf::ParallelOp>(op))
    for (auto [lb, ub, st] :
         llvm::zip(loop.getLowerBound(), loop.getUpperBound(), loop.getStep()))
      dims.emplace_back(lb, ub, st);
  return dims;
}

/// Operations one execution of `block` runs: a loop with constant bounds
/// counts its body once per iteration, any other region once.
uint64_t getWork(Block &block) {
  uint64_t work = 0;
  for (Operation &op : block) {
    work = llvm::SaturatingAdd(work, uint64_t(1));
    uint64_t trips = 1;
    for (auto [lb, ub, st] : getLoopDims(op))
      trips = llvm::SaturatingMultiply(
          trips, uint64_t(getTrips(lb, ub, st).value_or(1)));
    for (Region &region : op.getRegions())
      for (Block &inner : region)
        work = llvm::SaturatingAdd(
            work, llvm::SaturatingMultiply(trips, getWork(inner)));
  }
  return work;
}

/// Whether a loop nested in `block` has bounds that are not constants.
bool hasRuntimeTrips(Block &block) {
  WalkResult result = block.walk([&](Operation *op) {
    for (auto [lb, ub, st] : getLoopDims(*op))
      if (!getTrips(lb, ub, st))
        return WalkResult::interrupt();
    return WalkResult::advance();
  });
  return result.wasInterrupted();
}

/// The iterations of a loop dimension, computed at `b`'s insertion point:
/// max(0, ceil((ub - lb) / step)), folded to a constant where the bounds
/// are constants. The step of an scf loop is positive.
Value buildTrips(OpBuilder &b, Location loc, Value lb, Value ub, Value st) {
  if (std::optional<int64_t> trips = getTrips(lb, ub, st))
    return arith::ConstantIndexOp::create(b, loc, *trips);
  Value span = arith::SubIOp::create(b, loc, ub, lb);
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value positive = arith::MaxSIOp::create(b, loc, span, zero);
  return arith::CeilDivUIOp::create(b, loc, positive, st);
}

/// Whether `value` is available before `loop`: defined outside it.
bool isDefinedOutside(Value value, Operation *loop) {
  return !loop->isAncestor(value.getParentRegion()->getParentOp());
}

/// An index constant of a saturated count.
Value countConstant(OpBuilder &b, Location loc, uint64_t count) {
  return arith::ConstantIndexOp::create(
      b, loc, int64_t(std::min<uint64_t>(count, uint64_t(1) << 62)));
}

/// Work counted at run time: `fixed` plus, if any, `varying` (an index
/// value computed before the loop).
struct RuntimeWork {
  uint64_t fixed = 0;
  Value varying;
};

/// getWork computed at `b`'s insertion point, before `outer`: a nested loop
/// whose bounds are defined outside `outer` counts its body as many times
/// as it runs; one whose bounds are computed inside counts it once.
RuntimeWork buildWork(OpBuilder &b, Location loc, Block &block,
                      Operation *outer) {
  RuntimeWork work;
  auto addVarying = [&](Value term) {
    work.varying =
        work.varying ? arith::AddIOp::create(b, loc, work.varying, term) : term;
  };
  for (Operation &op : block) {
    work.fixed = llvm::SaturatingAdd(work.fixed, uint64_t(1));
    uint64_t fixedTrips = 1;
    Value varyingTrips;
    for (auto [lb, ub, st] : getLoopDims(op)) {
      if (std::optional<int64_t> trips = getTrips(lb, ub, st)) {
        fixedTrips = llvm::SaturatingMultiply(fixedTrips, uint64_t(*trips));
      } else if (isDefinedOutside(lb, outer) && isDefinedOutside(ub, outer) &&
                 isDefinedOutside(st, outer)) {
        Value trips = buildTrips(b, loc, lb, ub, st);
        varyingTrips = varyingTrips
                           ? arith::MulIOp::create(b, loc, varyingTrips, trips)
                           : trips;
      }
    }
    for (Region &region : op.getRegions()) {
      for (Block &inner : region) {
        RuntimeWork body = buildWork(b, loc, inner, outer);
        if (!varyingTrips) {
          work.fixed = llvm::SaturatingAdd(
              work.fixed, llvm::SaturatingMultiply(fixedTrips, body.fixed));
          if (body.varying)
            addVarying(arith::MulIOp::create(
                b, loc, body.varying, countConstant(b, loc, fixedTrips)));
          continue;
        }
        Value total = countConstant(b, loc, body.fixed);
        if (body.varying)
          total = arith::AddIOp::create(b, loc, total, body.varying);
        total = arith::MulIOp::create(b, loc, total,
                                      countConstant(b, loc, fixedTrips));
        addVarying(arith::MulIOp::create(b, loc, total, varyingTrips));
      }
    }
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

/// Whether `value` is only computed with: every use, directly or through a
/// vector broadcast, is a float add, subtract, multiply, divide or fma.
bool isOnlyComputedWith(Value value) {
  return llvm::all_of(value.getUsers(), [](Operation *user) {
    if (isa<vector::BroadcastOp>(user))
      return isOnlyComputedWith(user->getResult(0));
    return isa<arith::AddFOp, arith::SubFOp, arith::MulFOp, arith::DivFOp,
               math::FmaOp, vector::FMAOp>(user);
  });
}

/// Whether `value` is recomputed in the outlined function instead of being
/// passed: constants, except float scalars that are only computed with.
/// Those (a layer's learned scale) and references to globals (its bias) are
/// passed, so that the loops of repeated blocks, which differ only in them,
/// share one function. Other constants (a clamp's bound, a stored zero) stay
/// where the compiler can fold them.
bool isRematerialized(Value value) {
  Operation *def = value.getDefiningOp();
  return def && def->getNumOperands() == 0 && def->getNumRegions() == 0 &&
         def->hasTrait<OpTrait::ConstantLike>() &&
         !(isa<FloatType>(value.getType()) && isOnlyComputedWith(value));
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
    outlinedFunctions.clear();
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

  /// The functions outlined so far, each different from the others.
  SmallVector<func::FuncOp> outlinedFunctions;

  /// An outlined function whose body is the same as `outlined`'s (operations,
  /// types, attributes; not locations), or null.
  func::FuncOp findEquivalent(func::FuncOp outlined) {
    for (func::FuncOp other : outlinedFunctions)
      if (other->getParentOp() == outlined->getParentOp() &&
          other.getFunctionType() == outlined.getFunctionType() &&
          OperationEquivalence::isRegionEquivalentTo(
              &other.getBody(), &outlined.getBody(),
              OperationEquivalence::IgnoreLocations))
        return other;
    return nullptr;
  }

  void outline(scf::ParallelOp loop, SymbolTable &symbols) {
    if (loop.getNumResults() != 0 || !isPlainLoopBody(loop.getRegion()))
      return;
    // The first loop of more than one iteration is split; the others run
    // whole in every part. The candidates are the loops that may be it: the
    // ones that may run more than once, up to the first that surely does.
    unsigned rank = loop.getNumLoops();
    SmallVector<std::tuple<Value, Value, Value>> dims = getLoopDims(*loop);
    SmallVector<std::optional<int64_t>> trips;
    for (auto [lb, ub, st] : dims)
      trips.push_back(getTrips(lb, ub, st));
    SmallVector<unsigned> candidates;
    for (unsigned dim = 0; dim < rank; ++dim) {
      if (trips[dim] && *trips[dim] <= 1)
        continue;
      candidates.push_back(dim);
      if (trips[dim])
        break;
    }
    if (candidates.empty())
      return;

    // With constant bounds and constant nested loops, the split and the
    // size of a part are constants, and a loop of too little work stays.
    bool fixed = llvm::all_of(trips, [](auto t) { return t.has_value(); }) &&
                 !hasRuntimeTrips(*loop.getBody());
    uint64_t fixedMinItems = 0;
    if (fixed) {
      unsigned dim = candidates.front();
      uint64_t perIteration = getWork(*loop.getBody());
      for (auto [index, count] : llvm::enumerate(trips))
        if (index != dim)
          perIteration =
              llvm::SaturatingMultiply(perIteration, uint64_t(*count));
      if (perIteration < 1 ||
          llvm::SaturatingMultiply(perIteration, uint64_t(*trips[dim])) <
              2 * uint64_t(minWork))
        return;
      fixedMinItems = llvm::divideCeil(uint64_t(minWork), perIteration);
    }

    // The values the body and the bounds use: constants are recomputed, the
    // rest passed.
    SetVector<Value> used;
    getUsedValuesDefinedAbove(loop.getRegion(), used);
    for (Value bound : loop->getOperands())
      used.insert(bound);
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

    auto func = loop->getParentOfType<func::FuncOp>();
    Location loc = loop.getLoc();
    Type i64 = IntegerType::get(context, 64);
    Type ptr = LLVM::LLVMPointerType::get(context);
    Type index = IndexType::get(context);
    OpBuilder builder(context);

    // Before the loop: the number of iterations to split, the fewest a part
    // takes, and (among several candidates) which loop is split.
    builder.setInsertionPoint(loop);
    Value count, minItems, split;
    if (!fixed) {
      SmallVector<Value> tripValues;
      for (auto [lb, ub, st] : dims)
        tripValues.push_back(buildTrips(builder, loc, lb, ub, st));
      Value one = arith::ConstantIndexOp::create(builder, loc, 1);
      count = tripValues[candidates.back()];
      split = arith::ConstantIndexOp::create(builder, loc, candidates.back());
      for (unsigned dim : llvm::reverse(ArrayRef(candidates).drop_back())) {
        Value more = arith::CmpIOp::create(
            builder, loc, arith::CmpIPredicate::ugt, tripValues[dim], one);
        count =
            arith::SelectOp::create(builder, loc, more, tripValues[dim], count);
        split = arith::SelectOp::create(
            builder, loc, more,
            arith::ConstantIndexOp::create(builder, loc, dim), split);
      }
      RuntimeWork work = buildWork(builder, loc, *loop.getBody(), loop);
      Value total = countConstant(builder, loc, work.fixed);
      if (work.varying)
        total = arith::AddIOp::create(builder, loc, total, work.varying);
      for (Value t : tripValues)
        total = arith::MulIOp::create(builder, loc, total, t);
      Value perIteration = arith::DivUIOp::create(
          builder, loc, total,
          arith::MaxUIOp::create(builder, loc, count, one));
      minItems = arith::CeilDivUIOp::create(
          builder, loc, countConstant(builder, loc, uint64_t(minWork)),
          arith::MaxUIOp::create(builder, loc, perIteration, one));
      count = arith::IndexCastOp::create(builder, loc, i64, count);
      minItems = arith::IndexCastOp::create(builder, loc, i64, minItems);
      if (candidates.size() > 1) {
        passed.push_back(split);
        fields.push_back(i64);
      }
    }
    auto record = LLVM::LLVMStructType::getLiteral(context, fields);

    // The outlined function: iterations [begin, end) of the split loop.
    builder.clearInsertionPoint();
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
    for (auto [position, value] : llvm::enumerate(passed)) {
      Value address =
          LLVM::GEPOp::create(builder, loc, ptr, record, entry->getArgument(0),
                              ArrayRef<LLVM::GEPArg>{0, int32_t(position)});
      Value field =
          LLVM::LoadOp::create(builder, loc, fields[position], address);
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
    SmallVector<std::pair<Value, Value>> partBounds;
    for (unsigned dim : candidates) {
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
      if (candidates.size() > 1) {
        Value isSplit = arith::CmpIOp::create(
            builder, loc, arith::CmpIPredicate::eq, mapping.lookup(split),
            arith::ConstantIndexOp::create(builder, loc, dim));
        partLower =
            arith::SelectOp::create(builder, loc, isSplit, partLower, lower);
        partUpper =
            arith::SelectOp::create(builder, loc, isSplit, partUpper,
                                    mapping.lookup(loop.getUpperBound()[dim]));
      }
      partBounds.emplace_back(partLower, partUpper);
    }
    Operation *part = builder.clone(*loop, mapping);
    for (auto [dim, bounds] : llvm::zip(candidates, partBounds)) {
      part->setOperand(dim, bounds.first);
      part->setOperand(rank + dim, bounds.second);
    }
    func::ReturnOp::create(builder, loc);

    // Loops of the same shape and constants (the repeated blocks of a
    // network) share one function.
    if (func::FuncOp same = findEquivalent(outlined)) {
      symbols.erase(outlined);
      outlined = same;
    } else {
      outlinedFunctions.push_back(outlined);
    }

    // At the loop's place: fill the record, hand the loop to the threads.
    builder.setInsertionPointToStart(&func.getBody().front());
    Value one = LLVM::ConstantOp::create(builder, loc, i64,
                                         builder.getI64IntegerAttr(1));
    Value context_ = LLVM::AllocaOp::create(builder, loc, ptr, record, one);
    builder.setInsertionPoint(loop);
    for (auto [position, value] : llvm::enumerate(passed)) {
      Value field = value;
      if (isa<MemRefType>(value.getType()))
        field = UnrealizedConversionCastOp::create(builder, loc,
                                                   fields[position], value)
                    .getResult(0);
      else if (isa<IndexType>(value.getType()))
        field = arith::IndexCastOp::create(builder, loc, i64, value);
      Value address =
          LLVM::GEPOp::create(builder, loc, ptr, record, context_,
                              ArrayRef<LLVM::GEPArg>{0, int32_t(position)});
      LLVM::StoreOp::create(builder, loc, field, address);
    }
    Value function =
        func::ConstantOp::create(builder, loc, outlined.getFunctionType(),
                                 SymbolRefAttr::get(outlined.getSymNameAttr()));
    Value functionAddress =
        UnrealizedConversionCastOp::create(builder, loc, ptr, function)
            .getResult(0);
    if (fixed) {
      count = arith::ConstantIntOp::create(builder, loc, i64,
                                           *trips[candidates.front()]);
      minItems = arith::ConstantIntOp::create(builder, loc, i64, fixedMinItems);
    }
    func::CallOp::create(
        builder, loc, getParallelFor(symbols),
        ValueRange{count, minItems, functionAddress, context_});
    loop.erase();
  }
};

} // namespace
