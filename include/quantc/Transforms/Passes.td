//===- Passes.td - quantc transformation passes -------------*- tablegen -*-===//
//
// Passes that transform upstream dialects on quantc's lowering path.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_TRANSFORMS_PASSES_TD
#define QUANTC_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def FuseElementwise : Pass<"quantc-fuse-elementwise", "mlir::func::FuncOp"> {
  let summary = "Fuse single-use producers into elementwise linalg.generic ops";
  let description = [{
    Upstream's elementwise fusion on tensors, restricted: a producer
    `linalg.generic` is fused into a consumer only if the consumer is all
    parallel loops and the producer has no other user. A chain of
    activations (a hard-swish is an add, a clip, a divide and a multiply)
    then makes one pass over memory, no value is computed twice, and a
    contraction keeps the multiply-accumulate body that
    `quantc-vectorize-contractions` looks for. A generic that reads a
    tensor at a computed index (the 256-entry tables of `--integer-only`)
    is neither fused nor fused into: LLVM does not vectorize a loop with
    such a lookup, and the arithmetic before and after it then does.
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect"];
}

def VectorizeContractions
    : Pass<"quantc-vectorize-contractions", "mlir::func::FuncOp"> {
  let summary = "Register-blocked vector code for matmul- and conv-like "
                "linalg.generic ops on buffers";
  let description = [{
    Rewrites every `linalg.generic` on memrefs that accumulates a product,
    `out += a * b`, into loops of vector FMAs, where:

    * the output's innermost dimension (the loop `j`) has unit stride;
    * one input (the vector operand) depends on `j` only through its
      innermost index, as `c * j + ...` with `c` 1 or 2, and has unit stride
      there; the other input (the broadcast operand) does not depend on `j`.

    Matmul (`j` = the columns), convolution in NCHW (`j` = the output
    width, or the flattened output pixels of a 1x1 convolution) and
    depthwise convolution all have that form. The generated kernel keeps a
    `rows` x `vectors` block of accumulators in registers: `vectors` vectors
    of `vector-bits` along `j`, and `rows` consecutive values of a second
    parallel loop `i`, chosen so that the vector loads are reused across
    rows where possible (the matmul rows, the conv output channels) and
    otherwise so that the broadcast is. The reduction loops run inside, in
    the generic's order, and each output element is accumulated in the same
    order as the scalar loops, with a fused multiply-add.

    A contraction whose two inputs both depend on its one reduction loop
    `k` through their unit-stride innermost index, and on nothing else
    through it (`out[m, n] += a[m, k] * b[n, k]`), takes a dot-product
    kernel instead: blocks of `rows` x `vectors` output elements along a
    parallel loop only one input depends on, one accumulator vector each,
    sharing the other input's vector; the last partial vector of `k` is a
    masked load, and each accumulator's lanes are added to its output
    element by a `vector.reduction <add>` marked `reassoc`, so that sum is
    in a different order from the scalar loops.

    Columns past the last full block are done one vector at a time with
    masked loads and stores; rows past the last full block one row at a
    time. Every other linalg op is left alone.
  }];
  let options = [
    Option<"vectorBits", "vector-bits", "int64_t", /*default=*/"256",
           "Width of a vector register in bits (128, 256 or 512)">,
    Option<"rows", "rows", "int64_t", /*default=*/"6",
           "Rows of the register block">,
    Option<"vectors", "vectors", "int64_t", /*default=*/"2",
           "Vectors per row of the register block">,
  ];
  let dependentDialects = [
    "mlir::affine::AffineDialect",
    "mlir::arith::ArithDialect",
    "mlir::memref::MemRefDialect",
    "mlir::scf::SCFDialect",
    "mlir::vector::VectorDialect",
  ];
}

def ParallelizeLoops : Pass<"quantc-parallelize-loops", "mlir::ModuleOp"> {
  let summary = "Run large scf.parallel loop nests on the runtime's threads";
  let description = [{
    Each `scf.parallel` at the top level of a function, with no results
    and a body of plain arithmetic and memory accesses (no calls, no
    allocation), whose work is at least `min-work`, moves
    into a function of its own, `FUNC_parallelN(ctx, begin, end)`, that
    runs iterations `[begin, end)` of its first loop of more than one
    iteration (the batch dimension of a tensor often has one). In its
    place, the
    function stores the values the body uses (memref descriptors and
    scalars) in a stack record and calls the runtime's
    `quantc_parallel_for(count, min_per_part, fn, ctx)`, which splits that
    loop's iterations among the threads of the run, each part at
    least `min-work` of work.

    Work is counted as operations executed: the body's operations, those
    in nested loops multiplied by their trip counts.

    Where the bounds, or the trip counts of nested loops, are known only
    at run time (a sequence length), the function computes before the
    loop the trip counts, the first loop of more than one iteration among
    those that can have it (passed in the record when there are several),
    the work, and from it the fewest iterations a part takes; a loop
    nested with bounds computed inside the loop counts once. A loop of
    too little work for two parts then runs whole on the calling thread.

    Iterations are independent (the loop is parallel), so results do not
    depend on the number of threads. Other loops are left alone.

    Constants are recreated in the outlined function, except float scalars
    used only in arithmetic (add, subtract, multiply, divide, fma): those,
    like references to globals, travel in the record. The loops of a
    network's repeated blocks then differ only in their records, and loops
    whose outlined functions come out the same (operations, types and
    attributes) share one function. Constants that are compared (a clamp's
    bound) or stored stay, where LLVM folds them.

    With `threaded-callees`, only functions that call one of the named
    functions are changed. `quantc-lower-to-llvm` names the runtime's int8
    kernels: where the heavy work runs on one thread (a float model), the
    loops between are mostly memory-bound, and splitting them moves their
    data between the cores' caches for more than it saves.
  }];
  let options = [
    Option<"minWork", "min-work", "int64_t", /*default=*/"131072",
           "Operations a loop nest, and each part of it, needs at least">,
    ListOption<"threadedCallees", "threaded-callees", "std::string",
               "If given, only the loops of functions that call one of these "
               "(kernels that run on the threads themselves)">,
  ];
  let dependentDialects = [
    "mlir::LLVM::LLVMDialect",
    "mlir::arith::ArithDialect",
    "mlir::func::FuncDialect",
    "mlir::scf::SCFDialect",
  ];
}

def EarlyDealloc : Pass<"quantc-early-dealloc"> {
  let summary = "Free each buffer right after its last use";
  let description = [{
    Upstream's ownership-based deallocation frees the buffers a block
    allocates at the block's end, so in a model's straight-line function
    every intermediate buffer is live until the function returns, and the
    peak memory is the sum of all of them. This pass moves each
    `memref.dealloc` up to just after the last operation of its block that
    uses the buffer or a value that may alias it.

    The values that may alias a buffer are those reachable from it through
    any operation's memref results (views, casts, reshapes, a call that
    returns a memref, a loop or branch that yields it), through the results
    of `builtin.unrealized_conversion_cast` and of
    `memref.extract_aligned_pointer_as_index`, and through the
    results of operations outside the builtin, arith, math, memref, scf,
    affine, vector, linalg and func dialects. A use inside a nested region
    counts as a use by the operation of the block that holds it. A dealloc
    whose buffer (or an alias) is used outside its block stays where it
    is.
  }];
  let dependentDialects = ["mlir::memref::MemRefDialect"];
}

def ApproximateMath : Pass<"quantc-approximate-math"> {
  let summary = "Replace math.exp and math.erf by upstream's polynomial approximations";
  let description = [{
    LLVM lowers `math.exp` and `math.erf` on f32 to calls of libm's `expf`
    and `erff` per element, which its loop vectorizer cannot vectorize.
    Upstream's approximations are plain arithmetic that vectorizes. For exp:
    range reduction to `2^k * exp(r)`, a polynomial for `exp(r)`, overflow
    to infinity and underflow to zero handled. For erf: a rational function
    of `|x|` per interval, 1 past 3.75, and the sign put back. Softmax,
    sigmoid, swish and GELU loops then run a vector at a time. The errors
    against the correctly rounded results are measured in
    `test/Conformance/approximate-math.test`. Other math ops are left
    alone.
  }];
  let dependentDialects = [
    "mlir::arith::ArithDialect",
    "mlir::math::MathDialect",
    "mlir::vector::VectorDialect",
  ];
}

#endif // QUANTC_TRANSFORMS_PASSES_TD
