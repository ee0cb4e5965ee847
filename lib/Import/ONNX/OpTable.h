//===- OpTable.h - The ONNX ops the importer supports -----------*- C++ -*-===//
//
// One table, keyed by op type and opset version, says which ONNX ops the
// importer converts: for each version in which an op changed, its input
// count, its attributes with their defaults, and the function that converts
// it. A node is converted by the entry with the highest version not above
// the model's opset.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_LIB_IMPORT_ONNX_OPTABLE_H
#define QUANTC_LIB_IMPORT_ONNX_OPTABLE_H

#include "mlir/Support/LLVM.h"
#include "llvm/ADT/StringRef.h"

#include <climits>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace quantc::onnx_import {

class NodeContext;

using AttrValue = std::variant<int64_t, float, std::string,
                               std::vector<int64_t>, std::vector<float>>;

enum class AttrKind { Int, Float, String, Ints, Floats, Tensor };

/// An attribute an op accepts, with its default when it has one.
struct AttrSpec {
  std::string name;
  AttrKind kind;
  std::optional<AttrValue> defaultValue;
  bool required = false;
};

using ConvertFn = mlir::LogicalResult (*)(NodeContext &);

/// One version of one op.
struct OpSchema {
  std::string opType;
  /// The first opset in which this definition holds.
  int64_t sinceVersion;
  unsigned minInputs;
  unsigned maxInputs;
  std::vector<AttrSpec> attributes;
  ConvertFn convert;

  const AttrSpec *findAttribute(llvm::StringRef name) const;
};

constexpr unsigned kVariadic = UINT_MAX;

/// The definition of `opType` in the default ONNX domain in force at
/// `opset`, or null if the importer has none.
const OpSchema *lookupSchema(llvm::StringRef opType, int64_t opset);

/// The first opset in which the importer converts `opType`, if any.
std::optional<int64_t> getFirstSupportedVersion(llvm::StringRef opType);

} // namespace quantc::onnx_import

#endif // QUANTC_LIB_IMPORT_ONNX_OPTABLE_H
