// RUN: quant-opt %s --quantc-approximate-math | FileCheck %s

// exp on f32 scalars and vectors becomes arithmetic: a clamp of x, the
// power of two k = floor(x log2(e) + 1/2), the polynomial of the rest, and
// k put into a float's exponent bits.
// CHECK-LABEL: func.func @exp
// CHECK-NOT: math.exp %{{.*}} : f32
// CHECK: math.floor %{{.*}} : f32
// CHECK: math.fma
// CHECK: arith.shli %{{.*}} : i32
// CHECK: arith.bitcast %{{.*}} : i32 to f32
// CHECK-NOT: math.exp %{{.*}} : vector<16xf32>
// CHECK: math.floor %{{.*}} : vector<16xf32>
// CHECK: arith.bitcast %{{.*}} : vector<16xi32> to vector<16xf32>
// CHECK: return
func.func @exp(%x: f32, %v: vector<16xf32>) -> (f32, vector<16xf32>) {
  %a = math.exp %x : f32
  %b = math.exp %v : vector<16xf32>
  return %a, %b : f32, vector<16xf32>
}

// erf on f32 becomes upstream's approximation too: |x|, a quotient of
// polynomials of |x| chosen by interval, 1 from 3.75 on, the sign put back.
// CHECK-LABEL: func.func @erf
// CHECK-NOT: math.erf
// CHECK: %[[NEG:.*]] = arith.cmpf olt, %{{.*}} : vector<16xf32>
// CHECK: arith.divf %{{.*}} : vector<16xf32>
// CHECK: arith.select %{{.*}}, %{{.*}}, %{{.*}} : vector<16xi1>, vector<16xf32>
// CHECK: %[[R:.*]] = arith.select %[[NEG]]
// CHECK: return %[[R]]
func.func @erf(%v: vector<16xf32>) -> vector<16xf32> {
  %a = math.erf %v : vector<16xf32>
  return %a : vector<16xf32>
}

// Other math ops, and exp and erf on f64, stay as they are.
// CHECK-LABEL: func.func @others
// CHECK: math.exp %{{.*}} : f64
// CHECK: math.erf %{{.*}} : f64
// CHECK: math.tanh
// CHECK: math.log
func.func @others(%d: f64, %x: f32) -> (f64, f64, f32, f32) {
  %a = math.exp %d : f64
  %c = math.erf %d : f64
  %b = math.tanh %x : f32
  %e = math.log %x : f32
  return %a, %c, %b, %e : f64, f64, f32, f32
}
