// What the browser tests need to know about the demo city, read from the exchange-format
// files `junheng demo --out` writes (spec/exchange-format.md): a woman who can be a mother
// today, her village, and residents outside a given division.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// RFC 4180: quoted fields may hold commas, quotes ("") and line breaks.
export function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c === '"') {
      quoted = true;
    } else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else {
      field += c;
    }
  }
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  const [header, ...body] = rows.filter((r) => r.length > 1 || r[0] !== '');
  return body.map((r) => Object.fromEntries(header.map((h, i) => [h.replace(/^\uFEFF/, ''), r[i] ?? ''])));
}

const ENTERS = new Set(['enumerate', 'birth', 'move_in', 'move']);
const LEAVES = new Set(['death', 'move_out']);

function ageOn(birth, day) {
  const [by, bm, bd] = birth.split('-').map(Number);
  const [y, m, d] = day.split('-').map(Number);
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

// today: "YYYY-MM-DD" in Beijing.
export function readDemo(dir, today) {
  const persons = parseCsv(readFileSync(join(dir, 'persons.csv'), 'utf8'));
  const events = parseCsv(readFileSync(join(dir, 'events.csv'), 'utf8'));
  events.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));

  const residence = new Map(); // person_id → village code, while resident
  const mothers = new Set();
  for (const e of events) {
    if (e.type === 'birth' && e.mother_id) mothers.add(e.mother_id);
    if (ENTERS.has(e.type)) residence.set(e.person_id, e.division);
    else if (LEAVES.has(e.type)) residence.delete(e.person_id);
  }

  // A resident woman of 25–32 with no birth in the register: her next child is her first.
  const mother = persons.find((p) => p.sex === '2' && residence.has(p.person_id) && !mothers.has(p.person_id)
    && ageOn(p.birth_date, today) >= 25 && ageOn(p.birth_date, today) <= 32);
  if (!mother) throw new Error('the demo city has no woman who could give birth today');
  const village = residence.get(mother.person_id);

  // A resident living outside a division (for the jurisdiction check).
  const PREFIX = { 1: 2, 2: 4, 3: 6, 4: 9, 5: 12 };
  function residentOutside(division) {
    const prefix = division.code.slice(0, PREFIX[division.level] || 12);
    const p = persons.find((x) => residence.has(x.person_id) && !residence.get(x.person_id).startsWith(prefix));
    return p && { person_id: p.person_id, name: p.name, village: residence.get(p.person_id) };
  }

  return { mother: { person_id: mother.person_id, name: mother.name, village }, residentOutside };
}
