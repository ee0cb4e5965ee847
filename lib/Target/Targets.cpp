//===- Targets.cpp - The named targets of quantc compile
//-------------------===//
//
// The table behind --target: what each name means to LLVM, to the
// lowering and to the linker.
//
//===----------------------------------------------------------------------===//

#include "quantc/Target/Targets.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"

using namespace quantc;
using llvm::StringRef;

namespace {
struct TableEntry {
  StringRef name;
  /// The architecture; empty for the host's.
  StringRef arch;
  StringRef cpu, features;
  int64_t vectorBits;
};
} // namespace

/// The targets but `native`, whose CPU and features are the host's.
static const TableEntry kTargets[] = {
    // The baseline of the host's architecture: SSE2 on x86-64, NEON on
    // AArch64.
    {"generic", "", "", "", 128},
    {"x86-64-v3", "x86_64", "x86-64-v3", "", 256},
    {"x86-64-v4", "x86_64", "x86-64-v4", "", 512},
    {"x86-64-v4+vnni", "x86_64", "x86-64-v4", "+avx512vnni", 512},
    {"aarch64+dotprod", "aarch64", "generic", "+neon,+dotprod", 128},
    {"aarch64+i8mm", "aarch64", "generic", "+neon,+dotprod,+i8mm", 128},
};

llvm::ArrayRef<StringRef> quantc::getTargetNames() {
  static const StringRef names[] = {
      "native",    "multi",          "generic",         "x86-64-v3",
      "x86-64-v4", "x86-64-v4+vnni", "aarch64+dotprod", "aarch64+i8mm"};
  return names;
}

/// The widest vectors of the host's CPU.
static int64_t getHostVectorBits(const llvm::Triple &host) {
  if (!host.isX86())
    return 128;
  llvm::StringMap<bool> features = llvm::sys::getHostCPUFeatures();
  if (features.lookup("avx512f"))
    return 512;
  return features.lookup("avx2") || features.lookup("avx") ? 256 : 128;
}

llvm::Expected<NamedTarget> quantc::resolveTarget(StringRef name) {
  llvm::Triple host(llvm::sys::getDefaultTargetTriple());
  NamedTarget target;
  target.name = name.str();
  if (name == "native") {
    target.spec.triple = host.str();
    target.spec.cpu = "native";
    target.vectorBits = getHostVectorBits(host);
    target.arch = host.getArchName().str();
    return target;
  }
  if (name == "multi") {
    if (host.getArch() != llvm::Triple::x86_64)
      return llvm::createStringError(
          "--target multi is for x86-64 hosts (variants x86-64-v4, "
          "x86-64-v3 and generic)");
    target.spec.triple = host.str();
    target.spec.cpu = "x86-64";
    target.arch = host.getArchName().str();
    target.variants = {"x86-64-v4", "x86-64-v3", "generic"};
    target.variantConditions = {"__builtin_cpu_supports(\"x86-64-v4\")",
                                "__builtin_cpu_supports(\"x86-64-v3\")", ""};
    return target;
  }
  for (const TableEntry &entry : kTargets) {
    if (entry.name != name)
      continue;
    llvm::Triple triple = host;
    if (!entry.arch.empty() && entry.arch != host.getArchName()) {
      triple.setArchName(entry.arch);
      // The cross toolchains of Debian name their triples so.
      triple.setVendor(llvm::Triple::UnknownVendor);
    }
    target.arch = triple.getArchName().str();
    target.isHost = triple.getArch() == host.getArch();
    target.spec.triple = triple.str();
    target.spec.cpu = entry.cpu.empty()
                          ? (triple.isX86() ? "x86-64" : "generic")
                          : entry.cpu.str();
    target.spec.features = entry.features.empty() && triple.isAArch64()
                               ? "+neon"
                               : entry.features.str();
    target.vectorBits = entry.vectorBits;
    return target;
  }
  return llvm::createStringError("unknown target '%s'; the targets are %s",
                                 name.str().c_str(),
                                 llvm::join(getTargetNames(), ", ").c_str());
}

std::string quantc::getLinkerName(const NamedTarget &target) {
  return target.isHost ? "cc" : target.arch + "-linux-gnu-gcc";
}

std::string quantc::getRuntimeLibraryName(const NamedTarget &target) {
  return target.isHost ? "libquantc_runtime.a"
                       : "libquantc_runtime-" + target.arch + ".a";
}
