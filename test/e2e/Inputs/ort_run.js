// Runs an ONNX model with onnxruntime (one thread, no graph optimizations
// unless ORT_OPTIMIZATION names a level: 'basic', 'extended' or 'all') on
// float32 inputs and writes its first output as raw float32, for one or
// more input/output file pairs in one session.
// Usage: node ort_run.js ORT_DIR MODEL INPUT_NAME D0,D1,... IN.f32 OUT.f32 [IN.f32 OUT.f32]...
const [ortDir, model, name, dims, ...files] = process.argv.slice(2);
const path = require('path');
const ort = require(path.resolve(ortDir, 'node_modules', 'onnxruntime-node'));
const fs = require('fs');
(async () => {
  const shape = dims.split(',').map(Number);
  const session = await ort.InferenceSession.create(
      model, {intraOpNumThreads: 1,
              graphOptimizationLevel: process.env.ORT_OPTIMIZATION || 'disabled'});
  for (let i = 0; i + 1 < files.length; i += 2) {
    const bytes = fs.readFileSync(files[i]);
    const data = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
    const outputs = await session.run({[name]: new ort.Tensor('float32', data, shape)});
    const first = outputs[session.outputNames[0]];
    fs.writeFileSync(files[i + 1], Buffer.from(first.data.buffer, first.data.byteOffset,
                                               first.data.byteLength));
    console.log(`${session.outputNames[0]}: ${first.dims.join('x')}`);
  }
})().catch((e) => { console.error(e.message); process.exit(1); });
