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
    several float results gets `qnn.range_i` for result `i > 0`.

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

#endif // QUANTC_DIALECT_QNN_TRANSFORMS_PASSES_TD
