#===- QuantcAddTargets.cmake - Helpers for quantc libraries and tools -----===#
#
# One place for the boilerplate every quantc target shares. Libraries and
# tools link the shared libMLIR.so and libLLVM.so rather than the static
# component archives: a tool then links in seconds.
#
#===------------------------------------------------------------------------===#

# add_quantc_library(name SRCS... [DEPENDS tgt...] [LINK_LIBS lib...])
#
# A static library of quantc code. DEPENDS names TableGen targets that must run
# first; LINK_LIBS names other quantc libraries. MLIR and LLVM come from the
# shared libraries.
function(add_quantc_library name)
  cmake_parse_arguments(ARG "" "" "DEPENDS;LINK_LIBS" ${ARGN})
  add_library(${name} STATIC ${ARG_UNPARSED_ARGUMENTS})
  if(ARG_DEPENDS)
    add_dependencies(${name} ${ARG_DEPENDS})
  endif()
  target_link_libraries(${name} PUBLIC ${ARG_LINK_LIBS} MLIR LLVM)
  target_include_directories(${name} INTERFACE
    $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
  set_property(GLOBAL APPEND PROPERTY QUANTC_LIBS ${name})
  install(TARGETS ${name} EXPORT QuantcTargets
    ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
endfunction()

# add_quantc_tool(name SRCS... [LINK_LIBS lib...])
function(add_quantc_tool name)
  cmake_parse_arguments(ARG "" "" "LINK_LIBS" ${ARGN})
  add_executable(${name} ${ARG_UNPARSED_ARGUMENTS})
  target_link_libraries(${name} PRIVATE ${ARG_LINK_LIBS} MLIR LLVM)
  install(TARGETS ${name} RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endfunction()
