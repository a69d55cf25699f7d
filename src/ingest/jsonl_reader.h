// ingest/jsonl_reader.h: JSON Lines rows (see row_reader.h for the contract).
//
// One JSON object per line; blank lines and a UTF-8 BOM are skipped. The header is the
// keys of the first object in their order; a key first seen on a later line is appended
// (header() grows). Values become text: strings as they are, numbers as their JSON text
// (1 → "1", 2.5 → "2.5"), true/false → "1"/"0", null → "".
// Error rows (Row::error set, reading goes on): invalid JSON, a line that is not an
// object, a nested object or array value, a key given twice, invalid UTF-8.
//
// A hand-written parser for flat objects: nlohmann::json builds a DOM per line, which
// measured about 4x slower on 17-key event lines (bench/ingest_bench.cpp).
#pragma once

#include <memory>
#include <string>

#include "core/error.h"
#include "ingest/row_reader.h"

namespace junheng::ingest {

Result<std::unique_ptr<RowReader>> OpenJsonlReader(const std::string& path);
Result<std::unique_ptr<RowReader>> OpenJsonlReaderFromString(std::string content,
                                                             std::string_view origin = "input");
Result<std::unique_ptr<RowReader>> OpenJsonlReader(InputText text, std::string_view origin);

}  // namespace junheng::ingest
