//===- VectorizeContractions.cpp - Register-blocked vector kernels -------===//
//
// The quantc-vectorize-contractions pass. A linalg.generic on buffers that
// computes out += a * b over parallel and reduction loops becomes
//
//   for the other parallel loops:
//     for j0 in full column blocks (vectors * lanes wide):
//       for i0 in full row blocks (rows high):  kernel(rows, vectors)
//       for the remaining rows:                kernel(1, vectors)
//     for j0 in the remaining columns, one vector at a time (masked):
//       the same two row loops with kernel(.., 1)
//
// where kernel(R, V) loads an R x V block of output vectors, runs the
// reduction loops with the block in registers (vector.fma of a broadcast
// scalar of one input by a vector load of the other), and stores it back.
// Accumulation order per output element is the generic's reduction order.
// A contraction with fewer rows than `rows` (no row loop, or one of static
// extent below it, as a matrix-vector product) takes a block of that many
// rows and rows * vectors / that many vectors instead.
//
//===----------------------------------------------------------------------===//

#include "quantc/Transforms/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/AffineExpr.h"

namespace quantc {
#define GEN_PASS_DEF_VECTORIZECONTRACTIONS
#include "quantc/Transforms/Passes.h.inc"
} // namespace quantc

using namespace mlir;

namespace {

/// How one contraction maps onto the kernel.
struct ContractionPlan {
  /// Input operand number of the vector operand; the other is broadcast.
  unsigned vectorInput = 0;
  /// The vectorized loop and its coefficient in the vector operand's
  /// innermost index.
  unsigned jLoop = 0;
  int64_t jStride = 1;
  /// The loop unrolled over the rows of the register block, if any.
  std::optional<unsigned> iLoop;
  bool vectorDependsOnI = false, broadcastDependsOnI = false;
  SmallVector<unsigned> outerLoops, reductionLoops;
};

/// The body is `yield acc + x * y` with {x, y} the two inputs, in either
/// order.
bool isMultiplyAccumulate(linalg::GenericOp op) {
  Block &body = op.getRegion().front();
  if (body.getOperations().size() != 3)
    return false;
  auto add = body.getTerminator()->getOperand(0).getDefiningOp<arith::AddFOp>();
  if (!add)
    return false;
  Value acc = body.getArgument(2);
  Value product = add.getLhs() == acc   ? add.getRhs()
                  : add.getRhs() == acc ? add.getLhs()
                                        : Value();
  auto mul = product ? product.getDefiningOp<arith::MulFOp>() : nullptr;
  if (!mul)
    return false;
  Value x = body.getArgument(0), y = body.getArgument(1);
  return (mul.getLhs() == x && mul.getRhs() == y) ||
         (mul.getLhs() == y && mul.getRhs() == x);
}

/// The coefficient of `dim` in the affine `expr`, if `expr` is linear in it.
std::optional<int64_t> coefficientOf(AffineExpr expr, unsigned dim,
                                     unsigned numDims) {
  if (!expr.isPureAffine())
    return std::nullopt;
  MLIRContext *context = expr.getContext();
  SmallVector<AffineExpr> at(numDims, getAffineConstantExpr(0, context));
  auto base = dyn_cast<AffineConstantExpr>(expr.replaceDims(at));
  at[dim] = getAffineConstantExpr(1, context);
  auto unit = dyn_cast<AffineConstantExpr>(expr.replaceDims(at));
  if (!base || !unit)
    return std::nullopt;
  return unit.getValue() - base.getValue();
}

bool hasUnitInnerStride(Value memref) {
  auto type = cast<MemRefType>(memref.getType());
  return type.getRank() > 0 && type.isLastDimUnitStride();
}

/// Whether `map` reads along `loop` (in any of its results).
bool dependsOn(AffineMap map, unsigned loop) {
  return llvm::any_of(map.getResults(),
                      [&](AffineExpr e) { return e.isFunctionOfDim(loop); });
}

/// `preference` in the high bits and a loop's static extent (a dynamic one
/// counts as long) in the low ones: the order in which a planner picks the
/// loop it blocks.
int64_t blockScore(int64_t preference, int64_t extent) {
  if (ShapedType::isDynamic(extent))
    extent = std::numeric_limits<int32_t>::max();
  return (preference << 32) | extent;
}

/// A contraction in dot-product form: both inputs run along the one
/// reduction loop `k` in their unit-stride innermost index, as a product
/// with a transposed right operand does (out[m, n] += a[m, k] * b[n, k]).
struct DotPlan {
  unsigned kLoop = 0;
  /// A parallel loop that `blockInput` depends on and the other input does
  /// not: a block of its iterations shares the other input's vector.
  std::optional<unsigned> nLoop;
  unsigned blockInput = 1;
  SmallVector<unsigned> outerLoops;
};

/// The checks both plans make: a multiply-accumulate of two float inputs
/// of the output's element type, on buffers.
bool isFloatMultiplyAccumulate(linalg::GenericOp op) {
  if (!op.hasPureBufferSemantics() || op.getNumDpsInputs() != 2 ||
      op.getNumDpsInits() != 1 || !isMultiplyAccumulate(op))
    return false;
  Type element = cast<MemRefType>(op.getDpsInitOperand(0)->get().getType())
                     .getElementType();
  if (!isa<FloatType>(element))
    return false;
  return llvm::all_of(op.getDpsInputs(), [&](Value input) {
    return cast<MemRefType>(input.getType()).getElementType() == element;
  });
}

FailureOr<DotPlan> planDot(linalg::GenericOp op) {
  if (!isFloatMultiplyAccumulate(op))
    return failure();
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  unsigned numLoops = op.getNumLoops();
  if (!maps[2].isProjectedPermutation() ||
      llvm::count(iterators, utils::IteratorType::reduction) != 1)
    return failure();
  DotPlan plan;
  plan.kLoop =
      llvm::find(iterators, utils::IteratorType::reduction) - iterators.begin();
  for (unsigned input = 0; input < 2; ++input) {
    AffineMap map = maps[input];
    auto last = dyn_cast_or_null<AffineDimExpr>(
        map.getNumResults() ? map.getResults().back() : AffineExpr());
    if (!last || last.getPosition() != plan.kLoop ||
        !hasUnitInnerStride(op.getDpsInputs()[input]))
      return failure();
    for (AffineExpr expr : map.getResults().drop_back())
      if (expr.isFunctionOfDim(plan.kLoop))
        return failure();
  }
  // The block's loop: one only the right input depends on (the other
  // input's vector is then shared), else one only the left does; the
  // longest such. Loops of extent 1 do not count.
  SmallVector<int64_t> extents = op.getStaticLoopRanges();
  int64_t bestScore = -1;
  for (unsigned loop = 0; loop < numLoops; ++loop) {
    if (loop == plan.kLoop || extents[loop] == 1)
      continue;
    for (unsigned input : {1u, 0u}) {
      if (!dependsOn(maps[input], loop) || dependsOn(maps[1 - input], loop))
        continue;
      int64_t score = blockScore(input, extents[loop]);
      if (score > bestScore) {
        bestScore = score;
        plan.nLoop = loop;
        plan.blockInput = input;
      }
    }
  }
  for (unsigned loop = 0; loop < numLoops; ++loop)
    if (loop != plan.kLoop && loop != plan.nLoop)
      plan.outerLoops.push_back(loop);
  return plan;
}

FailureOr<ContractionPlan> planContraction(linalg::GenericOp op) {
  if (!isFloatMultiplyAccumulate(op) ||
      !hasUnitInnerStride(op.getDpsInitOperand(0)->get()))
    return failure();

  unsigned numLoops = op.getNumLoops();
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  AffineMap outMap = maps[2];
  if (!outMap.isProjectedPermutation() || outMap.getNumResults() == 0)
    return failure();

  ContractionPlan plan;
  plan.jLoop = cast<AffineDimExpr>(outMap.getResults().back()).getPosition();
  if (iterators[plan.jLoop] != utils::IteratorType::parallel)
    return failure();

  // Exactly one input depends on j, through its unit-stride innermost index.
  int vectorInputs = 0;
  for (unsigned input = 0; input < 2; ++input) {
    AffineMap map = maps[input];
    bool uses = false;
    for (unsigned r = 0; r < map.getNumResults(); ++r)
      uses |= map.getResult(r).isFunctionOfDim(plan.jLoop);
    if (!uses)
      continue;
    ++vectorInputs;
    plan.vectorInput = input;
    for (unsigned r = 0; r + 1 < map.getNumResults(); ++r)
      if (map.getResult(r).isFunctionOfDim(plan.jLoop))
        return failure();
    std::optional<int64_t> stride =
        coefficientOf(map.getResults().back(), plan.jLoop, numLoops);
    if (!stride || (*stride != 1 && *stride != 2) ||
        !hasUnitInnerStride(op.getDpsInputs()[input]))
      return failure();
    plan.jStride = *stride;
  }
  if (vectorInputs != 1)
    return failure();

  // The row loop: reuse the vector loads across rows if possible, else the
  // broadcast; then prefer the longer loop. Loops of extent 1 do not count.
  SmallVector<int64_t> extents = op.getStaticLoopRanges();
  AffineMap vectorMap = maps[plan.vectorInput],
            broadcastMap = maps[1 - plan.vectorInput];
  int64_t bestScore = -1;
  for (unsigned loop = 0; loop < numLoops; ++loop) {
    if (loop == plan.jLoop ||
        iterators[loop] != utils::IteratorType::parallel || extents[loop] == 1)
      continue;
    int64_t score = blockScore((dependsOn(vectorMap, loop) ? 0 : 2) +
                                   (dependsOn(broadcastMap, loop) ? 0 : 1),
                               extents[loop]);
    if (score > bestScore) {
      bestScore = score;
      plan.iLoop = loop;
    }
  }
  if (plan.iLoop) {
    plan.vectorDependsOnI = dependsOn(vectorMap, *plan.iLoop);
    plan.broadcastDependsOnI = dependsOn(broadcastMap, *plan.iLoop);
  }
  for (unsigned loop = 0; loop < numLoops; ++loop) {
    if (iterators[loop] == utils::IteratorType::reduction)
      plan.reductionLoops.push_back(loop);
    else if (loop != plan.jLoop && loop != plan.iLoop)
      plan.outerLoops.push_back(loop);
  }
  return plan;
}

/// What the two kernel emitters share: the generic's loop extents, its
/// indexing maps, and loop and index helpers.
class EmitterBase {
protected:
  EmitterBase(OpBuilder &builder, linalg::GenericOp op, int64_t vectorBits)
      : b(builder), loc(op.getLoc()), op(op), maps(op.getIndexingMapsArray()) {
    Type element = cast<MemRefType>(op.getDpsInitOperand(0)->get().getType())
                       .getElementType();
    lanes = std::max<int64_t>(vectorBits / element.getIntOrFloatBitWidth(), 1);
    vectorType = VectorType::get({lanes}, element);
    output = op.getDpsInitOperand(0)->get();
  }

  /// The generic's loop extents, then loops over `outer` (each from 0 to
  /// its extent, in order) around `inner`, which gets every loop's index
  /// (0 for the loops it runs itself).
  void emitLoopNest(ArrayRef<unsigned> outer,
                    function_ref<void(SmallVector<Value> &)> inner) {
    for (const Range &range :
         cast<linalg::LinalgOp>(op.getOperation()).createLoopRanges(b, loc))
      extents.push_back(getValueOrCreateConstantIndexOp(b, loc, range.size));
    SmallVector<Value> ivs(op.getNumLoops(), constant(0));
    emitLoops(outer, ivs, inner);
  }

  void emitLoops(ArrayRef<unsigned> outer, SmallVector<Value> &ivs,
                 function_ref<void(SmallVector<Value> &)> inner) {
    if (outer.empty()) {
      inner(ivs);
      return;
    }
    loop(constant(0), extents[outer.front()], 1, [&](Value iv) {
      ivs[outer.front()] = iv;
      emitLoops(outer.drop_front(), ivs, inner);
    });
  }

  Value constant(int64_t value) {
    return arith::ConstantIndexOp::create(b, loc, value);
  }

  /// Loop `l` in full blocks of `block` iterations, then the rest one at a
  /// time; `body` gets the iteration count of its block (no loop if `l` is
  /// unset: one call with a block of 1).
  void emitBlocks(std::optional<unsigned> l, int64_t block,
                  SmallVector<Value> &ivs, function_ref<void(int64_t)> body) {
    if (!l) {
      body(1);
      return;
    }
    Value full = roundDown(extents[*l], block);
    loop(constant(0), full, block, [&](Value i0) {
      ivs[*l] = i0;
      body(block);
    });
    if (block > 1)
      loop(full, extents[*l], 1, [&](Value i0) {
        ivs[*l] = i0;
        body(1);
      });
  }

  /// `extent` rounded down to a multiple of `step`.
  Value roundDown(Value extent, int64_t step) {
    if (step == 1)
      return extent;
    Value rest = arith::RemUIOp::create(b, loc, extent, constant(step));
    return arith::SubIOp::create(b, loc, extent, rest);
  }

  /// A loop from `lower` to `upper` by `step` whose body gets the index.
  void loop(Value lower, Value upper, int64_t step,
            function_ref<void(Value)> body) {
    scf::ForOp::create(b, loc, lower, upper, constant(step), ValueRange(),
                       [&](OpBuilder &nested, Location, Value iv, ValueRange) {
                         OpBuilder::InsertionGuard guard(b);
                         b.setInsertionPoint(nested.getInsertionBlock(),
                                             nested.getInsertionPoint());
                         body(iv);
                         scf::YieldOp::create(b, loc);
                       });
  }

  SmallVector<Value> indices(AffineMap map, ArrayRef<Value> ivs) {
    SmallVector<Value> result;
    for (AffineExpr expr : map.getResults()) {
      if (auto dim = dyn_cast<AffineDimExpr>(expr)) {
        result.push_back(ivs[dim.getPosition()]);
        continue;
      }
      result.push_back(affine::AffineApplyOp::create(
          b, loc, AffineMap::get(map.getNumDims(), 0, expr), ivs));
    }
    return result;
  }

  Value zeros(VectorType type) {
    return arith::ConstantOp::create(
        b, loc, type,
        DenseElementsAttr::get(type, b.getZeroAttr(type.getElementType())));
  }

  OpBuilder &b;
  Location loc;
  linalg::GenericOp op;
  int64_t lanes = 1;
  VectorType vectorType;
  SmallVector<AffineMap> maps;
  Value output;
  SmallVector<Value> extents;
};

/// Emits the loops and kernels of one planned contraction before `op`.
class KernelEmitter : EmitterBase {
public:
  KernelEmitter(OpBuilder &builder, linalg::GenericOp op,
                const ContractionPlan &plan, int64_t vectorBits, int64_t rows,
                int64_t vectors)
      : EmitterBase(builder, op, vectorBits), plan(plan), rows(rows),
        vectors(vectors) {
    vectorOperand = op.getDpsInputs()[plan.vectorInput];
    broadcastOperand = op.getDpsInputs()[1 - plan.vectorInput];
  }

  void emit() {
    emitLoopNest(plan.outerLoops,
                 [&](SmallVector<Value> &ivs) { emitColumnBlocks(ivs); });
  }

private:
  void emitColumnBlocks(SmallVector<Value> &ivs) {
    // Full column blocks, then the remaining columns a vector at a time.
    Value columns = extents[plan.jLoop];
    Value fullColumns = roundDown(columns, vectors * lanes);
    loop(constant(0), fullColumns, vectors * lanes, [&](Value j0) {
      ivs[plan.jLoop] = j0;
      emitRowLoops(ivs, vectors, Value());
    });
    loop(fullColumns, columns, lanes, [&](Value j0) {
      ivs[plan.jLoop] = j0;
      Value remaining = arith::SubIOp::create(b, loc, columns, j0);
      emitRowLoops(ivs, 1, remaining);
    });
  }

  void emitRowLoops(SmallVector<Value> &ivs, int64_t numVectors,
                    Value remaining) {
    emitBlocks(plan.iLoop, rows, ivs, [&](int64_t numRows) {
      emitKernel(ivs, numRows, numVectors, remaining);
    });
  }

  /// The loop indices of row `r` and vector `v` of the block at `ivs`.
  SmallVector<Value> blockIndices(ArrayRef<Value> ivs, int64_t r, int64_t v) {
    SmallVector<Value> at(ivs);
    if (r > 0)
      at[*plan.iLoop] =
          arith::AddIOp::create(b, loc, at[*plan.iLoop], constant(r));
    if (v > 0)
      at[plan.jLoop] =
          arith::AddIOp::create(b, loc, at[plan.jLoop], constant(v * lanes));
    return at;
  }

  /// The mask of a `length`-lane load of the `remaining` columns from an
  /// operand with `stride` elements per column (`remaining` null: all).
  Value columnMask(Value remaining, int64_t length, int64_t stride) {
    auto type = VectorType::get({length}, b.getI1Type());
    if (!remaining)
      return vector::ConstantMaskOp::create(b, loc, type,
                                            ArrayRef<int64_t>{length});
    // Lanes 0 .. stride * (remaining - 1) are read.
    Value count = arith::SubIOp::create(
        b, loc, arith::MulIOp::create(b, loc, remaining, constant(stride)),
        constant(stride - 1));
    return vector::CreateMaskOp::create(b, loc, type, ValueRange{count});
  }

  Value loadVectorOperand(ArrayRef<Value> at, Value remaining) {
    SmallVector<Value> where = indices(maps[plan.vectorInput], at);
    if (plan.jStride == 1) {
      if (!remaining)
        return vector::LoadOp::create(b, loc, vectorType, vectorOperand, where);
      return vector::MaskedLoadOp::create(
          b, loc, vectorType, vectorOperand, where,
          columnMask(remaining, lanes, 1), zeros(vectorType));
    }
    // A strided operand: load the span the lanes cover and keep every
    // stride-th element. The span ends at the last lane's element, so the
    // load is masked even for full vectors.
    int64_t span = lanes * plan.jStride;
    auto wide = VectorType::get({span}, vectorType.getElementType());
    // Read lanes 0, stride, ..., stride * (lanes - 1).
    Value mask = remaining
                     ? columnMask(remaining, span, plan.jStride)
                     : vector::ConstantMaskOp::create(
                           b, loc, VectorType::get({span}, b.getI1Type()),
                           ArrayRef<int64_t>{plan.jStride * (lanes - 1) + 1});
    Value loaded = vector::MaskedLoadOp::create(b, loc, wide, vectorOperand,
                                                where, mask, zeros(wide));
    SmallVector<int64_t> picks;
    for (int64_t lane = 0; lane < lanes; ++lane)
      picks.push_back(lane * plan.jStride);
    return vector::ShuffleOp::create(b, loc, loaded, loaded, picks);
  }

  void emitKernel(ArrayRef<Value> ivs, int64_t numRows, int64_t numVectors,
                  Value remaining) {
    SmallVector<SmallVector<Value>> at;
    for (int64_t r = 0; r < numRows; ++r)
      for (int64_t v = 0; v < numVectors; ++v)
        at.push_back(blockIndices(ivs, r, v));

    Value mask = remaining ? columnMask(remaining, lanes, 1) : Value();
    SmallVector<Value> accumulators;
    for (ArrayRef<Value> point : at) {
      SmallVector<Value> where = indices(maps[2], point);
      accumulators.push_back(
          mask ? vector::MaskedLoadOp::create(b, loc, vectorType, output, where,
                                              mask, zeros(vectorType))
                     .getResult()
               : vector::LoadOp::create(b, loc, vectorType, output, where)
                     .getResult());
    }

    SmallVector<Value> results =
        emitReductions(at, accumulators, 0, numRows, numVectors, remaining);

    for (auto [point, value] : llvm::zip(at, results)) {
      SmallVector<Value> where = indices(maps[2], point);
      if (mask)
        vector::MaskedStoreOp::create(b, loc, output, where, mask, value);
      else
        vector::StoreOp::create(b, loc, value, output, where);
    }
  }

  /// The reduction loops from `depth` in, carrying the block; returns the
  /// block after them.
  SmallVector<Value> emitReductions(SmallVector<SmallVector<Value>> &at,
                                    ValueRange accumulators, size_t depth,
                                    int64_t numRows, int64_t numVectors,
                                    Value remaining) {
    if (depth == plan.reductionLoops.size())
      return accumulate(at, accumulators, numRows, numVectors, remaining);
    unsigned l = plan.reductionLoops[depth];
    auto forOp = scf::ForOp::create(
        b, loc, constant(0), extents[l], constant(1), accumulators,
        [&](OpBuilder &nested, Location, Value iv, ValueRange carried) {
          OpBuilder::InsertionGuard guard(b);
          b.setInsertionPoint(nested.getInsertionBlock(),
                              nested.getInsertionPoint());
          for (SmallVector<Value> &point : at)
            point[l] = iv;
          SmallVector<Value> next = emitReductions(
              at, carried, depth + 1, numRows, numVectors, remaining);
          scf::YieldOp::create(b, loc, next);
        });
    return SmallVector<Value>(forOp.getResults());
  }

  SmallVector<Value> accumulate(ArrayRef<SmallVector<Value>> at,
                                ValueRange accumulators, int64_t numRows,
                                int64_t numVectors, Value remaining) {
    unsigned broadcastInput = 1 - plan.vectorInput;
    SmallVector<Value> broadcasts, loads, results;
    for (int64_t r = 0; r < numRows; ++r) {
      ArrayRef<Value> point = at[r * numVectors];
      if (r > 0 && !plan.broadcastDependsOnI) {
        broadcasts.push_back(broadcasts.front());
        continue;
      }
      Value scalar = memref::LoadOp::create(
          b, loc, broadcastOperand, indices(maps[broadcastInput], point));
      broadcasts.push_back(
          vector::BroadcastOp::create(b, loc, vectorType, scalar));
    }
    for (int64_t r = 0; r < numRows; ++r)
      for (int64_t v = 0; v < numVectors; ++v) {
        if (r > 0 && !plan.vectorDependsOnI) {
          loads.push_back(loads[v]);
          continue;
        }
        loads.push_back(loadVectorOperand(at[r * numVectors + v], remaining));
      }
    for (int64_t r = 0; r < numRows; ++r)
      for (int64_t v = 0; v < numVectors; ++v) {
        int64_t k = r * numVectors + v;
        results.push_back(vector::FMAOp::create(b, loc, broadcasts[r], loads[k],
                                                accumulators[k]));
      }
    return results;
  }

  const ContractionPlan &plan;
  int64_t rows, vectors;
  Value vectorOperand, broadcastOperand;
};

/// Emits the loops and kernels of one planned dot-product contraction
/// before `op`:
///
///   for the other loops:
///     for n0 in full blocks of `columns`: kernel(columns)
///     for the remaining n:                kernel(1)
///
/// where kernel(C) keeps C vector accumulators, runs the reduction loop a
/// vector at a time (the last one masked), multiplying one vector of the
/// shared input by one of each column's, and adds each accumulator's lanes
/// to its output element.
class DotKernelEmitter : EmitterBase {
public:
  DotKernelEmitter(OpBuilder &builder, linalg::GenericOp op,
                   const DotPlan &plan, int64_t vectorBits, int64_t columns)
      : EmitterBase(builder, op, vectorBits), plan(plan), columns(columns) {}

  void emit() {
    emitLoopNest(plan.outerLoops,
                 [&](SmallVector<Value> &ivs) { emitColumnBlocks(ivs); });
  }

private:
  void emitColumnBlocks(SmallVector<Value> &ivs) {
    emitBlocks(plan.nLoop, columns, ivs,
               [&](int64_t count) { emitKernel(ivs, count); });
  }

  /// Multiplies `count` columns' vectors at reduction index `k` by the
  /// shared input's into `accumulators` (masked to `mask` if given).
  SmallVector<Value> accumulate(ArrayRef<SmallVector<Value>> points, Value k,
                                ValueRange accumulators, Value mask) {
    auto load = [&](unsigned input, ArrayRef<Value> point) -> Value {
      SmallVector<Value> at(point);
      at[plan.kLoop] = k;
      SmallVector<Value> where = indices(maps[input], at);
      Value memref = op.getDpsInputs()[input];
      if (!mask)
        return vector::LoadOp::create(b, loc, vectorType, memref, where);
      return vector::MaskedLoadOp::create(b, loc, vectorType, memref, where,
                                          mask, zeros(vectorType));
    };
    Value shared = load(1 - plan.blockInput, points.front());
    SmallVector<Value> results;
    for (auto [point, accumulator] : llvm::zip(points, accumulators))
      results.push_back(vector::FMAOp::create(
          b, loc, shared, load(plan.blockInput, point), accumulator));
    return results;
  }

  void emitKernel(ArrayRef<Value> ivs, int64_t count) {
    SmallVector<SmallVector<Value>> points;
    for (int64_t c = 0; c < count; ++c) {
      SmallVector<Value> point(ivs);
      if (c > 0)
        point[*plan.nLoop] =
            arith::AddIOp::create(b, loc, point[*plan.nLoop], constant(c));
      points.push_back(point);
    }
    Value reduction = extents[plan.kLoop];
    Value full = roundDown(reduction, lanes);
    SmallVector<Value> initial(count, zeros(vectorType));
    auto forOp = scf::ForOp::create(
        b, loc, constant(0), full, constant(lanes), initial,
        [&](OpBuilder &nested, Location, Value k, ValueRange carried) {
          OpBuilder::InsertionGuard guard(b);
          b.setInsertionPoint(nested.getInsertionBlock(),
                              nested.getInsertionPoint());
          scf::YieldOp::create(b, loc, accumulate(points, k, carried, Value()));
        });
    // The last, partial vector: its missing lanes read as zeros. A length
    // known to be a multiple of the vector has none.
    SmallVector<Value> sums(forOp.getResults());
    std::optional<int64_t> length = getConstantIntValue(reduction);
    if (!length || *length % lanes != 0) {
      Value rest = arith::SubIOp::create(b, loc, reduction, full);
      Value mask = vector::CreateMaskOp::create(
          b, loc, VectorType::get({lanes}, b.getI1Type()), ValueRange{rest});
      sums = accumulate(points, full, sums, mask);
    }
    for (auto [point, sum] : llvm::zip(points, sums)) {
      SmallVector<Value> where = indices(maps[2], point);
      Value before = memref::LoadOp::create(b, loc, output, where);
      Value after =
          vector::ReductionOp::create(b, loc, vector::CombiningKind::ADD, sum,
                                      before, arith::FastMathFlags::reassoc);
      memref::StoreOp::create(b, loc, after, output, where);
    }
  }

  const DotPlan &plan;
  int64_t columns;
};

struct VectorizeContractionsPass final
    : quantc::impl::VectorizeContractionsBase<VectorizeContractionsPass> {
  using VectorizeContractionsBase::VectorizeContractionsBase;

  void runOnOperation() override {
    if (vectorBits < 32 || rows < 1 || vectors < 1) {
      getOperation().emitError(
          "quantc-vectorize-contractions: vector-bits must be at least 32, "
          "rows and vectors at least 1");
      return signalPassFailure();
    }
    SmallVector<std::pair<linalg::GenericOp, ContractionPlan>> work;
    SmallVector<std::pair<linalg::GenericOp, DotPlan>> dots;
    getOperation().walk([&](linalg::GenericOp op) {
      if (FailureOr<ContractionPlan> plan = planContraction(op);
          succeeded(plan))
        work.emplace_back(op, *plan);
      else if (FailureOr<DotPlan> dot = planDot(op); succeeded(dot))
        dots.emplace_back(op, *dot);
    });
    // A dot-product block of rows * vectors columns, one accumulator each.
    for (auto &[op, plan] : dots) {
      OpBuilder builder(op);
      DotKernelEmitter(builder, op, plan, vectorBits, rows * vectors).emit();
      op.erase();
    }
    for (auto &[op, plan] : work) {
      // A block of fewer rows than `rows` (a matrix-vector product, a row
      // loop of static extent below `rows`, or none) spends the registers
      // on more vectors instead: rows * vectors accumulators either way,
      // and each pass down the reduction reads wider runs of the vector
      // operand. Each output's accumulation order stays the same.
      int64_t blockRows = rows;
      if (!plan.iLoop) {
        blockRows = 1;
      } else {
        int64_t extent = op.getStaticLoopRanges()[*plan.iLoop];
        if (!ShapedType::isDynamic(extent) && extent < rows)
          blockRows = std::max<int64_t>(extent, 1);
      }
      int64_t blockVectors = std::max<int64_t>(vectors * rows / blockRows, 1);
      OpBuilder builder(op);
      KernelEmitter(builder, op, plan, vectorBits, blockRows, blockVectors)
          .emit();
      op.erase();
    }
  }
};

} // namespace
