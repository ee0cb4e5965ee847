// RUN: quant-opt %s --qnn-calibrate="stats=%S/Inputs/stats.json" | FileCheck %s
// RUN: quant-opt %s --qnn-calibrate="stats=%S/Inputs/stats.json method=percentile percentile=80" | FileCheck %s --check-prefix=PERCENTILE
// RUN: not quant-opt %s --qnn-calibrate="stats=%S/Inputs/missing.json" 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: not quant-opt %s --qnn-calibrate="stats=%s" 2>&1 | FileCheck %s --check-prefix=NOT-JSON
// RUN: not quant-opt %s --qnn-calibrate="stats=%S/Inputs/stats.json method=kl" 2>&1 | FileCheck %s --check-prefix=METHOD
// RUN: sed 's/"act"/"other"/' %S/Inputs/stats.json > %t.json
// RUN: not quant-opt %s --qnn-calibrate="stats=%t.json" 2>&1 | FileCheck %s --check-prefix=ABSENT

// Each activation gets the range of its statistics (keys as qnn-instrument
// makes them), widened to contain zero.
// CHECK: qnn.matmul {{.*}} {qnn.range = array<f64: -2.000000e+00, 6.000000e+00>}
// Per-channel statistics, where the file has them, give the channel means.
// CHECK: qnn.relu {{.*}} {qnn.channel_mean = array<f64: 2.500000e+00, 1.500000e+00, 7.500000e-01, 3.000000e+00>, qnn.range = array<f64: 0.000000e+00, 6.000000e+00>}
// The 80th percentile of "mm" (bins of width 2 from -2): 20% of 8 values is
// 1.6, reached in bin 1 ([0, 2)) from below and bin 2 ([2, 4)) from above.
// PERCENTILE: qnn.matmul {{.*}} {qnn.range = array<f64: 0.000000e+00, 4.000000e+00>}
// MISSING: error: cannot read the statistics file '{{.*}}missing.json'
// NOT-JSON: error: the statistics file '{{.*}}' is not JSON
// METHOD: error: qnn-calibrate: method must be minmax, percentile, entropy or mse
// ABSENT: error: the statistics file '{{.*}}' has no activation 'act'
// RUN: sed 's/"mean": \[2.5, 1.5, 0.75, 3.0\]/"mean": [2.5]/' %S/Inputs/stats.json > %t.uneven.json
// RUN: not quant-opt %s --qnn-calibrate="stats=%t.uneven.json" 2>&1 | FileCheck %s --check-prefix=UNEVEN
// UNEVEN: error: activation 'act' in '{{.*}}' has bad per-channel statistics: no channel axis, or min, max and mean of different sizes
func.func @main(%x: tensor<2x3xf32>) -> tensor<2x4xf32> {
  %w = qnn.constant dense<1.0> : tensor<3x4xf32> -> tensor<3x4xf32> loc("w"("m.onnx":0:0))
  %m = qnn.matmul %x, %w : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32> loc("mm"("m.onnx":0:0))
  %r = qnn.relu %m : tensor<2x4xf32> -> tensor<2x4xf32> loc("act"("m.onnx":0:0))
  return %r : tensor<2x4xf32>
}
