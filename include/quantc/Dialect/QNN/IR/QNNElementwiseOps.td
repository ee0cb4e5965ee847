//===- QNNElementwiseOps.td - Elementwise arithmetic and activations -*- tablegen -*-===//
//
// Binary arithmetic with numpy broadcasting and the unary activations. Each
// op computes its float function on real values; a quantized result may
// carry a scale of its own.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_DIALECT_QNN_IR_QNNELEMENTWISEOPS_TD
#define QUANTC_DIALECT_QNN_IR_QNNELEMENTWISEOPS_TD

include "quantc/Dialect/QNN/IR/QNNAttrs.td"

//===----------------------------------------------------------------------===//
// Binary arithmetic
//===----------------------------------------------------------------------===//

class QNN_BinaryOp<string mnemonic, string expr, list<Trait> traits = []>
    : QNN_Op<mnemonic, !listconcat(traits,
                                   [QNN_SameExpressedType,
                                    QNN_BroadcastsOperands])> {
  let summary = "Elementwise `" # expr # "` with broadcasting";
  let description = [{
    Computes `}] # expr # [{` elementwise after numpy broadcasting of the
    operands. Operands and result are all float, all integer, or real
    (float or quantized) with one expressed type.

    ```mlir
    %y = qnn.}] # mnemonic # [{ %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
    ```

    Constraints: rules T1 (same expressed type) and T3 (broadcast shape).
  }];
  let arguments = (ins QNN_Tensor:$lhs, QNN_Tensor:$rhs);
  let results = (outs QNN_Tensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` functional-type(operands, results)
  }];
}

def QNN_AddOp : QNN_BinaryOp<"add", "lhs + rhs", [Commutative]> {
  let hasFolder = 1;
}
def QNN_SubOp : QNN_BinaryOp<"sub", "lhs - rhs"> {
  let hasFolder = 1;
}
def QNN_MulOp : QNN_BinaryOp<"mul", "lhs * rhs", [Commutative]> {
  let hasFolder = 1;
}
def QNN_DivOp : QNN_BinaryOp<"div", "lhs / rhs"> {
  let hasFolder = 1;
}
def QNN_MaxOp : QNN_BinaryOp<"max", "max(lhs, rhs)", [Commutative]>;
def QNN_MinOp : QNN_BinaryOp<"min", "min(lhs, rhs)", [Commutative]>;
def QNN_PowOp : QNN_BinaryOp<"pow", "lhs ^ rhs">;

def QNN_CompareOp : QNN_Op<"compare", [QNN_BroadcastsOperands]> {
  let summary = "Elementwise comparison with broadcasting";
  let description = [{
    Compares `lhs` with `rhs` elementwise after numpy broadcasting of the
    operands (ONNX `Equal`, `Less`, `LessOrEqual`, `Greater`,
    `GreaterOrEqual`): `predicate` is `eq`, `lt`, `le`, `gt` or `ge`, and
    each result element is 1 where `lhs predicate rhs` holds. Floats compare
    as IEEE numbers (a NaN operand makes every predicate false, -0 equals
    +0); integers compare by their signedness (signless as signed).

    ```mlir
    %m = qnn.compare %a, %b {predicate = #qnn.compare_predicate<gt>} : (tensor<1x4xi64>, tensor<3x1xi64>) -> tensor<3x4xi1>
    ```

    Constraints: rule T3 (broadcast shape); compare-C1: the operands have
    one element type, float or integer; compare-C2: the result is i1.
  }];
  let arguments = (ins RankedTensorOf<[AnyFloat, AnyInteger]>:$lhs,
                       RankedTensorOf<[AnyFloat, AnyInteger]>:$rhs,
                       QNN_ComparePredicateAttr:$predicate);
  let results = (outs RankedTensorOf<[I1]>:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

def QNN_WhereOp : QNN_Op<"where", [QNN_BroadcastsOperands]> {
  let summary = "Elementwise choice between two tensors";
  let description = [{
    `condition ? lhs : rhs` elementwise after numpy broadcasting of the three
    operands (ONNX `Where`).

    ```mlir
    %y = qnn.where %mask, %a, %b : (tensor<4x4xi1>, tensor<f32>, tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
    ```

    Constraints: rule T3 (broadcast shape); where-C1: the condition is i1;
    where-C2: `lhs`, `rhs` and the result have one element type, float or
    integer.
  }];
  let arguments = (ins RankedTensorOf<[I1]>:$condition,
                       RankedTensorOf<[AnyFloat, AnyInteger]>:$lhs,
                       RankedTensorOf<[AnyFloat, AnyInteger]>:$rhs);
  let results = (outs RankedTensorOf<[AnyFloat, AnyInteger]>:$result);
  let assemblyFormat = [{
    $condition `,` $lhs `,` $rhs attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Unary activations
//===----------------------------------------------------------------------===//

class QNN_UnaryOp<string mnemonic, string expr, dag attrs = (ins),
                  string example = "">
    : QNN_Op<mnemonic, [SameOperandsAndResultShape, QNN_SameExpressedType]> {
  let summary = "Elementwise `" # expr # "`";
  let description = [{
    Computes `}] # expr # [{` on every element.

    ```mlir
    %y = qnn.}] # mnemonic # [{ %x }] # example # [{: tensor<8xf32> -> tensor<8xf32>
    ```

    Constraints: rule T1 (same expressed type); input and result have one
    shape.
  }];
  let arguments = !con((ins QNN_RealTensor:$input), attrs);
  let results = (outs QNN_RealTensor:$result);
  let assemblyFormat =
      "$input attr-dict `:` type($input) `->` type($result)";
}

def QNN_ReluOp : QNN_UnaryOp<"relu", "max(x, 0)"> {
  let hasFolder = 1;
}
def QNN_LeakyReluOp : QNN_UnaryOp<"leaky_relu", "x < 0 ? alpha * x : x",
    (ins DefaultValuedAttr<F32Attr, "0.01f">:$alpha),
    "{alpha = 0.1 : f32} ">;
def QNN_ClipOp : QNN_UnaryOp<"clip", "min(max(x, min), max)",
    (ins OptionalAttr<F32Attr>:$min, OptionalAttr<F32Attr>:$max),
    "{min = 0.0 : f32, max = 6.0 : f32} "> {
  let description = [{
    Clamps every element to `[min, max]`. A missing bound does not clamp.

    ```mlir
    %y = qnn.clip %x {min = 0.0 : f32, max = 6.0 : f32} : tensor<8xf32> -> tensor<8xf32>
    ```

    Constraints:
    - (clip-C1) `min <= max` when both are present;
    - rule T1 (same expressed type); input and result have one shape.

    A clip with neither bound folds to its input.
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}
def QNN_SigmoidOp : QNN_UnaryOp<"sigmoid", "1 / (1 + exp(-x))">;
def QNN_HardSigmoidOp : QNN_UnaryOp<"hard_sigmoid",
    "max(0, min(1, alpha * x + beta))",
    (ins DefaultValuedAttr<F32Attr, "0.2f">:$alpha,
         DefaultValuedAttr<F32Attr, "0.5f">:$beta),
    "{alpha = 0.2 : f32, beta = 0.5 : f32} ">;
def QNN_HardSwishOp : QNN_UnaryOp<"hard_swish",
    "x * max(0, min(1, x / 6 + 1 / 2))">;
def QNN_TanhOp : QNN_UnaryOp<"tanh", "tanh(x)">;
def QNN_GeluOp : QNN_UnaryOp<"gelu", "x * Phi(x)",
    (ins DefaultValuedAttr<QNN_GeluApproximationAttr,
                           "GeluApproximation::None">:$approximate),
    "{approximate = #qnn.gelu_approximation<tanh>} "> {
  let description = [{
    The Gaussian error linear unit `x * Phi(x)`, with `Phi` the standard
    normal distribution function: exactly `0.5 * (1 + erf(x / sqrt(2)))`,
    or with `approximate = tanh` the approximation
    `0.5 * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x^3)))` (ONNX `Gelu`).

    ```mlir
    %y = qnn.gelu %x {approximate = #qnn.gelu_approximation<tanh>} : tensor<8xf32> -> tensor<8xf32>
    ```

    Constraints: rule T1 (same expressed type); input and result have one
    shape.
  }];
}
def QNN_ErfOp : QNN_UnaryOp<"erf", "erf(x)">;
def QNN_ExpOp : QNN_UnaryOp<"exp", "exp(x)">;
def QNN_LogOp : QNN_UnaryOp<"log", "log(x)">;
def QNN_SqrtOp : QNN_UnaryOp<"sqrt", "sqrt(x)">;
def QNN_NegOp : QNN_UnaryOp<"neg", "-x">;
def QNN_AbsOp : QNN_UnaryOp<"abs", "|x|">;
def QNN_RoundOp : QNN_UnaryOp<"round", "round_half_to_even(x)">;
def QNN_FloorOp : QNN_UnaryOp<"floor", "floor(x)">;
def QNN_CeilOp : QNN_UnaryOp<"ceil", "ceil(x)">;

//===----------------------------------------------------------------------===//
// Conversion
//===----------------------------------------------------------------------===//

def QNN_CastOp : QNN_Op<"cast", [SameOperandsAndResultShape]> {
  let summary = "Convert elements to another float or integer type";
  let description = [{
    ONNX's Cast on plain (not quantized) tensors. Signless and signed
    integers are signed, unsigned ones (`ui8`) unsigned, and `i1` is a
    boolean.

    - float to float rounds to nearest, ties to even;
    - integer to float rounds to nearest, ties to even;
    - float to integer truncates toward zero and saturates to the integer's
      range; NaN becomes 0 (ONNX leaves out-of-range values undefined);
    - integer to integer keeps the low bits (sign-extending a signed
      source, zero-extending an unsigned one when widening);
    - anything to `i1` is `x != 0`, and `i1` to a number is 0 or 1.

    ```mlir
    %y = qnn.cast %x : tensor<4xf32> -> tensor<4xi32>
    ```

    Constraints:
    - (cast-C1) input and result have one shape;
    - (cast-C2) input and result elements are floats or integers, not
      quantized types.
  }];
  let arguments = (ins QNN_Tensor:$input);
  let results = (outs QNN_Tensor:$result);
  let assemblyFormat =
      "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

#endif // QUANTC_DIALECT_QNN_IR_QNNELEMENTWISEOPS_TD
