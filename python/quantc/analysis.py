"""Calibration, sensitivity analysis, precision plans and the quantization
report from Python: `quantc calibrate`, `quantc analyze`, `quantc plan` and
`quantc report` (docs/mixed-precision.md), plus metrics of the user's own.

    result = quantc.analyze("model.onnx", calibration=samples, min_sqnr=30)
    result.layers[0]["alone"]["int8"]["sqnr_db"]
    library = quantc.compile("model.onnx", "static", calibration=samples,
                             precision_plan=result.plan_path)

A metric is a function `metric(outputs, reference)` of two lists, one
entry per sample, each a dict of output arrays by name (the configuration's
and float's), that returns a score, higher being better (accuracy,
agreement, minus a loss). With `metric`, `analyze` scores every
configuration it measures, and `max_metric_drop` asks for the smallest plan
whose score stays within that drop of float's. Each layer's drop alone is
taken as additive, as the noise powers are for an SQNR budget; the plan is
then scored, and searched again with a tighter budget while it falls short.
"""

import json
import math
import os
import shutil
import subprocess
import tempfile
import weakref

import numpy as np

from quantc.compiler import QUANTIZE_MODES, _input_names, _write_calibration, find_quantc
from quantc.model import CompiledModel, QuantcError
from quantc.onnx_data import read_test_data_set, read_tensor

PRECISIONS = ("fp32", "int8", "int4")


def _run(command):
    result = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if result.returncode != 0:
        raise QuantcError(result.stderr.strip()
                          or f"{os.path.basename(command[0])} {command[1]} exited with "
                             f"{result.returncode}")
    return result.stdout


def _samples_folder(model, samples, folder):
    """A folder in calibration-set layout: `samples` itself if it is a
    path, else the samples (dicts or sequences of arrays) written into
    `folder`."""
    if samples is None:
        return None
    if isinstance(samples, (str, os.PathLike)):
        return os.fspath(samples)
    os.makedirs(folder)
    if _write_calibration(samples, _input_names(model), folder) == 0:
        raise QuantcError("the sample set is empty")
    return folder


def _read_samples(folder, names):
    """The samples of a calibration-set folder as dicts of arrays."""
    samples = []
    for entry in sorted(os.listdir(folder)):
        path = os.path.join(folder, entry)
        if os.path.isdir(path):
            samples.append(dict(zip(names, read_test_data_set(path)[0])))
        elif entry.endswith((".npy", ".pb")) and len(names) == 1:
            samples.append({names[0]: read_tensor(path)})
    return samples


def calibrate(model, data, output=None, input_shapes=None):
    """`quantc calibrate`: runs `model` (a path) over `data` (a folder or an
    iterable of samples) and returns the statistics (the JSON file's
    content); writes the file to `output` too when given."""
    with tempfile.TemporaryDirectory(prefix="quantc-") as work:
        folder = _samples_folder(model, data, os.path.join(work, "data"))
        path = output or os.path.join(work, "stats.json")
        command = [find_quantc(), "calibrate", os.fspath(model), "--data", folder, "-o", path]
        for name, shape in (input_shapes or {}).items():
            command += ["--input-shape", f"{name}=" + ",".join(str(d) for d in shape)]
        _run(command)
        with open(path) as f:
            return json.load(f)


class Analysis:
    """What `analyze` measured: `layers` (per layer: node, op, weights,
    weight_bytes, alone[precision] and all_but_this, each with sqnr_db,
    noise_power, cosine and max_error), `uniform`, `signal_power`; `plan`
    and `plan_path` when a budget was given; `metric` with a metric:
    {"float": score, "uniform": {precision: score}, "layers": {node:
    {"alone": {precision: score}, "all_but_this": score}}}."""

    def __init__(self, data, path, plan=None, plan_path=None, metric=None):
        self.data = data
        self.path = path
        self.plan = plan
        self.plan_path = plan_path
        self.metric = metric

    @property
    def layers(self):
        return self.data["layers"]

    @property
    def uniform(self):
        return self.data["uniform"]

    @property
    def signal_power(self):
        return self.data["signal_power"]

    def most_sensitive(self, precision="int8", count=5):
        """The `count` layers with the lowest SQNR alone at `precision`."""
        def sqnr(layer):
            value = layer["alone"][precision]["sqnr_db"]
            return math.inf if value is None else value
        return sorted(self.layers, key=sqnr)[:count]


class _Switched:
    """The switched library of `quantc analyze --save-library`: runs the
    samples with any precision per layer."""

    def __init__(self, path, samples, precisions):
        self.model = CompiledModel(path)
        self.samples = samples
        self.precisions = list(precisions)
        self.count = self.model.inputs[-1].shape[0]

    def run(self, setting):
        select = np.asarray(setting, np.int32)
        return [self.model.run({**sample, "qnn_precision": select}) for sample in self.samples]

    def setting(self, precisions):
        return [0 if p == "fp32" else 1 + self.precisions.index(p) for p in precisions]

    def close(self):
        self.model.close()


def _score_all(switched, analysis, metric):
    n = switched.count
    reference = switched.run([0] * n)
    scores = {"float": float(metric(reference, reference)), "uniform": {}, "layers": {}}
    for k, precision in enumerate(switched.precisions, 1):
        scores["uniform"][precision] = float(metric(switched.run([k] * n), reference))
    for i, layer in enumerate(analysis["layers"]):
        entry = {"alone": {}}
        for k, precision in enumerate(switched.precisions, 1):
            setting = [0] * n
            setting[i] = k
            entry["alone"][precision] = float(metric(switched.run(setting), reference))
        setting = [1] * n
        setting[i] = 0
        entry["all_but_this"] = float(metric(switched.run(setting), reference))
        scores["layers"][layer["node"]] = entry
    return scores, reference


def _plan_for_drop(quantc_bin, analysis, scores, switched, reference, metric, max_drop,
                   objective, plan_precisions, work):
    """The smallest plan whose metric stays within `max_drop` of float's."""
    drops = json.loads(json.dumps(analysis))
    drops["signal_power"] = 1.0
    for layer in drops["layers"]:
        for precision, score in scores["layers"][layer["node"]]["alone"].items():
            # A drop of zero (or a gain) still counts a hair, so that an
            # unneeded lower precision is not free.
            layer["alone"][precision]["noise_power"] = max(scores["float"] - score, 1e-12)
    drops_path = os.path.join(work, "drops.json")
    plan_path = os.path.join(work, "plan.json")
    budget = max_drop
    for _ in range(5):
        with open(drops_path, "w") as f:
            json.dump(drops, f)
        command = [quantc_bin, "plan", drops_path, "--min-sqnr",
                   repr(-10 * math.log10(max(budget, 1e-300))), "--objective", objective,
                   "--plan-output", plan_path]
        if plan_precisions:
            command += ["--plan-precisions", ",".join(plan_precisions)]
        try:
            _run(command)
        except QuantcError as error:
            raise QuantcError(f"no plan keeps the metric within {max_drop} of float's: "
                              + str(error).replace("output SQNR", "drop budget")) from None
        with open(plan_path) as f:
            plan = json.load(f)
        precisions = [layer["precision"] for layer in plan["layers"]]
        score = float(metric(switched.run(switched.setting(precisions)), reference))
        drop = scores["float"] - score
        if drop <= max_drop:
            break
        budget *= max_drop / drop * 0.9
    predicted = sum(scores["float"] - scores["layers"][layer["node"]]["alone"][p]
                    for layer, p in zip(plan["layers"], precisions) if p != "fp32")
    for key in ("min_sqnr_db", "predicted_sqnr_db"):
        plan.pop(key, None)
    for layer in plan["layers"]:
        layer.pop("sqnr_alone_db", None)
    plan.update({"max_metric_drop": max_drop, "predicted_metric_drop": predicted,
                 "measured_metric_drop": drop, "metric_float": scores["float"]})
    with open(plan_path, "w") as f:
        json.dump(plan, f, indent=2)
    if drop > max_drop:
        raise QuantcError(f"the plan drops the metric by {drop:.6g}, more than {max_drop}, "
                          f"after 5 searches")
    return plan, plan_path


def analyze(model, calibration=None, data=None, quantize="static", precisions=("int8", "int4"),
            min_sqnr=None, objective="size", plan_precisions=None, group_size=0,
            max_samples=0, input_shapes=None, metric=None, max_metric_drop=None,
            output_dir=None, extra_options=()):
    """`quantc analyze`: each Conv, MatMul and Gemm of `model` (a path)
    quantized alone, all but one, and every one, at each of `precisions`,
    measured over `data` (a folder or an iterable of samples; default the
    calibration set). `calibration` is what `quantc compile --calibration`
    takes, or an iterable of samples. With `min_sqnr` (dB) or, with a
    `metric`, `max_metric_drop`, also searches for a plan. Files (the
    analysis, the plan) go to `output_dir`, a temporary folder if None,
    which then lives as long as the returned Analysis."""
    if quantize not in QUANTIZE_MODES or quantize == "none":
        raise QuantcError(f"quantize must be one of {', '.join(QUANTIZE_MODES[1:])}, "
                          f"not {quantize!r}")
    if max_metric_drop is not None and metric is None:
        raise QuantcError("max_metric_drop needs a metric")
    if max_metric_drop is not None and min_sqnr is not None:
        raise QuantcError("give min_sqnr or max_metric_drop, not both")
    quantc_bin = find_quantc()
    temporary = output_dir is None
    if temporary:
        output_dir = tempfile.mkdtemp(prefix="quantc-analysis-")
    os.makedirs(output_dir, exist_ok=True)
    model = os.fspath(model)
    work = tempfile.mkdtemp(prefix="work-", dir=output_dir)
    try:
        cal = _samples_folder(model, calibration, os.path.join(work, "calibration"))
        measured = _samples_folder(model, data, os.path.join(work, "data")) or cal
        if measured is None:
            raise QuantcError("analyze needs samples: data, or a calibration set")
        if cal is not None and os.path.isfile(cal) and data is None:
            raise QuantcError("with a statistics file as calibration, give the samples "
                              "to measure on as data")
        path = os.path.join(output_dir, "analysis.json")
        command = [quantc_bin, "analyze", model, "--quantize", quantize, "-o", path,
                   "--data", measured, "--precisions", ",".join(precisions)]
        if cal is not None:
            command += ["--calibration", cal]
        if group_size:
            command += ["--group-size", str(group_size)]
        if max_samples:
            command += ["--max-samples", str(max_samples)]
        for name, shape in (input_shapes or {}).items():
            command += ["--input-shape", f"{name}=" + ",".join(str(d) for d in shape)]
        plan_path = None
        if min_sqnr is not None:
            plan_path = os.path.join(output_dir, "plan.json")
            command += ["--min-sqnr", repr(float(min_sqnr)), "--plan-output", plan_path,
                        "--objective", objective]
            if plan_precisions:
                command += ["--plan-precisions", ",".join(plan_precisions)]
        if metric is not None:
            command += ["--save-library", work]
        command += list(extra_options)
        _run(command)
        with open(path) as f:
            data_json = json.load(f)
        plan = None
        if plan_path:
            with open(plan_path) as f:
                plan = json.load(f)
        scores = None
        if metric is not None:
            names = _input_names(model)
            limit = max_samples or None
            switched = _Switched(os.path.join(work, "libanalysis.so"),
                                 _read_samples(measured, names)[:limit], precisions)
            try:
                scores, reference = _score_all(switched, data_json, metric)
                if max_metric_drop is not None:
                    plan, plan_path = _plan_for_drop(
                        quantc_bin, data_json, scores, switched, reference, metric,
                        max_metric_drop, objective, plan_precisions, output_dir)
            finally:
                switched.close()
        result = Analysis(data_json, path, plan, plan_path, scores)
        if temporary:
            weakref.finalize(result, shutil.rmtree, output_dir, True)
        return result
    except BaseException:
        if temporary:
            shutil.rmtree(output_dir, ignore_errors=True)
        raise
    finally:
        shutil.rmtree(work, ignore_errors=True)


def plan(analysis, min_sqnr, objective="size", plan_precisions=None, output=None):
    """`quantc plan`: the smallest (or fastest) plan whose predicted SQNR is
    at least `min_sqnr`, from an Analysis or an analysis file, as a dict;
    written to `output` too when given."""
    path = analysis.path if isinstance(analysis, Analysis) else os.fspath(analysis)
    command = [find_quantc(), "plan", path, "--min-sqnr", repr(float(min_sqnr)),
               "--objective", objective]
    if plan_precisions:
        command += ["--plan-precisions", ",".join(plan_precisions)]
    if output:
        _run(command + ["--plan-output", os.fspath(output)])
        with open(output) as f:
            return json.load(f)
    return json.loads(_run(command))


def report(model, analysis, calibration, output, precision_plan=None, data=None,
           quantize=None, extra_options=()):
    """`quantc report`: writes the HTML report of `model` quantized with
    `precision_plan` (a path, default none: uniform) to `output`, from an
    Analysis (or an analysis file) and the calibration set or statistics
    file; times the compiled model on `data`'s first sample when given.
    Returns the terminal summary."""
    path = analysis.path if isinstance(analysis, Analysis) else os.fspath(analysis)
    with tempfile.TemporaryDirectory(prefix="quantc-") as work:
        cal = _samples_folder(model, calibration, os.path.join(work, "calibration"))
        measured = _samples_folder(model, data, os.path.join(work, "data"))
        command = [find_quantc(), "report", os.fspath(model), "--analysis", path,
                   "--calibration", cal, "-o", os.fspath(output)]
        if precision_plan is not None:
            command += ["--precision-plan", os.fspath(precision_plan)]
        if measured is not None:
            command += ["--data", measured]
        if quantize is not None:
            command += ["--quantize", quantize]
        return _run(command + list(extra_options))
