// RUN: not quant-opt %s --quantc-vectorize-contractions="vector-bits=16" 2>&1 | FileCheck %s
// CHECK: vector-bits must be at least 32, rows and vectors at least 1
func.func @f() {
  return
}
