// Runs an ONNX model with onnxruntime (one thread, no graph optimizations)
// on one float32 input and writes its first output as raw float32.
// Usage: node ort_run.js ORT_DIR MODEL INPUT_NAME D0,D1,... IN.f32 OUT.f32
const [ortDir, model, name, dims, inFile, outFile] = process.argv.slice(2);
const path = require('path');
const ort = require(path.resolve(ortDir, 'node_modules', 'onnxruntime-node'));
const fs = require('fs');
(async () => {
  const shape = dims.split(',').map(Number);
  const bytes = fs.readFileSync(inFile);
  const data = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
  const session = await ort.InferenceSession.create(
      model, {intraOpNumThreads: 1, graphOptimizationLevel: 'disabled'});
  const outputs = await session.run({[name]: new ort.Tensor('float32', data, shape)});
  const first = outputs[session.outputNames[0]];
  fs.writeFileSync(outFile, Buffer.from(first.data.buffer, first.data.byteOffset,
                                        first.data.byteLength));
  console.log(`${session.outputNames[0]}: ${first.dims.join('x')}`);
})().catch((e) => { console.error(e.message); process.exit(1); });
