// The departments that feed the register (exchange-format.md), in the order offered.
export const SOURCES = [
  'public_security', 'civil_affairs', 'health', 'education',
  'medical_insurance', 'social_security', 'manual', 'census',
];

// The Content-Type of an uploaded file, from its name.
export function contentTypeFor(filename) {
  const lower = filename.toLowerCase();
  if (lower.endsWith('.jsonl') || lower.endsWith('.ndjson') || lower.endsWith('.json')) {
    return 'application/x-ndjson';
  }
  return 'text/csv';
}
