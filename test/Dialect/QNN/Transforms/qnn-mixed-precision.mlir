// RUN: quant-opt %s --qnn-mixed-precision=plan=%S/Inputs/precision-plan.json | FileCheck %s --check-prefix=PLAN
// RUN: quant-opt %s --qnn-mixed-precision=plan=%S/Inputs/precision-plan.json --qnn-quantize=group-size=4 --qnn-fold-qdq | FileCheck %s --check-prefix=MIXED
// RUN: quant-opt %s --qnn-mixed-precision=plan=%S/Inputs/precision-plan-int8.json --qnn-quantize --qnn-fold-qdq | FileCheck %s --check-prefix=CHAIN
// RUN: not quant-opt %s --qnn-mixed-precision=plan=%S/Inputs/precision-plan-unmatched.json 2>&1 | FileCheck %s --check-prefix=UNMATCHED
// RUN: quant-opt %s --qnn-mixed-precision="analysis=%S/Inputs/precision-analysis.json min-sqnr=20" | FileCheck %s --check-prefix=SQNR20
// RUN: quant-opt %s --qnn-mixed-precision="analysis=%S/Inputs/precision-analysis.json min-sqnr=40" | FileCheck %s --check-prefix=SQNR40
// RUN: not quant-opt %s --qnn-mixed-precision="analysis=%S/Inputs/precision-analysis.json min-sqnr=40 precisions=int8,int4" 2>&1 | FileCheck %s --check-prefix=INFEASIBLE
// RUN: not quant-opt %s --qnn-mixed-precision 2>&1 | FileCheck %s --check-prefix=NONE

func.func @chain(%x: tensor<1x8xf32> {qnn.range = array<f64: -1.0, 1.0>}) -> tensor<1x4xf32> {
  %w1 = qnn.constant dense<0.5> : tensor<8x8xf32> -> tensor<8x8xf32>
  %a = qnn.matmul %x, %w1 {qnn.range = array<f64: -4.0, 4.0>} : (tensor<1x8xf32>, tensor<8x8xf32>) -> tensor<1x8xf32> loc("fc1")
  %w2 = qnn.constant dense<0.25> : tensor<8x8xf32> -> tensor<8x8xf32>
  %b = qnn.matmul %a, %w2 {qnn.range = array<f64: -8.0, 8.0>} : (tensor<1x8xf32>, tensor<8x8xf32>) -> tensor<1x8xf32> loc("fc2")
  %w3 = qnn.constant dense<0.125> : tensor<8x4xf32> -> tensor<8x4xf32>
  %c = qnn.matmul %b, %w3 : (tensor<1x8xf32>, tensor<8x4xf32>) -> tensor<1x4xf32> loc("head")
  return %c : tensor<1x4xf32>
}

// The plan's entries apply in order: every MatMul int4, then the fc* ones
// int8, then fc2 fp32.
// PLAN: qnn.matmul %arg0, %{{.*}} {qnn.precision = "int8"
// PLAN: qnn.matmul %{{.*}}, %{{.*}} {qnn.precision = "fp32"
// PLAN: qnn.matmul %{{.*}}, %{{.*}} {qnn.precision = "int4"}

// Quantized as marked: fc1 takes the quantized input and returns float,
// since fc2 stays float; head gets 4-bit weights in groups of 4 rows and a
// float input (weight-only).
// MIXED: %[[Q:.*]] = qnn.quantize %arg0 : tensor<1x8xf32> -> tensor<1x8x!quant.uniform<u8:f32, {{.*}}>>
// MIXED: %[[A:.*]] = qnn.matmul %[[Q]], %{{.*}} {qnn.precision = "int8", {{.*}}} : (tensor<1x8x!quant.uniform<u8{{.*}}>>, tensor<8x8x!quant.uniform<i8<-127:127>{{.*}}>>) -> tensor<1x8xf32>
// MIXED: %[[B:.*]] = qnn.matmul %[[A]], %{{.*}} {qnn.precision = "fp32", {{.*}}} : (tensor<1x8xf32>, tensor<8x8xf32>) -> tensor<1x8xf32>
// MIXED: %[[W:.*]] = qnn.constant dense<7> : tensor<8x4xi4> -> tensor<8x4x!quant.uniform<i4<-7:7>:f32:{0:4, 1:1}
// MIXED: %[[DW:.*]] = qnn.dequantize %[[W]]
// MIXED: qnn.matmul %[[B]], %[[DW]] {qnn.precision = "int4"} : (tensor<1x8xf32>, tensor<8x4xf32>) -> tensor<1x4xf32>

// Two int8 contractions in a row: fc1's result is fc2's quantized input
// (no conversion between them); the only conversion back to float is fc2's
// result, which the float head reads.
// CHAIN: %[[Q:.*]] = qnn.quantize %arg0
// CHAIN: %[[A:.*]] = qnn.matmul %[[Q]], %{{.*}} {qnn.precision = "int8", {{.*}}} : {{.*}} -> tensor<1x8x!quant.uniform<u8:f32, 0.031372550874948502:127>>
// CHAIN-NOT: qnn.dequantize
// CHAIN: %[[B:.*]] = qnn.matmul %[[A]], %{{.*}} {qnn.precision = "int8", {{.*}}} : (tensor<1x8x!quant.uniform<u8:f32, 0.031372550874948502:127>>, {{.*}}) -> tensor<1x8xf32>
// CHAIN-NOT: qnn.quantize
// CHAIN: qnn.matmul %[[B]], %{{.*}} {qnn.precision = "fp32"} : (tensor<1x8xf32>, tensor<8x4xf32>) -> tensor<1x4xf32>

// UNMATCHED: precision-plan-unmatched.json: layers[0] (node 'fc3') matches no Conv, MatMul or Gemm with a constant weight

// The search over Inputs/precision-analysis.json (signal power 1; weight
// bytes fp32/int8/int4: fc1 32768/8448/5120, fc2 16384/4352/2560, head
// 8192/2176/1280). At 20 dB the noise may reach 0.01: head's int4 noise
// (0.1) and fc1's (0.01, with anything else) are too much, so the
// cheapest is fc1 int8, fc2 int4, head int8 (noise 0.002095).
// SQNR20: qnn.matmul %arg0, %{{.*}} {qnn.precision = "int8"
// SQNR20: qnn.matmul %{{.*}}, %{{.*}} {qnn.precision = "int4"
// SQNR20: qnn.matmul %{{.*}}, %{{.*}} {qnn.precision = "int8"}
// At 40 dB (noise 1e-4) head's int8 noise alone is too much, and fc1 and
// fc2 cannot both be int8 (1.05e-4): fc1 int8 with fc2 fp32 is smaller
// than the other way round.
// SQNR40: qnn.matmul %arg0, %{{.*}} {qnn.precision = "int8"
// SQNR40: qnn.matmul %{{.*}}, %{{.*}} {qnn.precision = "fp32"
// SQNR40: qnn.matmul %{{.*}}, %{{.*}} {qnn.precision = "fp32"}

// Without fp32, the best is every layer int8: noise 0.001105, 29.57 dB.
// INFEASIBLE: error: no plan reaches an output SQNR of 40.00 dB: the highest any reaches with int8, int4 is 29.57 dB (predicted)

// NONE: error: qnn-mixed-precision takes a plan or an analysis
