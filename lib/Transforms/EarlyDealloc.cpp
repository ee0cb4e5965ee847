//===- EarlyDealloc.cpp - Free buffers after their last use ---------------===//
//
// The quantc-early-dealloc pass. Ownership-based deallocation puts the
// memref.dealloc of a buffer a block allocates at the end of the block; in
// a model's function, one block of straight-line code, that keeps every
// intermediate buffer alive until the function returns. Each dealloc moves
// to just after the last operation of its block that uses the buffer or a
// value that may alias it, so the runtime's pool hands the memory to the
// next allocation instead.
//
//===----------------------------------------------------------------------===//

#include "quantc/Transforms/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

namespace quantc {
#define GEN_PASS_DEF_EARLYDEALLOC
#include "quantc/Transforms/Passes.h.inc"
} // namespace quantc

using namespace mlir;

namespace {

/// Whether all of `op`'s results may alias memory it was given: results of
/// a cast to another type system, pointers taken out of a memref, and
/// anything of a dialect whose ops this pass does not know.
bool resultsMayAlias(Operation *op) {
  if (isa<UnrealizedConversionCastOp, memref::ExtractAlignedPointerAsIndexOp>(
          op))
    return true;
  Dialect *dialect = op->getDialect();
  return !dialect ||
         !isa<BuiltinDialect, arith::ArithDialect, math::MathDialect,
              memref::MemRefDialect, scf::SCFDialect, affine::AffineDialect,
              vector::VectorDialect, linalg::LinalgDialect, func::FuncDialect>(
             dialect);
}

/// The last operation of `block` that defines or uses `buffer` or a value
/// that may alias it (for a nested use, the operation of `block` that holds
/// it), null if there is none, or failure if one of them is used outside
/// `block`.
FailureOr<Operation *> findLastUse(Value buffer, Block *block,
                                   Operation *dealloc) {
  SmallVector<Value> worklist = {buffer};
  DenseSet<Value> seen = {buffer};
  Operation *last = buffer.getDefiningOp();
  if (last && last->getBlock() != block)
    last = nullptr;
  auto addAlias = [&](Value value) {
    if (seen.insert(value).second)
      worklist.push_back(value);
  };
  while (!worklist.empty()) {
    Value value = worklist.pop_back_val();
    for (OpOperand &use : value.getUses()) {
      Operation *user = use.getOwner();
      if (user == dealloc)
        continue;
      Operation *holder = block->findAncestorOpInBlock(*user);
      if (!holder)
        return failure();
      if (!last || last->isBeforeInBlock(holder))
        last = holder;
      // What the holder produces may alias the buffer: memref results (a
      // view, or a loop that yields the buffer), and every result of an
      // operation whose results are not understood. Values made inside the
      // holder are used only inside it, so they add no later use.
      for (Value result : holder->getResults())
        if (isa<BaseMemRefType>(result.getType()) || resultsMayAlias(holder))
          addAlias(result);
    }
  }
  return last;
}

struct EarlyDeallocPass final
    : quantc::impl::EarlyDeallocBase<EarlyDeallocPass> {
  void runOnOperation() override {
    SmallVector<memref::DeallocOp> deallocs;
    getOperation()->walk(
        [&](memref::DeallocOp dealloc) { deallocs.push_back(dealloc); });
    for (memref::DeallocOp dealloc : deallocs) {
      FailureOr<Operation *> last =
          findLastUse(dealloc.getMemref(), dealloc->getBlock(), dealloc);
      if (succeeded(last) && *last && (*last)->isBeforeInBlock(dealloc))
        dealloc->moveAfter(*last);
    }
  }
};

} // namespace
