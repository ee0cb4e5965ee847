// Times onnxruntime on one model: session options as a user would set them
// (all graph optimizations, the given intra-op thread count), inputs read
// from raw files, a warm-up run, then RUNS timed runs.
// Prints one JSON line: {"median_ms": ..., "min_ms": ...}.
// Usage: node ort_bench.js ORT_DIR MODEL THREADS RUNS NAME:DTYPE:D0,D1,...:IN.raw...
// One NAME:DTYPE:DIMS:FILE per input; DTYPE is float32, uint8, int32 or
// int64; a dimension may be 0 (an empty tensor, with an empty file).
const [ortDir, model, threads, runs, ...specs] = process.argv.slice(2);
const path = require('path');
const fs = require('fs');
const ort = require(path.resolve(ortDir, 'node_modules', 'onnxruntime-node'));
const arrays = {
  float32: Float32Array, uint8: Uint8Array, int32: Int32Array,
  int64: BigInt64Array,
};
(async () => {
  const feeds = {};
  for (const spec of specs) {
    // The name may hold ':'; the last three fields do not.
    const fields = spec.split(':');
    const file = fields.pop();
    const dims = fields.pop();
    const dtype = fields.pop();
    const name = fields.join(':');
    const Array = arrays[dtype];
    if (!Array) throw new Error(`unknown dtype ${dtype} of input ${name}`);
    const shape = dims === '' ? [] : dims.split(',').map(Number);
    const bytes = fs.readFileSync(file);
    const copy = new Uint8Array(bytes.length);
    copy.set(bytes);  // aligned for the typed array
    feeds[name] = new ort.Tensor(
        dtype, new Array(copy.buffer, 0, bytes.length / Array.BYTES_PER_ELEMENT),
        shape);
  }
  const session = await ort.InferenceSession.create(model, {
    intraOpNumThreads: Number(threads),
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
  await session.run(feeds);
  const times = [];
  for (let i = 0; i < Number(runs); ++i) {
    const start = process.hrtime.bigint();
    await session.run(feeds);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  console.log(JSON.stringify({median_ms: times[Math.floor(times.length / 2)],
                              min_ms: times[0]}));
})().catch((e) => { console.error(e.message); process.exit(1); });
