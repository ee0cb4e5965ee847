//===- qgemm_bench.cpp - The runtime's int8 kernels against the machine ---===//
//
// Google Benchmark of the int8 kernels of runtime/, each against a limit of
// this machine measured in the same run:
//
// - the vpdpbusd peak of one core: independent chains of vpdpbusd on zmm
//   registers (128 int8 operations each: 64 multiplies, 64 adds);
// - the read bandwidth of one core: a sum over a buffer far larger than
//   the caches.
//
// The 4-bit GEMV also reports its speed against the 8-bit one on the same
// shape (`int8_time_ratio`, above 1 when 4 bits are faster).
//
// The kernels run on one thread (quantc_set_threads(1)). Each kernel
// benchmark reports `ops` (int8 operations a second, 2 per
// multiply-add) or `bytes` (weight bytes read a second) and its share of
// the limit (`of_peak`, `of_bandwidth`). Timings are not checked: the
// shares are for people to read.
//
//===----------------------------------------------------------------------===//

#include "quantc_kernels.h"
#include "quantc_threads.h"

#include <benchmark/benchmark.h>
#include <immintrin.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
#include <random>
#include <vector>

namespace {

/// The instruction sets the benchmarks' last argument selects.
const char *const kIsas[] = {"generic", "avx512-vnni", "avx2", "amx"};

double vpdpbusdPeak = 0;  // int8 operations a second
double readBandwidth = 0; // bytes a second

/// Independent vpdpbusd chains, enough to cover the instruction's latency.
__attribute__((target("avx512f,avx512bw,avx512vnni"), noinline)) int64_t
runVpdpbusd(int64_t iterations) {
  __m512i acc[16];
  for (int i = 0; i < 16; ++i)
    acc[i] = _mm512_set1_epi32(i);
  __m512i a = _mm512_set1_epi32(0x01020304), b = _mm512_set1_epi32(0x05060708);
  for (int64_t it = 0; it < iterations; ++it) {
    for (int i = 0; i < 16; ++i)
      acc[i] = _mm512_dpbusd_epi32(acc[i], a, b);
    // Keeps the compiler from folding the chains.
    __asm__ volatile("" : "+v"(a), "+v"(b));
  }
  __m512i sum = acc[0];
  for (int i = 1; i < 16; ++i)
    sum = _mm512_add_epi32(sum, acc[i]);
  return _mm512_reduce_add_epi32(sum);
}

double measureVpdpbusdPeak(int64_t iterations = 1 << 22, int trials = 5) {
  double best = 0;
  for (int trial = 0; trial < trials; ++trial) {
    auto start = std::chrono::steady_clock::now();
    benchmark::DoNotOptimize(runVpdpbusd(iterations));
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
    best = std::max(best, double(iterations) * 16 * 128 / seconds);
  }
  return best;
}

/// Sums `data` in chunks of `streams` runs of `run` bytes, read side by
/// side: several streams keep more reads in flight, as a matmul over
/// several weight panels does.
__attribute__((target("avx512f"), noinline)) int64_t
sumStreams(const char *data, size_t bytes, size_t run, int streams) {
  __m512i s0 = _mm512_setzero_si512(), s1 = s0, s2 = s0, s3 = s0;
  size_t chunk = run * streams;
  for (size_t c = 0; c + chunk <= bytes; c += chunk)
    for (size_t i = 0; i < run; i += 64)
      for (int s = 0; s < streams; s += 4) {
        const char *p = data + c + s * run + i;
        s0 = _mm512_add_epi32(s0, _mm512_loadu_si512(p));
        s1 = _mm512_add_epi32(s1, _mm512_loadu_si512(p + run));
        s2 = _mm512_add_epi32(s2, _mm512_loadu_si512(p + 2 * run));
        s3 = _mm512_add_epi32(s3, _mm512_loadu_si512(p + 3 * run));
      }
  return _mm512_reduce_add_epi32(
      _mm512_add_epi32(_mm512_add_epi32(s0, s1), _mm512_add_epi32(s2, s3)));
}

/// The best read rate of one core over a buffer far larger than the
/// caches, over 4 or 8 streams of runs of 128 KiB or 1 MiB.
double measureReadBandwidth() {
  size_t bytes = size_t(512) << 20;
  std::vector<char> buffer(bytes, 1);
  double best = 0;
  for (size_t run : {size_t(128) << 10, size_t(1) << 20})
    for (int streams : {4, 8})
      for (int trial = 0; trial < 2; ++trial) {
        auto start = std::chrono::steady_clock::now();
        benchmark::DoNotOptimize(
            sumStreams(buffer.data(), bytes, run, streams));
        double seconds = std::chrono::duration<double>(
                             std::chrono::steady_clock::now() - start)
                             .count();
        size_t read = bytes / (run * streams) * (run * streams);
        best = std::max(best, double(read) / seconds);
      }
  return best;
}

/// Seconds per GEMV of BM_QGemv by (N, K, matrices, instruction set), for
/// BM_QGemvS4 to set its own time against.
std::map<std::array<int64_t, 4>, double> gemvSeconds;

double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
      .count();
}

/// `bytes` read an iteration as a rate and as a share of the read
/// bandwidth, measured again next to the benchmark.
void reportBandwidth(benchmark::State &state, double bytes) {
  readBandwidth = std::max(readBandwidth, measureReadBandwidth());
  state.counters["bytes"] =
      benchmark::Counter(bytes, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["of_bandwidth"] = benchmark::Counter(
      bytes / readBandwidth, benchmark::Counter::kIsIterationInvariantRate);
}

/// The peak again, next to a benchmark: the clock of a shared machine
/// drifts, and the share of the peak holds the best peak seen.
void remeasurePeak() {
  vpdpbusdPeak = std::max(vpdpbusdPeak, measureVpdpbusdPeak(1 << 20, 3));
}

std::vector<int8_t> randomWeights(int64_t count, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> weight(-127, 127);
  std::vector<int8_t> w(count);
  for (int8_t &v : w)
    v = int8_t(weight(rng));
  return w;
}

/// Arguments: M, N, K, instruction set (an index of kIsas).
void BM_QGemm(benchmark::State &state) {
  int64_t m = state.range(0), n = state.range(1), k = state.range(2);
  const char *isa = kIsas[state.range(3)];
  if (!quantc_kernels_use(isa)) {
    state.SkipWithError("instruction set not available");
    return;
  }
  std::vector<uint8_t> a(m * k, 77);
  std::vector<int8_t> w = randomWeights(k * n, 1);
  std::vector<int8_t> panels(quantc_panels_size(k, n));
  quantc_pack_panels_s8(k, n, w.data(), n, 1, panels.data());
  std::vector<int32_t> offset(n, 0), c(m * n);
  for (auto _ : state) {
    quantc_qgemm_u8s8(m, n, k, a.data(), k, 0, panels.data(), offset.data(),
                      c.data(), n);
    benchmark::ClobberMemory();
  }
  remeasurePeak();
  double ops = 2.0 * double(m) * double(n) * double(k);
  state.counters["ops"] =
      benchmark::Counter(ops, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["of_peak"] = benchmark::Counter(
      ops / vpdpbusdPeak, benchmark::Counter::kIsIterationInvariantRate);
  state.SetLabel(isa);
}

/// GEMV over weights that do not fit in any cache: `matrices` N x K
/// matrices used in turn, as the layers of a decode step are.
void BM_QGemv(benchmark::State &state) {
  int64_t n = state.range(0), k = state.range(1), matrices = state.range(2);
  const char *isa = kIsas[state.range(3)];
  if (!quantc_kernels_use(isa)) {
    state.SkipWithError("instruction set not available");
    return;
  }
  size_t size = quantc_panels_size(k, n);
  std::vector<std::vector<int8_t>> panels(matrices);
  std::vector<int8_t> w = randomWeights(k * n, 2);
  for (auto &p : panels) {
    p.resize(size);
    quantc_pack_panels_s8(k, n, w.data(), n, 1, p.data());
  }
  std::vector<uint8_t> a(k, 77);
  std::vector<int32_t> offset(n, 0), c(n);
  int64_t next = 0;
  auto start = std::chrono::steady_clock::now();
  for (auto _ : state) {
    quantc_qgemm_u8s8(1, n, k, a.data(), k, 0, panels[next].data(),
                      offset.data(), c.data(), n);
    benchmark::ClobberMemory();
    next = (next + 1) % matrices;
  }
  gemvSeconds[{n, k, matrices, state.range(3)}] =
      secondsSince(start) / double(state.iterations());
  reportBandwidth(state, double(size));
  state.SetLabel(isa);
}

/// The GEMV of BM_QGemv over 4-bit weights (nibble panels, one scale per
/// column and group of `group` k), same shapes, same activations; besides
/// its share of the bandwidth it reports `int8_time_ratio`, the time of
/// BM_QGemv on the same shape (run just before) over its own.
/// Arguments: N, K, matrices, instruction set, group.
void BM_QGemvS4(benchmark::State &state) {
  int64_t n = state.range(0), k = state.range(1), matrices = state.range(2),
          group = state.range(4);
  const char *isa = kIsas[state.range(3)];
  if (!quantc_kernels_use(isa)) {
    state.SkipWithError("instruction set not available");
    return;
  }
  size_t size = quantc_panels_s4_size(k, n);
  std::vector<std::vector<uint8_t>> panels(matrices);
  std::mt19937 rng(3);
  std::uniform_int_distribution<int> nibble(-8, 7);
  std::vector<int8_t> q(k * n);
  for (int8_t &v : q)
    v = int8_t(nibble(rng));
  for (auto &p : panels) {
    p.resize(size);
    quantc_pack_panels_s4(k, n, q.data(), n, 1, p.data());
  }
  std::vector<float> scales((k + group - 1) / group * n, 0.01f);
  std::vector<float> colSum(n, 0.5f), c(n);
  std::vector<uint8_t> a(k, 77);
  float aScale = 0.02f;
  int32_t aZero = 120;
  int64_t next = 0;
  auto start = std::chrono::steady_clock::now();
  for (auto _ : state) {
    quantc_qgemm_u8s4_f32(1, n, k, group, a.data(), k, &aScale, &aZero, 0,
                          panels[next].data(), scales.data(), colSum.data(),
                          nullptr, c.data(), n);
    benchmark::ClobberMemory();
    next = (next + 1) % matrices;
  }
  double seconds = secondsSince(start) / double(state.iterations());
  // Nibbles and scales: all the weight bytes the GEMV reads.
  reportBandwidth(state, double(size + scales.size() * sizeof(float)));
  auto int8 = gemvSeconds.find({n, k, matrices, state.range(3)});
  if (int8 != gemvSeconds.end())
    state.counters["int8_time_ratio"] = int8->second / seconds;
  state.SetLabel(isa);
}

/// A quantized convolution: C, HxW, M, kernel, stride, pad, isa.
void BM_QConv(benchmark::State &state) {
  int64_t c = state.range(0), h = state.range(1), w = state.range(2),
          m = state.range(3), kernel = state.range(4), stride = state.range(5),
          pad = state.range(6);
  const char *isa = kIsas[state.range(7)];
  if (!quantc_kernels_use(isa)) {
    state.SkipWithError("instruction set not available");
    return;
  }
  quantc_conv_shape shape = {};
  shape.channels = c;
  shape.height = h;
  shape.width = w;
  shape.filters = m;
  shape.kernel_h = shape.kernel_w = kernel;
  shape.stride_h = shape.stride_w = stride;
  shape.dilation_h = shape.dilation_w = 1;
  shape.pad_top = shape.pad_left = pad;
  shape.out_h = (h + 2 * pad - kernel) / stride + 1;
  shape.out_w = (w + 2 * pad - kernel) / stride + 1;
  shape.pad_value = 3;
  int64_t k = c * kernel * kernel;
  std::vector<int8_t> weights = randomWeights(m * k, 3);
  std::vector<int8_t> rows(quantc_rows_size(m, k));
  quantc_pack_rows_s8(m, k, weights.data(), k, 1, rows.data());
  std::vector<uint8_t> x(c * h * w, 9);
  std::vector<int32_t> offset(m, 0), y(m * shape.out_h * shape.out_w);
  for (auto _ : state) {
    quantc_qconv_s8u8(&shape, rows.data(), offset.data(), x.data(), h * w,
                      y.data());
    benchmark::ClobberMemory();
  }
  remeasurePeak();
  double ops = 2.0 * double(m) * double(k) * double(shape.out_h * shape.out_w);
  state.counters["ops"] =
      benchmark::Counter(ops, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["of_peak"] = benchmark::Counter(
      ops / vpdpbusdPeak, benchmark::Counter::kIsIterationInvariantRate);
  state.SetLabel(isa);
}

/// A quantized depthwise convolution: C, HxW, kernel, stride, isa.
void BM_QDepthwise(benchmark::State &state) {
  int64_t c = state.range(0), h = state.range(1), w = state.range(2),
          kernel = state.range(3), stride = state.range(4);
  const char *isa = kIsas[state.range(5)];
  if (!quantc_kernels_use(isa)) {
    state.SkipWithError("instruction set not available");
    return;
  }
  quantc_conv_shape shape = {};
  shape.channels = shape.filters = c;
  shape.height = h;
  shape.width = w;
  shape.kernel_h = shape.kernel_w = kernel;
  shape.stride_h = shape.stride_w = stride;
  shape.dilation_h = shape.dilation_w = 1;
  shape.pad_top = shape.pad_left = kernel / 2;
  shape.out_h = (h + 2 * (kernel / 2) - kernel) / stride + 1;
  shape.out_w = (w + 2 * (kernel / 2) - kernel) / stride + 1;
  shape.pad_value = 3;
  std::vector<int8_t> weights = randomWeights(c * kernel * kernel, 5);
  std::vector<int8_t> rows(quantc_depthwise_size(c, kernel, kernel));
  quantc_pack_depthwise_s8(c, kernel, kernel, weights.data(), rows.data());
  std::vector<uint8_t> x(c * h * w, 9);
  std::vector<int32_t> offset(c, 0), y(c * shape.out_h * shape.out_w);
  for (auto _ : state) {
    quantc_qdepthwise_s8u8(&shape, rows.data(), offset.data(), x.data(), h * w,
                           y.data());
    benchmark::ClobberMemory();
  }
  remeasurePeak();
  double ops = 2.0 * double(c) * double(kernel * kernel) *
               double(shape.out_h * shape.out_w);
  state.counters["ops"] =
      benchmark::Counter(ops, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["of_peak"] = benchmark::Counter(
      ops / vpdpbusdPeak, benchmark::Counter::kIsIterationInvariantRate);
  state.SetLabel(isa);
}

BENCHMARK(BM_QGemm)
    ->Args({1024, 1024, 1024, 3})
    ->Args({40, 6625, 120, 3})
    ->Args({256, 256, 256, 3})
    ->Args({1024, 1024, 1024, 1})
    ->Args({40, 6625, 120, 1})
    ->Args({256, 256, 256, 1})
    ->Args({1024, 1024, 1024, 2})
    ->Args({256, 256, 256, 2})
    ->Args({256, 256, 256, 0})
    ->Unit(benchmark::kMillisecond);
// 8192 x 8192 int8 weights are 64 MiB; four of them, 256 MiB. One matrix
// alone is what bench/int8_gemm_ort.py sets against onnxruntime.
BENCHMARK(BM_QGemv)
    ->Args({8192, 8192, 4, 1})
    ->Args({8192, 8192, 1, 1})
    ->Args({8192, 8192, 4, 0})
    ->Unit(benchmark::kMillisecond);
// The same shapes in 4 bits (four matrices: 128 MiB of nibbles), groups of
// 128 and 32 k.
BENCHMARK(BM_QGemvS4)
    ->Args({8192, 8192, 4, 1, 128})
    ->Args({8192, 8192, 4, 1, 32})
    ->Args({8192, 8192, 4, 1, 8192})
    ->Args({8192, 8192, 1, 1, 128})
    ->Args({8192, 8192, 4, 0, 128})
    ->Unit(benchmark::kMillisecond);
// PP-OCR rec's pointwise layers (240 to 240 over 12x400, 480 to 480 over
// 3x400) and its first 3x3 convolution (3 to 16, stride 2, 48x1600).
BENCHMARK(BM_QConv)
    ->Args({240, 12, 400, 240, 1, 1, 0, 1})
    ->Args({480, 3, 400, 480, 1, 1, 0, 1})
    ->Args({3, 48, 1600, 16, 3, 2, 1, 1})
    ->Args({64, 24, 160, 64, 3, 1, 1, 1})
    ->Args({240, 12, 400, 240, 1, 1, 0, 2})
    ->Args({64, 24, 160, 64, 3, 1, 1, 2})
    ->Unit(benchmark::kMillisecond);
// PP-OCR rec's depthwise layers (5x5 over 240 channels of 12x400, 3x3
// stride 2 over 64 of 24x800) on AVX-512 VNNI, AVX2 and portable C.
BENCHMARK(BM_QDepthwise)
    ->Args({240, 12, 400, 5, 1, 1})
    ->Args({64, 24, 800, 3, 2, 1})
    ->Args({240, 12, 400, 5, 1, 2})
    ->Args({64, 24, 800, 3, 2, 2})
    ->Args({240, 12, 400, 5, 1, 0})
    ->Args({64, 24, 800, 3, 2, 0})
    ->Unit(benchmark::kMillisecond);

} // namespace

int main(int argc, char **argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv))
    return 1;
  if (!__builtin_cpu_supports("avx512vnni")) {
    std::fprintf(stderr, "this benchmark measures AVX-512 VNNI; the CPU "
                         "lacks it\n");
    return 1;
  }
  // One core's kernels against one core's limits.
  quantc_set_threads(1);
  vpdpbusdPeak = measureVpdpbusdPeak();
  readBandwidth = measureReadBandwidth();
  std::printf("vpdpbusd peak of one core: %.1f GOPS (int8 operations)\n",
              vpdpbusdPeak / 1e9);
  std::printf("read bandwidth of one core: %.1f GB/s\n", readBandwidth / 1e9);
  std::fflush(stdout);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
