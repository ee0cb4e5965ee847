//===- Targets.h - The named targets of quantc compile ----------*- C++ -*-===//
//
// `quantc compile --target NAME` picks the machine a library is built for:
// its LLVM triple, CPU and features, the vector width the lowering aims
// at, and the C compiler and runtime library that link it.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_TARGET_TARGETS_H
#define QUANTC_TARGET_TARGETS_H

#include "quantc/Target/ObjectEmission.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace quantc {

/// A target resolved from its name.
struct NamedTarget {
  std::string name;
  /// What LLVM generates code for.
  TargetSpec spec;
  /// The widest vectors the lowering uses, in bits.
  int64_t vectorBits = 128;
  /// The architecture as the triple names it: "x86_64" or "aarch64".
  std::string arch;
  /// Whether the architecture is the host's: the host's `cc` and runtime
  /// then link the library, and the host can load it.
  bool isHost = true;
  /// For `multi`: the targets whose code one library holds, most capable
  /// first, and the C condition under which each runs (empty: anywhere).
  std::vector<std::string> variants, variantConditions;
};

/// The names --target accepts, in the order the help lists them.
llvm::ArrayRef<llvm::StringRef> getTargetNames();

/// The target called `name` (one of getTargetNames()), or an error naming
/// the accepted ones.
llvm::Expected<NamedTarget> resolveTarget(llvm::StringRef name);

/// The C compiler that links a library for `target`: `cc` on the host's
/// architecture, else the Debian cross compiler (`aarch64-linux-gnu-gcc`).
std::string getLinkerName(const NamedTarget &target);

/// The file name, in the lib/ folder beside quantc's, of the runtime
/// library built for `target`'s architecture.
std::string getRuntimeLibraryName(const NamedTarget &target);

} // namespace quantc

#endif // QUANTC_TARGET_TARGETS_H
