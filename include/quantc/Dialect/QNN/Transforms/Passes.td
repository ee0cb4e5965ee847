//===- Passes.td - Passes on the qnn dialect ----------------*- tablegen -*-===//
//
// The quantization passes, which work on qnn before it is lowered.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_DIALECT_QNN_TRANSFORMS_PASSES_TD
#define QUANTC_DIALECT_QNN_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def Instrument : Pass<"qnn-instrument", "mlir::func::FuncOp"> {
  let summary = "Return every float activation for calibration";
  let description = [{
    Appends to each function's results every float tensor that a qnn op
    computes (constants and shapes aside), so that running the compiled
    function yields the activations that calibration records. Each added
    result gets a `qnn.name` result attribute, the tensor's calibration key:
    the ONNX node the op came from (its `NameLoc`), `:i` for result `i > 0`
    of a multi-result op, and `/k` for the `k`-th further qnn op of the same
    node, in program order. The same import always gives the same keys.
    The function gets the attribute `qnn.instrumented` holding its number
    of results before the pass.

    ```mlir
    func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {
      %0 = qnn.relu %x : tensor<4xf32> -> tensor<4xf32> loc("relu1")
      %1 = qnn.sigmoid %0 : tensor<4xf32> -> tensor<4xf32> loc("sig1")
      return %1 : tensor<4xf32>
    }
    // becomes
    func.func @main(%x: tensor<4xf32>) -> (tensor<4xf32>,
        tensor<4xf32> {qnn.name = "relu1"}, tensor<4xf32> {qnn.name = "sig1"})
        attributes {qnn.instrumented = 1 : i64}
    ```
  }];
  let dependentDialects = ["mlir::func::FuncDialect"];
}

def Calibrate : Pass<"qnn-calibrate", "mlir::func::FuncOp"> {
  let summary = "Attach calibrated ranges to the activations";
  let description = [{
    Reads the statistics file of `quantc calibrate` (`stats`) and sets, on
    every qnn op whose float activation it has statistics for, the
    attribute `qnn.range = array<f64: min, max>`: the range `method` picks
    from them for `bits`-bit quantization (docs/numerics.md, Calibration).
    Activations are keyed as qnn-instrument keys them (the ONNX node name,
    `/k`, `:i`), so the pass runs on the function as imported. An op with
    several float results gets `qnn.range_i` for result `i > 0`. A model
    input whose statistics the file holds (keyed `input:NAME`, NAME its
    `qnn.name`) gets the argument attribute `qnn.range`. Where the file
    holds per-channel statistics (the data inputs of contractions), the
    value also gets `qnn.channel_mean = array<f64: ...>`, the per-channel
    means that bias correction (qnn-quantize) reads.

    A file that cannot be read, is not a calibration file, or lacks an
    activation of the function is an error naming it. Quantization reads
    `qnn.range` to choose scales and zero points.

    ```mlir
    %0 = qnn.relu %x : tensor<4xf32> -> tensor<4xf32> loc("act")
    // with stats holding "act" becomes
    %0 = qnn.relu %x {qnn.range = array<f64: 0.0, 6.25>} : tensor<4xf32> -> tensor<4xf32>
    ```
  }];
  let options = [
    Option<"statsFile", "stats", "std::string", /*default=*/"\"\"",
           "The statistics file of quantc calibrate">,
    Option<"method", "method", "std::string", /*default=*/"\"minmax\"",
           "minmax, percentile, entropy or mse">,
    Option<"percentile", "percentile", "double", /*default=*/"99.99",
           "Percentile of the percentile method, in percent">,
    Option<"bits", "bits", "unsigned", /*default=*/"8",
           "Bits of the activations' integer type">,
  ];
}

def ExpandQuantized : Pass<"qnn-expand-quantized", "mlir::func::FuncOp"> {
  let summary = "Compute quantized ops without an integer lowering in float";
  let description = [{
    Every op on quantized tensors that convert-qnn-to-linalg cannot lower as
    it is (for instance a quantized `qnn.add`, `qnn.sigmoid` or
    `qnn.max_pool`) is rewritten to dequantize its quantized operands,
    compute in the expressed float type, and quantize its results back to
    their types. The result is the op's real-valued semantics, unchanged.
    Quantize, dequantize, requantize, quantized constants, conv, matmul,
    gemm and the ops that only move elements are left quantized.

    ```mlir
    %y = qnn.sigmoid %x : tensor<4x!q> -> tensor<4x!r>
    // becomes
    %f = qnn.dequantize %x : tensor<4x!q> -> tensor<4xf32>
    %s = qnn.sigmoid %f : tensor<4xf32> -> tensor<4xf32>
    %y = qnn.quantize %s : tensor<4xf32> -> tensor<4x!r>
    ```
  }];
}

def FoldBatchNorm : Pass<"qnn-fold-batch-norm", "mlir::func::FuncOp"> {
  let summary = "Fold inference batch normalizations into the convs before";
  let description = [{
    Rewrites `qnn.batch_norm(qnn.conv(x, W, b))`, when the conv's only user
    is the batch norm and the weight, bias and batch norm parameters are
    f32 constants, into one conv: `W' = W * k` along the output channels
    and `b' = (b - mean) * k + beta`, `k = scale / sqrt(var + epsilon)`,
    each computed in binary64 and rounded once to binary32. The folded conv
    takes the batch norm's location, and so its calibration key. quantc
    runs it on every model it imports, before calibration.

    ```mlir
    %c = qnn.conv %x, %w : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
    %y = qnn.batch_norm %c, %s, %b, %m, %v : (...) -> tensor<1x4x6x6xf32>
    // becomes
    %y = qnn.conv %x, %w2, %b2 : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x6x6xf32>
    ```
  }];
}

def FuseActivations : Pass<"qnn-fuse-activations", "mlir::func::FuncOp"> {
  let summary = "Recognize hard-swish, hard-sigmoid and layer norm written as several ops";
  let description = [{
    Replaces `x * clip(x + 3, 0, 6) / 6` (the division also written as a
    multiplication by 1/6, the product in either order) with
    `qnn.hard_swish x`, and `clip(x + 3, 0, 6) / 6` with `qnn.hard_sigmoid x
    {alpha = 1/6, beta = 0.5}`, when `x` has the result's type, and
    `(x - m) / sqrt(mean((x - m)^2) + eps) * gamma + beta` with `m =
    mean(x)` over the same trailing axes (kept), the square written as
    `pow(., 2)` or a product, and constant `gamma`, `beta` and `eps`, with
    `qnn.layer_norm x, gamma, beta {axis, epsilon}`. The ops the
    pattern used disappear when nothing else uses them. The fused op takes
    the location of the division, and so its calibration key. quantc runs
    it on every model it imports, before calibration.

    ```mlir
    %a = qnn.add %x, %three : (tensor<8xf32>, tensor<f32>) -> tensor<8xf32>
    %c = qnn.clip %a {min = 0.0 : f32, max = 6.0 : f32} : tensor<8xf32> -> tensor<8xf32>
    %m = qnn.mul %x, %c : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
    %y = qnn.div %m, %six : (tensor<8xf32>, tensor<f32>) -> tensor<8xf32>
    // becomes
    %y = qnn.hard_swish %x : tensor<8xf32> -> tensor<8xf32>
    ```
  }];
}

def FuseScaledMatMul : Pass<"qnn-fuse-scaled-matmul", "mlir::func::FuncOp"> {
  let summary = "Fold the float epilogue of integer matmuls into the matmul";
  let description = [{
    Rewrites the epilogue dynamic quantization writes after an integer
    matmul (qnn-quantize-dynamic, and onnxruntime's `quantize_dynamic` as
    MatMulInteger, Cast, Mul and Add),

    ```
    mul(cast(matmul_integer(q, W, zq, zw)), mul(s_q, s_w))  (+ b)
    ```

    into `qnn.scaled_matmul_integer q, W, zq, zw, s_q, s_w (, b)`, when `W`
    has rank 2, `s_q` is a scalar or one scale per row of `q`, `s_w` a
    scalar or one per column (of shape `[N]` or `[1, ..., N]`), `b` one value
    per column, and the matmul, the cast and the product have no other
    users. The fused op performs the same binary32 operations in the same
    order, so the result does not change; the runtime's int8 kernel then
    writes it directly, without a buffer of i32 sums. quantc runs it before
    lowering.

    ```mlir
    %a = qnn.matmul_integer %q, %w, %zq, %zw : (tensor<4x64xui8>, tensor<64x16xi8>, tensor<4x1xui8>, tensor<i8>) -> tensor<4x16xi32>
    %m = qnn.mul %sq, %sw : (tensor<4x1xf32>, tensor<16xf32>) -> tensor<4x16xf32>
    %r = qnn.cast %a : tensor<4x16xi32> -> tensor<4x16xf32>
    %p = qnn.mul %r, %m : (tensor<4x16xf32>, tensor<4x16xf32>) -> tensor<4x16xf32>
    %y = qnn.add %p, %b : (tensor<4x16xf32>, tensor<16xf32>) -> tensor<4x16xf32>
    // becomes
    %y = qnn.scaled_matmul_integer %q, %w, %zq, %zw, %sq, %sw, %b : (...) -> tensor<4x16xf32>
    ```
  }];
}

def FoldBias : Pass<"qnn-fold-bias", "mlir::func::FuncOp"> {
  let summary = "Move constant bias adds into the contraction before";
  let description = [{
    Rewrites `qnn.add(qnn.matmul(x, W), c)`, with a 2-D `x`, a constant 2-D
    `W` and a constant `c` holding one value per column (`[N]` or `[1, N]`),
    into `qnn.gemm x, W, c`, and `qnn.add(qnn.conv(x, W), c)` of a conv
    without bias and a constant `c` with one value per output channel
    (`[C]`, `[C, 1, 1]`, `[1, C, 1, 1]`) into `qnn.conv x, W, c`, when the
    contraction's only user is the add. The contraction takes the add's
    location, and so its calibration key; a quantized contraction then adds
    the bias in i32. quantc runs it on every model it imports.

    ```mlir
    %m = qnn.matmul %x, %w : (tensor<1x8xf32>, tensor<8x2xf32>) -> tensor<1x2xf32>
    %y = qnn.add %m, %c : (tensor<1x2xf32>, tensor<2xf32>) -> tensor<1x2xf32>
    // becomes
    %y = qnn.gemm %x, %w, %c : (tensor<1x8xf32>, tensor<8x2xf32>, tensor<2xf32>) -> tensor<1x2xf32>
    ```
  }];
}

def FoldQDQ : Pass<"qnn-fold-qdq", "mlir::func::FuncOp"> {
  let summary = "Fold quantize/dequantize pairs into quantized ops";
  let description = [{
    Rewrites the QDQ form (float ops between `qnn.dequantize` and
    `qnn.quantize`, as ONNX QDQ models and qnn-quantize give it) into
    quantized ops:
    - `qnn.conv`, `qnn.matmul` and `qnn.gemm` whose input and weight are
      dequantized run on the quantized values. A dequantized i32 bias in
      the accumulator's scale (`s_input * s_weight`) stays i32; another bias
      is added in float. When the result's only user is a `qnn.quantize`,
      directly or through a `qnn.relu` or `qnn.clip` that the quantized
      type's saturation already performs, the op produces that type.
    - `qnn.reshape`, `qnn.transpose`, `qnn.slice` and `qnn.gather` of a
      dequantized per-tensor value move the quantized value.
    - `quantize(dequantize(q))` becomes `q`, or `qnn.requantize` of `q`
      when the types differ: a requantize appears only where the scale or
      zero point changes.
    - A per-tensor `qnn.quantize` of a `qnn.max_pool`, `qnn.global_max_pool`,
      `qnn.reshape`, `qnn.transpose`, `qnn.slice` or `qnn.gather` result
      moves before that op, which then runs on the stored integers; the
      results are the same bit for bit, since quantizing is monotone and
      elementwise, and the quantize may fold into the op before.
    - Only as qnn-integer-only runs it: an activation (relu, leaky_relu,
      clip, sigmoid, hard_sigmoid, hard_swish, tanh, gelu, erf, exp, log,
      sqrt, neg, abs, round, floor, ceil), `qnn.add`, `qnn.sub`, `qnn.mul`,
      `qnn.avg_pool`, `qnn.global_avg_pool`, `qnn.softmax` or
      `qnn.layer_norm` whose
      operands are all dequantized (a layer norm's scale and bias: float
      constants) and whose only user is a quantize becomes the quantized
      op, computed from a table or in integers (docs/numerics.md, "Integer
      activations, adds, average pools, softmax and LayerNorm"), when its
      input and result are 8-bit and per tensor; a `qnn.concat` of
      dequantized per-tensor values with a quantizing user concatenates
      their stored integers, each requantized to that type where it
      differs.
    An op whose quantized form convert-qnn-to-linalg could not lower is left
    as it is.

    ```mlir
    %x = qnn.dequantize %qx : tensor<1x8x!u> -> tensor<1x8xf32>
    %w = qnn.dequantize %qw : tensor<8x4x!w> -> tensor<8x4xf32>
    %y = qnn.matmul %x, %w : (tensor<1x8xf32>, tensor<8x4xf32>) -> tensor<1x4xf32>
    %r = qnn.relu %y : tensor<1x4xf32> -> tensor<1x4xf32>
    %q = qnn.quantize %r : tensor<1x4xf32> -> tensor<1x4x!o>
    // becomes, when !o has its zero point at its minimum
    %q = qnn.matmul %qx, %qw : (tensor<1x8x!u>, tensor<8x4x!w>) -> tensor<1x4x!o>
    ```
  }];
}

def IntegerOnly : Pass<"qnn-integer-only", "mlir::func::FuncOp"> {
  let summary = "Integer arithmetic for a quantized graph";
  let description = [{
    Runs after qnn-fold-qdq and makes the quantized graph compute in
    integers (docs/numerics.md, "Fixed-point requantization"):
    - every `qnn.conv`, `qnn.matmul` and `qnn.gemm` with a quantized input
      and result, and every `qnn.requantize`, gets the `qnn.fixed_point`
      attribute: its result is rescaled with a 31-bit multiplier and a
      shift in 64-bit integers instead of in binary32;
    - such a contraction's float bias (conv's bias, gemm's C times beta),
      which must be a constant vector, becomes an i32 constant in the
      accumulator's scale `fl32(s_x * s_w[c])`, rounded half to even;
    - activations, adds, subs, muls, global average pools, softmaxes and
      layer norms between dequantizes and a quantize become quantized ops
      that compute from tables or in integers (qnn-fold-qdq's integer-only
      rewrites);
    - any qnn op left computing in float is an error naming it, except
      quantize (float inputs enter the graph) and, when only the function
      returns their results, dequantize and contractions with a float
      result (float outputs leave it).
      A quantized op without an integer lowering is an error too.

    ```mlir
    %y = qnn.conv %x, %w, %b : (...) -> tensor<1x8x4x4x!quant.uniform<u8:f32, 0.05:3>>
    // becomes
    %y = qnn.conv %x, %w, %b {qnn.fixed_point} : (...) -> tensor<1x8x4x4x!quant.uniform<u8:f32, 0.05:3>>
    ```
  }];
}

def Quantize : Pass<"qnn-quantize", "mlir::func::FuncOp"> {
  let summary = "Static post-training quantization of the contractions";
  let description = [{
    Quantizes every f32 `qnn.conv`, `qnn.matmul` and `qnn.gemm` with a
    constant weight whose input has a calibrated range (`qnn.range` from
    qnn-calibrate, on the producing op or the function argument), writing
    the choice in QDQ form: `qnn.quantize` then `qnn.dequantize` around the
    float op, which qnn-fold-qdq turns into the quantized op.
    - The input is quantized per tensor to `activation-type` (u8 or s8),
      with the scale and zero point of docs/numerics.md for its range,
      asymmetric unless `symmetric-activations`. One quantize serves every
      contraction that reads the same tensor.
    - The weight is quantized symmetrically to narrow-range s8 ([-127, 127],
      zero point 0), per output channel (conv axis 0, matmul's last axis,
      gemm's N axis) when `per-channel`, else per tensor, with
      `scale = max|w| / 127`.
    - A constant f32 bias (conv's bias, or gemm's vector C with alpha and
      beta 1) becomes i32 with zero point 0 and scale
      `fl32(s_input * s_weight[c])`.
    With `mode=weight-only` only the weights are quantized: no range is
    needed, the input and the bias stay float, and the compiled code
    dequantizes the stored weights and computes in float (the weights take
    a quarter of the space). Weight-only quantization may also use
    `bits=4` (narrow-range i4, [-7, 7], `scale = max|w| / 7`; stored two
    per byte) and `group-size=G`: one scale per output channel and per run
    of G elements along the reduction axis (conv: G input channels, each
    run holding G * kh * kw weights; matmul: G rows of the [K, N] weight;
    gemm: G elements of K), a `!quant.uniform` sub-channel type. A weight
    whose reduction size G does not divide keeps one scale per channel.

    With `bias-correction` (in either mode), the mean error that the
    quantized weight `Wq` makes on the calibration set,
    `E[(Wq - W) x] = sum_k (Wq - W)[k, n] * mean_k` per output channel `n`
    (`mean_k` the input's calibrated channel means, `qnn.channel_mean`
    from qnn-calibrate; a conv sums over its group's input channels and the
    kernel window, each tap weighted by the share of output positions where
    it reads the input rather than padding; a gemm scales by alpha), is
    subtracted from the float
    bias before it is quantized: conv's bias (if absent, the mean of a
    `qnn.batch_norm` that is the conv's only user, else a new bias),
    gemm's C (made if absent), or for a matmul the constant vector its only
    user adds, else a new `qnn.add`. An input without channel means is left uncorrected.

    With `activations=all`, every float operand with a calibrated range of
    an op that has an integer form (the activations, `qnn.add`, `qnn.sub`,
    `qnn.mul`, `qnn.avg_pool`, `qnn.global_avg_pool`, `qnn.softmax`,
    `qnn.layer_norm`, the max pools, the moves, `qnn.concat`, and a `qnn.matmul` of two
    activations) is quantized the same way, and so is such an op's result that
    the function returns, so that qnn-integer-only finds the whole graph
    quantized; a relu or clip whose input is a contraction's only result
    stays float, so that the contraction's quantized result absorbs it; a
    constant operand of an add, sub or mul is quantized per tensor to its
    own range (widened to contain 0), as a QDQ model's initializers are.

    A contraction whose input has no range, or whose ONNX node or op name
    is listed in `keep-float`, stays float. The result's own
    type comes from its consumer: the quantize of the next contraction's
    input, through a relu or clip, or none (the result stays float).

    ```mlir
    %y = qnn.matmul %x, %w : (tensor<1x8xf32>, tensor<8x4xf32>) -> tensor<1x4xf32>
    // with %x's producer carrying qnn.range = array<f64: -1.0, 3.0> becomes
    %q = qnn.quantize %x : tensor<1x8xf32> -> tensor<1x8x!quant.uniform<u8:f32, 0.0156...:64>>
    %d = qnn.dequantize %q : ... -> tensor<1x8xf32>
    %qw = qnn.constant dense<...> : tensor<8x4xi8> -> tensor<8x4x!quant.uniform<i8<-127:127>:f32:1, {...}>>
    %dw = qnn.dequantize %qw : ... -> tensor<8x4xf32>
    %y = qnn.matmul %d, %dw : (tensor<1x8xf32>, tensor<8x4xf32>) -> tensor<1x4xf32>
    ```
  }];
  let options = [
    Option<"mode", "mode", "std::string", /*default=*/"\"static\"",
           "static (inputs, weights and biases) or weight-only">,
    Option<"perChannel", "per-channel", "bool", /*default=*/"true",
           "Weight scales per output channel rather than per tensor">,
    Option<"activationType", "activation-type", "std::string",
           /*default=*/"\"u8\"", "Activation storage: u8 or s8">,
    Option<"symmetricActivations", "symmetric-activations", "bool",
           /*default=*/"false", "Symmetric activation ranges">,
    Option<"bits", "bits", "unsigned", /*default=*/"8",
           "Bits of the weights: 8, or 4 with mode=weight-only">,
    Option<"groupSize", "group-size", "int64_t", /*default=*/"0",
           "mode=weight-only: one scale per group of this many elements "
           "along the reduction axis (0: per channel or per tensor)">,
    Option<"biasCorrection", "bias-correction", "bool", /*default=*/"false",
           "Subtract the weight quantization's mean error from the bias, "
           "from the calibrated channel means of each input">,
    ListOption<"keepFloat", "keep-float", "std::string",
               "ONNX node names or op names (qnn.conv, qnn.matmul, "
               "qnn.gemm) of contractions to leave in float">,
    Option<"activations", "activations", "std::string",
           /*default=*/"\"contractions\"",
           "mode=static: quantize the inputs of the contractions only "
           "(contractions), or also those of every op with an integer "
           "form (all), as qnn-integer-only needs">,
  ];
}

def PropagateScales : Pass<"qnn-propagate-scales", "mlir::func::FuncOp"> {
  let summary = "Share calibrated ranges where values do not change";
  let description = [{
    Rewrites the calibrated ranges (`qnn.range`, from qnn-calibrate) so
    that qnn-quantize gives one scale and zero point to tensors whose values
    an op does not change, and no requantize appears between them:
    - `qnn.reshape`, `qnn.transpose`, `qnn.slice`, `qnn.gather`,
      `qnn.max_pool`, `qnn.global_max_pool`, and `qnn.pad` (in constant
      mode when its value lies in the input's range) give their result
      their input's range, following chains forward;
    - a `qnn.relu` or `qnn.clip` that is its producer's only user gives the
      producer its own range (clip folding): the quantized producer then
      saturates as the relu or clip would, and qnn-fold-qdq drops it;
    - the inputs and the result of a `qnn.concat` all get the union of
      their ranges.
    Only values that already have a range are changed. Run it between
    qnn-calibrate and qnn-quantize.

    ```mlir
    %c = qnn.conv ... {qnn.range = array<f64: -3.0, 5.0>}
    %r = qnn.relu %c {qnn.range = array<f64: 0.0, 5.0>}
    %p = qnn.max_pool %r ... {qnn.range = array<f64: 0.0, 4.5>}
    // becomes
    %c = qnn.conv ... {qnn.range = array<f64: 0.0, 5.0>}
    %r = qnn.relu %c {qnn.range = array<f64: 0.0, 5.0>}
    %p = qnn.max_pool %r ... {qnn.range = array<f64: 0.0, 5.0>}
    ```
  }];
}

def QuantizeCodebook : Pass<"qnn-quantize-codebook", "mlir::func::FuncOp"> {
  let summary = "Non-uniform weights: a codebook and an index per weight";
  let description = [{
    Replaces the constant f32 weight of every `qnn.conv`, `qnn.matmul` and
    `qnn.gemm` with a `qnn.codebook_constant`: a table of at most
    `2^bits` float entries and, per weight, the index of its entry (4-bit
    indices are stored two to a byte). Activations and arithmetic stay
    float; the compiled code looks the weights up.
    - `method=kmeans` (weight sharing): the entries are the k-means
      centers of the weights, found by Lloyd iterations from evenly spaced
      starting points (docs/numerics.md, "Codebook weights").
    - `method=pow2` (log quantization): the entries are 0 and
      `+-2^(e - j)`, `2^e` the power of two nearest the largest magnitude;
      each weight takes the nearest.
    With `per-channel` each output channel (conv axis 0, matmul's last
    axis, gemm's N axis) gets its own codebook, unless its channels hold
    fewer than 16 weights per entry (so that the binary32 entries add at
    most 2 bits per weight): those share one codebook for the tensor.
    Contractions whose ONNX node or op name is listed in `keep-float` stay
    float.

    ```mlir
    %w = qnn.constant dense<[[0.5, -1.0], [0.25, 2.0]]> : tensor<2x2xf32> -> tensor<2x2xf32>
    %y = qnn.matmul %x, %w : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32>
    // with method=pow2 per-channel=false becomes
    %c = qnn.codebook_constant dense<[[12, 1], [11, 14]]> : tensor<2x2xui4>,
           dense<[-2.0, -1.0, ..., 1.0, 2.0]> : tensor<15xf32> -> tensor<2x2xf32>
    %y = qnn.matmul %x, %c : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32>
    ```
  }];
  let options = [
    Option<"bits", "bits", "unsigned", /*default=*/"4",
           "Bits of an index: 4 (16 entries) or 8 (256 entries)">,
    Option<"method", "method", "std::string", /*default=*/"\"kmeans\"",
           "kmeans (weight sharing) or pow2 (power-of-two levels)">,
    Option<"perChannel", "per-channel", "bool", /*default=*/"true",
           "One codebook per output channel rather than per tensor">,
    ListOption<"keepFloat", "keep-float", "std::string",
               "ONNX node names or op names (qnn.conv, qnn.matmul, "
               "qnn.gemm) of contractions to leave in float">,
  ];
}

def QuantizeEmbeddings : Pass<"qnn-quantize-embeddings", "mlir::func::FuncOp"> {
  let summary = "Embedding tables as s8 rows with a scale each";
  let description = [{
    Rewrites every `qnn.gather` along axis 0 of a constant f32 table of
    rank 2 (an embedding: token or position vectors) into a gather of s8
    rows and a gather of their binary32 scales, then a cast and a multiply:
    `real = float(q[i, :]) * s[i]`. Each row is quantized as qnn-quantize
    quantizes a weight channel: symmetric, narrow range [-127, 127],
    `s[i] = max |row i| / 127` (1 for a row of zeros), values rounded half
    to even (docs/numerics.md, "Embedding tables"). The table then takes a
    quarter of its float bytes plus 4 per row. A table another op also
    reads stays as it is for that op. Gathers whose ONNX node name is
    listed in `keep-float` stay float.

    ```mlir
    %y = qnn.gather %table, %ids {axis = 0 : i64} : (tensor<256x64xf32>, tensor<1x8xi64>) -> tensor<1x8x64xf32>
    // becomes
    %q = qnn.constant dense<...> : tensor<256x64xi8> -> tensor<256x64xi8>
    %s = qnn.constant dense<...> : tensor<256x1xf32> -> tensor<256x1xf32>
    %qr = qnn.gather %q, %ids {axis = 0 : i64} : (tensor<256x64xi8>, tensor<1x8xi64>) -> tensor<1x8x64xi8>
    %sr = qnn.gather %s, %ids {axis = 0 : i64} : (tensor<256x1xf32>, tensor<1x8xi64>) -> tensor<1x8x1xf32>
    %f = qnn.cast %qr : tensor<1x8x64xi8> -> tensor<1x8x64xf32>
    %y = qnn.mul %f, %sr : (tensor<1x8x64xf32>, tensor<1x8x1xf32>) -> tensor<1x8x64xf32>
    ```
  }];
  let options = [
    ListOption<"keepFloat", "keep-float", "std::string",
               "ONNX node names of gathers to leave in float">,
  ];
}

def SmoothQuant : Pass<"qnn-smooth-quant", "mlir::func::FuncOp"> {
  let summary = "SmoothQuant: move activation outliers into the weights";
  let description = [{
    SmoothQuant (Xiao et al., 2023) for the f32 `qnn.matmul`s with a
    constant 2-D weight `W[K, N]` and the `qnn.gemm`s (no `trans_a`) with a
    constant B. Outlier channels of an activation, a few of its K input
    channels far larger than the rest, make a per-tensor activation scale
    coarse for every channel; a per-channel factor `s` divides them down
    and multiplies the matching weight rows up, which per-channel weight
    scales absorb:

        X W = (X diag(1/s)) (diag(s) W),
        s_j = max|X_j|^alpha / max_n |W_jn|^(1 - alpha)

    `max|X_j|` comes from the per-channel statistics of the statistics
    file (`stats`, of `quantc calibrate`, which records them for the data
    input of every contraction); `max_n |W_jn|` is taken over the weights of
    every contraction that reads `X`, which all share one `s`. A channel
    whose activation or weights are all zero keeps `s_j = 1`. `alpha`
    (0 to 1) is the migration strength: at 1 every activation channel is
    divided down to the same maximum, 1, at 0 every weight row is; 0.5
    balances the two.

    `X diag(1/s)` is a `qnn.mul` by a constant, which carries the
    calibrated range of the smoothed activation (`qnn.range`, from the
    per-channel minima and maxima divided by `s`, and `qnn.channel_mean`,
    the means divided by `s`); each contraction gets
    its own scaled copy of its weight. Run it after qnn-calibrate and
    before qnn-quantize. Contractions whose ONNX node or op name is listed
    in `keep-float` are left alone; an activation without per-channel
    statistics is left alone.

    `linear=false` leaves MatMul and Gemm alone. With `depthwise`, the
    same applies to the input of every `qnn.conv`
    with one input channel per group (a depthwise conv, weight
    `[C * m, 1, kh, kw]`), channels along axis 1: there each channel's
    weights have a scale of their own when quantized per channel, which
    absorbs any factor, so the migration is complete (alpha 1,
    `s_c = max|X_c|`) and every channel of the activation gets the same
    maximum, as a per-channel activation scale would give. The factors
    then have shape `[C, 1, ..., 1]`. An activation read both by depthwise
    convs and by other contractions is left alone.

    ```mlir
    %y = qnn.matmul %x, %w : (tensor<4x2xf32>, tensor<2x3xf32>) -> tensor<4x3xf32>
    // with max|x| per channel [8, 0.5] and max|w| per row [1, 1],
    // alpha = 0.5 gives s = [2.83, 0.71] and becomes
    %d = qnn.constant dense<[0.354, 1.41]> : tensor<2xf32> -> tensor<2xf32>
    %m = qnn.mul %x, %d {qnn.range = array<f64: ...>} : (tensor<4x2xf32>, tensor<2xf32>) -> tensor<4x2xf32>
    %v = qnn.constant dense<...> : tensor<2x3xf32> -> tensor<2x3xf32>
    %y = qnn.matmul %m, %v : (tensor<4x2xf32>, tensor<2x3xf32>) -> tensor<4x3xf32>
    ```
  }];
  let options = [
    Option<"statsFile", "stats", "std::string", /*default=*/"\"\"",
           "The statistics file of quantc calibrate">,
    Option<"alpha", "alpha", "double", /*default=*/"0.5",
           "Migration strength, 0 to 1">,
    Option<"linear", "linear", "bool", /*default=*/"true",
           "Smooth the inputs of MatMul and Gemm">,
    Option<"depthwise", "depthwise", "bool", /*default=*/"false",
           "Equalize the input channels of depthwise convs">,
    ListOption<"keepFloat", "keep-float", "std::string",
               "ONNX node names or op names (qnn.matmul, qnn.gemm) of "
               "contractions to leave alone">,
  ];
}

def QuantizeDynamic : Pass<"qnn-quantize-dynamic", "mlir::func::FuncOp"> {
  let summary = "Dynamic post-training quantization of the contractions";
  let description = [{
    Quantizes every f32 `qnn.matmul` with a constant 2-D weight and every
    `qnn.gemm` (no `trans_a`) with a constant B, and with `conv` every
    `qnn.conv` with a constant weight, as onnxruntime's and PyTorch's
    `quantize_dynamic` do: the weight becomes s8 at compile time, the input
    u8 at run time with a scale and zero point computed from its values.
    No calibration is needed.
    - The weight is quantized symmetrically to narrow-range s8 as in
      qnn-quantize, per output channel when `per-channel`, else per tensor;
      gemm's `trans_b` weight is transposed at compile time.
    - The input goes through `qnn.dynamic_quantize_linear`, per tensor, or
      per row (each row of the last dimension: per token) when `per-row`;
      a conv's input is always per tensor.
    - `qnn.matmul_integer` or `qnn.conv_integer` accumulates exactly in
      i32, and the result is `float(acc) * fl32(s_in * s_w[c])`, plus
      gemm's `beta * C` or conv's bias in float. Gemm's `alpha` scales the
      weight scales.
    - With `bits=4` a matmul's or gemm's weight (rank 2, input of rank 2
      or more) is quantized symmetrically to [-7, 7] instead, with one
      scale per column and group of `group-size` consecutive rows (or per
      column, or per tensor), and the product becomes a
      `qnn.grouped_matmul` of the quantized input with the weight, its
      scales (times gemm's `alpha`), the column sums the op's zero-point
      term needs and a zero bias. `group-size` must divide the rows.
    Contractions whose ONNX node or op name is listed in `keep-float` stay
    float.

    ```mlir
    %y = qnn.matmul %x, %w : (tensor<4x8xf32>, tensor<8x16xf32>) -> tensor<4x16xf32>
    // becomes
    %q, %s, %z = qnn.dynamic_quantize_linear %x : (tensor<4x8xf32>) -> (tensor<4x8xui8>, tensor<f32>, tensor<ui8>)
    %qw = qnn.constant dense<...> : tensor<8x16xi8> -> tensor<8x16xi8>
    %acc = qnn.matmul_integer %q, %qw, %z, %zw : (...) -> tensor<4x16xi32>
    %f = qnn.cast %acc : tensor<4x16xi32> -> tensor<4x16xf32>
    %m = qnn.mul %s, %ws : (tensor<f32>, tensor<16xf32>) -> tensor<16xf32>
    %y = qnn.mul %f, %m : (tensor<4x16xf32>, tensor<16xf32>) -> tensor<4x16xf32>
    ```
  }];
  let options = [
    Option<"perChannel", "per-channel", "bool", /*default=*/"true",
           "Weight scales per output channel rather than per tensor">,
    Option<"perRow", "per-row", "bool", /*default=*/"false",
           "Input scales per row (per token) rather than per tensor">,
    Option<"conv", "conv", "bool", /*default=*/"false",
           "Quantize convolutions too">,
    Option<"bits", "bits", "unsigned", /*default=*/"8",
           "Bits of the matmul and gemm weights: 8, or 4 (convolutions "
           "stay 8-bit)">,
    Option<"groupSize", "group-size", "int64_t", /*default=*/"0",
           "bits=4: one weight scale per column and group of this many "
           "rows (0: per column, or per tensor without per-channel)">,
    ListOption<"keepFloat", "keep-float", "std::string",
               "ONNX node names or op names (qnn.conv, qnn.matmul, "
               "qnn.gemm) of contractions to leave in float">,
  ];
}

def MixedPrecision : Pass<"qnn-mixed-precision", "mlir::func::FuncOp"> {
  let summary = "Give each contraction fp32, int8 or int4 weights";
  let description = [{
    Marks every `qnn.conv`, `qnn.matmul` and `qnn.gemm` with a constant
    weight with its precision (attribute `qnn.precision`: `fp32`, `int8`
    or `int4`), which the quantization passes that run after it honor:
    a contraction marked fp32 stays float, one marked int8 or int4 gets
    weights of that many bits (qnn-quantize in static mode gives an int4
    contraction 4-bit weights and a float input, weight-only). Conversions
    between precisions then appear only where a quantized value meets a
    float one: the quantize of a quantized contraction's input and the
    dequantize of its result.

    The precisions come from one of:
    - `plan`, a precision plan file (JSON, docs/mixed-precision.md):
      entries by ONNX node name (or a pattern with `*` and `?`) or op type
      (Conv, MatMul, Gemm), a later one overriding an earlier, and a
      default for the rest; an entry that matches no contraction is an
      error;
    - `analysis`, the output of `quantc analyze`, with `min-sqnr`: the
      search of Support/Precision.h picks, among `precisions`, the
      precisions that minimize the weight bytes (`objective=size`) or the
      estimated run time (`objective=latency`) while the output SQNR the
      analysis predicts stays at least `min-sqnr` dB. A budget no choice
      reaches is an error that names the highest SQNR one reaches.

    ```mlir
    %y = qnn.conv %x, %w, %b {...} : ... loc("conv_1")
    // with a plan whose one entry is
    // {"node": "conv_1", "precision": "fp32"} becomes
    %y = qnn.conv %x, %w, %b {qnn.precision = "fp32", ...} : ... loc("conv_1")
    ```
  }];
  let options = [
    Option<"planFile", "plan", "std::string", /*default=*/"\"\"",
           "A precision plan file (JSON)">,
    Option<"analysisFile", "analysis", "std::string", /*default=*/"\"\"",
           "The sensitivity analysis of quantc analyze (JSON)">,
    Option<"minSQNR", "min-sqnr", "double", /*default=*/"30.0",
           "With analysis: the least output SQNR, in dB">,
    Option<"objective", "objective", "std::string", /*default=*/"\"size\"",
           "With analysis: minimize size (weight bytes) or latency">,
    ListOption<"precisions", "precisions", "std::string",
               "With analysis: the precisions to choose from (default "
               "fp32, int8 and int4)">,
  ];
}

def PrecisionSwitches : Pass<"qnn-precision-switches", "mlir::func::FuncOp"> {
  let summary = "Every contraction at every precision, chosen at run time";
  let description = [{
    For sensitivity analysis (`quantc analyze`): each `qnn.conv` (with
    `conv`), `qnn.matmul` and `qnn.gemm` with a constant f32 weight, in
    program order, gets a copy per precision of `precisions` (marked with
    it, as qnn-mixed-precision marks; the original is marked fp32), and a
    `qnn.where` chain chooses the result: a new last argument of the
    function, `i32[N]` named `qnn_precision` (`N` the number of these
    contractions), gives contraction `i` its precision at run time, 0 for
    float and `k` for `precisions[k - 1]`. The quantization pass that
    follows quantizes the copies, so one compiled library runs the model
    with any contraction at any precision, as a compiled model with that
    precision would compute it. The chosen result carries the original's
    calibrated range and channel means, which its consumers quantize with. Every copy runs at every call. The function
    gets the attribute `qnn.precision_layers`, the ONNX node names of the
    contractions in argument order.

    ```mlir
    %y = qnn.matmul %x, %w : (tensor<1x8xf32>, tensor<8x4xf32>) -> tensor<1x4xf32>
    // with precisions=int8 becomes
    %y = qnn.matmul %x, %w {qnn.precision = "fp32"} : ...
    %y8 = qnn.matmul %x, %w {qnn.precision = "int8"} : ...
    %s = qnn.slice %select {starts = array<i64: 0>, ...} : tensor<1xi32> -> tensor<1xi32>
    %c = qnn.compare %s, %one {predicate = #qnn.compare_predicate<eq>} : ...
    %r = qnn.where %c, %y8, %y : (tensor<1xi1>, tensor<1x4xf32>, tensor<1x4xf32>) -> tensor<1x4xf32>
    ```
  }];
  let options = [
    ListOption<"precisions", "precisions", "std::string",
               "The precisions of the copies (default int8 and int4)">,
    Option<"conv", "conv", "bool", /*default=*/"true",
           "Switch convolutions too">,
  ];
}

#endif // QUANTC_DIALECT_QNN_TRANSFORMS_PASSES_TD
