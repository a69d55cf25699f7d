# Writes OUTPUT, a C++ file whose OpenApiDocument() returns the text of INPUT.
file(READ ${INPUT} text)
set(delim "JH_OPENAPI_")
file(WRITE ${OUTPUT} "// Generated from http/openapi.json by embed_openapi.cmake.\n#include \"http/openapi.h\"\n"
  "namespace junheng::http {\nstd::string_view OpenApiDocument() {\n  static constexpr std::string_view kText = R\"${delim}(${text})${delim}\";\n  return kText;\n}\n}  // namespace junheng::http\n")
