//===- QNNLinearOps.td - Convolution, matmul and gemm --------*- tablegen -*-===//
//
// The ops that carry nearly all of a network's arithmetic. Each accepts float
// or quantized operands with real-valued semantics.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_DIALECT_QNN_IR_QNNLINEAROPS_TD
#define QUANTC_DIALECT_QNN_IR_QNNLINEAROPS_TD

include "quantc/Dialect/QNN/IR/QNNBase.td"

def QNN_ConvOp : QNN_Op<"conv", [QNN_SameExpressedType]> {
  let summary = "N-d grouped, strided, dilated convolution";
  let description = [{
    ONNX `Conv` in NCHW layout with any number of spatial dimensions. The
    input is `[N, C, D1 ... Dn]`, the weight `[M, C / group, K1 ... Kn]` and
    the optional bias `[M]`. Each output spatial size is
    `floor((D + pad_begin + pad_end - dilation * (K - 1) - 1) / stride) + 1`.
    `pads` holds all begin pads, then all end pads.

    ```mlir
    %y = qnn.conv %x, %w, %b {strides = array<i64: 2, 2>,
           dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>,
           group = 1 : i64}
         : (tensor<1x3x224x224xf32>, tensor<32x3x3x3xf32>, tensor<32xf32>)
         -> tensor<1x32x112x112xf32>
    ```

    Constraints:
    - (conv-C1) the input has rank 3 or more and the weight has the same rank;
    - (conv-C2) `strides` and `dilations` have one entry per spatial
      dimension and `pads` two;
    - (conv-C3) strides, dilations and `group` are positive, pads are not
      negative;
    - (conv-C4) the input's channels equal the weight's dimension 1 times
      `group`, and `group` divides the weight's dimension 0;
    - (conv-C5) the bias, when present, has shape `[M]`;
    - (conv-C6) the result's shape is `[N, M, ...]` with the spatial sizes
      above, each at least 1;
    - rule T1 (same expressed type).
  }];
  let arguments = (ins QNN_RealTensor:$input, QNN_RealTensor:$weight,
                       Optional<QNN_RealTensor>:$bias,
                       DenseI64ArrayAttr:$strides,
                       DenseI64ArrayAttr:$dilations,
                       DenseI64ArrayAttr:$pads,
                       DefaultValuedAttr<I64Attr, "1">:$group);
  let results = (outs QNN_RealTensor:$result);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def QNN_ConvTransposeOp : QNN_Op<"conv_transpose", [QNN_SameExpressedType]> {
  let summary = "N-d grouped, strided, dilated transposed convolution";
  let description = [{
    ONNX `ConvTranspose` in NCHW layout: the gradient of `qnn.conv` with
    respect to its input. The input is `[N, C, D1 ... Dn]`, the weight
    `[C, M / group, K1 ... Kn]` and the optional bias `[M]`. Each output
    spatial size is `stride * (D - 1) + output_padding + dilation * (K - 1)
    + 1 - pad_begin - pad_end`.

    ```mlir
    %y = qnn.conv_transpose %x, %w {strides = array<i64: 2, 2>,
           dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>,
           output_padding = array<i64: 0, 0>}
         : (tensor<1x64x40x40xf32>, tensor<64x16x2x2xf32>) -> tensor<1x16x80x80xf32>
    ```

    Constraints:
    - (conv_transpose-C1) the input has rank 3 or more and the weight has the
      same rank;
    - (conv_transpose-C2) `strides`, `dilations` and `output_padding` have
      one entry per spatial dimension and `pads` two;
    - (conv_transpose-C3) strides, dilations and `group` are positive, pads
      and output padding are not negative, and each output padding is
      smaller than its stride or its dilation;
    - (conv_transpose-C4) the weight's dimension 0 equals the input's
      channels, which `group` divides;
    - (conv_transpose-C5) the bias, when present, has shape
      `[weight dimension 1 * group]`;
    - (conv_transpose-C6) the result's shape is `[N, M, ...]` with the
      spatial sizes above, each at least 1;
    - rule T1 (same expressed type).
  }];
  let arguments = (ins QNN_RealTensor:$input, QNN_RealTensor:$weight,
                       Optional<QNN_RealTensor>:$bias,
                       DenseI64ArrayAttr:$strides,
                       DenseI64ArrayAttr:$dilations,
                       DenseI64ArrayAttr:$pads,
                       DenseI64ArrayAttr:$output_padding,
                       DefaultValuedAttr<I64Attr, "1">:$group);
  let results = (outs QNN_RealTensor:$result);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def QNN_MatMulOp : QNN_Op<"matmul", [QNN_SameExpressedType]> {
  let summary = "Batched matrix product with broadcasting";
  let description = [{
    ONNX `MatMul` (numpy `matmul`): a rank-1 operand is promoted to a matrix
    and the promoted dimension is removed from the result; the batch
    dimensions broadcast.

    ```mlir
    %y = qnn.matmul %a, %b : (tensor<2x?x64xf32>, tensor<64x128xf32>) -> tensor<2x?x128xf32>
    ```

    Constraints:
    - (matmul-C1) both operands have rank 1 or more;
    - (matmul-C2) the contracting dimensions are compatible;
    - (matmul-C3) the batch dimensions broadcast;
    - (matmul-C4) the result's shape is the broadcast batch shape followed by
      the rows of `a` and the columns of `b`;
    - rule T1 (same expressed type).
  }];
  let arguments = (ins QNN_RealTensor:$lhs, QNN_RealTensor:$rhs);
  let results = (outs QNN_RealTensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def QNN_GemmOp : QNN_Op<"gemm", [QNN_SameExpressedType]> {
  let summary = "General matrix product alpha * op(A) * op(B) + beta * C";
  let description = [{
    ONNX `Gemm`. `op(X)` is `X` transposed when the matching `trans_*` flag
    is set. `C` broadcasts to `[M, N]`.

    ```mlir
    %y = qnn.gemm %a, %b, %c {trans_b = true}
         : (tensor<1x512xf32>, tensor<10x512xf32>, tensor<10xf32>) -> tensor<1x10xf32>
    ```

    Constraints:
    - (gemm-C1) `A` and `B` are matrices;
    - (gemm-C2) the contracting dimensions of `op(A)` and `op(B)` are
      compatible;
    - (gemm-C3) `C`, when present, broadcasts to `[M, N]`;
    - (gemm-C4) the result's shape is `[M, N]`;
    - rule T1 (same expressed type).
  }];
  let arguments = (ins QNN_RealTensor:$a, QNN_RealTensor:$b,
                       Optional<QNN_RealTensor>:$c,
                       DefaultValuedAttr<F32Attr, "1.0f">:$alpha,
                       DefaultValuedAttr<F32Attr, "1.0f">:$beta,
                       DefaultValuedAttr<BoolAttr, "false">:$trans_a,
                       DefaultValuedAttr<BoolAttr, "false">:$trans_b);
  let results = (outs QNN_RealTensor:$result);
  let assemblyFormat = [{
    $a `,` $b (`,` $c^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def QNN_MatMulIntegerOp : QNN_Op<"matmul_integer"> {
  let summary = "Integer matrix product with run-time zero points";
  let description = [{
    ONNX `MatMulInteger`: `(a - a_zero_point) x (b - b_zero_point)` as
    `qnn.matmul` multiplies, on 8-bit integers (signed or unsigned),
    accumulated exactly in i32. The zero points are tensors, known at compile
    time or only at run time: a scalar (rank 0) for the whole operand, or
    one per row of `a` (shape of `a` with its last dimension 1) and one per
    column of `b` (shape of `b` with its second-to-last dimension 1), where
    any other dimension may be 1 and broadcast.

    ```mlir
    %y = qnn.matmul_integer %a, %b, %za, %zb
         : (tensor<4x64xui8>, tensor<64x16xi8>, tensor<ui8>, tensor<i8>)
         -> tensor<4x16xi32>
    ```

    Constraints:
    - (matmul_integer-C1) `a` and `b` hold 8-bit integers and each zero point
      has its operand's element type;
    - (matmul_integer-C2) each zero point is a scalar or has the per-row
      (per-column) shape above, and a rank-1 operand has a scalar one;
    - (matmul_integer-C3) the shapes satisfy matmul-C1 to matmul-C4;
    - (matmul_integer-C4) the result holds i32.
  }];
  let arguments = (ins QNN_IntegerTensor:$lhs, QNN_IntegerTensor:$rhs,
                       QNN_IntegerTensor:$lhs_zero_point,
                       QNN_IntegerTensor:$rhs_zero_point);
  let results = (outs QNN_IntegerTensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs `,` $lhs_zero_point `,` $rhs_zero_point attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def QNN_ScaledMatMulIntegerOp : QNN_Op<"scaled_matmul_integer"> {
  let summary = "Integer matrix product with its float epilogue";
  let description = [{
    `qnn.matmul_integer` of `lhs` and the 2-D `rhs`, turned into binary32
    by the scales of the operands and an optional bias, as dynamic
    quantization writes it (qnn-quantize-dynamic, and onnxruntime's
    `quantize_dynamic` as MatMulInteger, Cast, Mul and Add):

    ```
    acc = matmul_integer(lhs, rhs, lhs_zero_point, rhs_zero_point)  (i32)
    result[..., n] = float(acc[..., n]) * (lhs_scale[...] * rhs_scale[n])
                     (+ bias[n])
    ```

    each binary32 operation rounded once, in this order (no fused
    multiply-add). qnn-fuse-scaled-matmul makes it from those ops, so that
    the runtime's kernel writes the float result without an i32 buffer of
    the accumulator.

    ```mlir
    %y = qnn.scaled_matmul_integer %q, %w, %zq, %zw, %sq, %sw, %b
         : (tensor<4x64xui8>, tensor<64x16xi8>, tensor<4x1xui8>, tensor<i8>,
            tensor<4x1xf32>, tensor<16xf32>, tensor<16xf32>)
         -> tensor<4x16xf32>
    ```

    Constraints:
    - (scaled_matmul_integer-C1) `lhs` has rank 2 or more, `rhs` rank 2,
      and they and their zero points satisfy matmul_integer-C1 to C3;
    - (scaled_matmul_integer-C2) `lhs_scale` holds f32 and is a scalar or
      has `lhs`'s shape with its last dimension 1 (any other dimension may
      be 1 and broadcast);
    - (scaled_matmul_integer-C3) `rhs_scale` holds f32 and is a scalar or
      has shape [N]; `bias`, if present, holds f32 and has shape [N];
    - (scaled_matmul_integer-C4) the result holds f32 and has `lhs`'s shape
      with its last dimension N.
  }];
  let arguments = (ins QNN_IntegerTensor:$lhs, QNN_IntegerTensor:$rhs,
                       QNN_IntegerTensor:$lhs_zero_point,
                       QNN_IntegerTensor:$rhs_zero_point,
                       QNN_FloatTensor:$lhs_scale, QNN_FloatTensor:$rhs_scale,
                       Optional<QNN_FloatTensor>:$bias);
  let results = (outs QNN_FloatTensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs `,` $lhs_zero_point `,` $rhs_zero_point `,` $lhs_scale `,`
    $rhs_scale (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def QNN_GroupedMatMulOp : QNN_Op<"grouped_matmul"> {
  let summary = "Quantized activations times group-wise quantized weights";
  let description = [{
    The matrix product of u8 activations `lhs` [..., K] (scale `lhs_scale`
    and zero point `lhs_zero_point`) and integer weights `rhs` [K, N] with
    one scale per column and group of `group` consecutive k (`rhs_scale`
    [ceil(K / group), N]), in binary32. Dynamic quantization with 4-bit
    weights makes it (qnn-quantize-dynamic `bits=4`). Each group's product
    is exact in i32, and the float steps run in this order, each rounded
    once (`fma` rounds once):

    ```
    acc_g = sum over k of group g of lhs[..., k] * rhs[k, n]      (i32)
    t = 0; t = fma(rhs_scale[g, n], float(acc_g), t) for g = 0, 1, ...
    u = fma(-float(lhs_zero_point), column_sum[n], t)
    result[..., n] = fma(lhs_scale, u, bias[n])
    ```

    `column_sum[n]` stands for sum over g of `rhs_scale[g, n]` times the
    sum of group g of column n, which the pass that makes the op computes
    once; the zero point's term uses it. The last group is shorter when
    `group` does not divide K.

    ```mlir
    %y = qnn.grouped_matmul %q, %s, %z, %w, %ws, %cs, %b {group = 32 : i64}
         : (tensor<4x64xui8>, tensor<4x1xf32>, tensor<4x1xui8>,
            tensor<64x16xi8>, tensor<2x16xf32>, tensor<16xf32>,
            tensor<16xf32>) -> tensor<4x16xf32>
    ```

    Constraints:
    - (grouped_matmul-C1) `lhs` holds u8 and has rank 2 or more, `rhs` holds
      i8 and has rank 2, and their K agree;
    - (grouped_matmul-C2) `lhs_scale` (f32) and `lhs_zero_point` (u8) have
      the same shape: a scalar, or `lhs`'s shape with its last dimension 1;
    - (grouped_matmul-C3) `group` is at least 1, and `rhs_scale` (f32) has
      shape [ceil(K / group), N];
    - (grouped_matmul-C4) `column_sum` and `bias` hold f32 and have shape
      [N];
    - (grouped_matmul-C5) the result holds f32 and has `lhs`'s shape with
      its last dimension N.
  }];
  let arguments = (ins QNN_IntegerTensor:$lhs, QNN_FloatTensor:$lhs_scale,
                       QNN_IntegerTensor:$lhs_zero_point,
                       QNN_IntegerTensor:$rhs, QNN_FloatTensor:$rhs_scale,
                       QNN_FloatTensor:$column_sum, QNN_FloatTensor:$bias,
                       I64Attr:$group);
  let results = (outs QNN_FloatTensor:$result);
  let assemblyFormat = [{
    $lhs `,` $lhs_scale `,` $lhs_zero_point `,` $rhs `,` $rhs_scale `,`
    $column_sum `,` $bias attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def QNN_ConvIntegerOp : QNN_Op<"conv_integer"> {
  let summary = "Integer convolution with run-time zero points";
  let description = [{
    ONNX `ConvInteger`: `qnn.conv` of `input - input_zero_point` and
    `weight - weight_zero_point` on 8-bit integers (signed or unsigned),
    accumulated exactly in i32. Padding holds the input's zero point, so it
    contributes nothing. The input's zero point is a scalar (rank 0); the
    weight's is a scalar or one per output channel (shape `[M]`). Both are
    tensors, known at compile time or only at run time.

    ```mlir
    %y = qnn.conv_integer %x, %w, %zx, %zw {strides = array<i64: 1, 1>,
           dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>,
           group = 1 : i64}
         : (tensor<1x3x8x8xui8>, tensor<4x3x3x3xui8>, tensor<ui8>, tensor<4xui8>)
         -> tensor<1x4x8x8xi32>
    ```

    Constraints:
    - (conv_integer-C1) the input and weight hold 8-bit integers and each
      zero point has its operand's element type;
    - (conv_integer-C2) the zero points have the shapes above;
    - (conv_integer-C3) the shapes and attributes satisfy conv-C1 to conv-C4
      and conv-C6;
    - (conv_integer-C4) the result holds i32.
  }];
  let arguments = (ins QNN_IntegerTensor:$input, QNN_IntegerTensor:$weight,
                       QNN_IntegerTensor:$input_zero_point,
                       QNN_IntegerTensor:$weight_zero_point,
                       DenseI64ArrayAttr:$strides,
                       DenseI64ArrayAttr:$dilations,
                       DenseI64ArrayAttr:$pads,
                       DefaultValuedAttr<I64Attr, "1">:$group);
  let results = (outs QNN_IntegerTensor:$result);
  let assemblyFormat = [{
    $input `,` $weight `,` $input_zero_point `,` $weight_zero_point attr-dict
    `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

#endif // QUANTC_DIALECT_QNN_IR_QNNLINEAROPS_TD
