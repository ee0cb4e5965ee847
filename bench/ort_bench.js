// Times onnxruntime on one model: session options as a user would set them
// (all graph optimizations, the given intra-op thread count), one float32
// input read from a raw file, a warm-up run, then RUNS timed runs.
// Prints one JSON line: {"median_ms": ..., "min_ms": ...}.
// Usage: node ort_bench.js ORT_DIR MODEL INPUT_NAME D0,D1,... IN.raw THREADS RUNS [DTYPE]
// DTYPE is float32 (the default) or uint8, the input's element type.
const [ortDir, model, name, dims, inFile, threads, runs, dtype = 'float32'] =
    process.argv.slice(2);
const path = require('path');
const fs = require('fs');
const ort = require(path.resolve(ortDir, 'node_modules', 'onnxruntime-node'));
(async () => {
  const shape = dims.split(',').map(Number);
  const bytes = fs.readFileSync(inFile);
  const data = dtype === 'uint8'
      ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length)
      : new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
  const session = await ort.InferenceSession.create(model, {
    intraOpNumThreads: Number(threads),
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
  const feeds = {[name]: new ort.Tensor(dtype, data, shape)};
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
