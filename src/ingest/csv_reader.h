// ingest/csv_reader.h: RFC 4180 CSV rows (see row_reader.h for the contract).
//
// The first record is the header: its cells are trimmed of blanks, and two columns of
// the same name make opening fail. Later records are split on commas; a quoted cell
// may hold commas, doubled quotes and line breaks (LF or CRLF). CRLF and LF line ends,
// a missing final newline and a UTF-8 BOM are accepted; blank lines are skipped.
// Error rows (Row::error set, reading goes on): a different number of cells than the
// header, a quote inside an unquoted cell, text after a closing quote, a quote left
// open at the end of the file, invalid UTF-8.
//
// The file is memory-mapped and parsed in place; Next() allocates nothing once the
// Row's strings have grown to the longest cell.
#pragma once

#include <memory>
#include <string>

#include "core/error.h"
#include "ingest/row_reader.h"

namespace junheng::ingest {

Result<std::unique_ptr<RowReader>> OpenCsvReader(const std::string& path);
// `origin` names the input in messages (a file name, "upload").
Result<std::unique_ptr<RowReader>> OpenCsvReaderFromString(std::string content,
                                                           std::string_view origin = "input");
Result<std::unique_ptr<RowReader>> OpenCsvReader(InputText text, std::string_view origin);

}  // namespace junheng::ingest
