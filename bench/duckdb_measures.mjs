// duckdb_measures.mjs — the measures computed by DuckDB straight from a
// simulated tree's CSV files: an in-memory database, sql/duckdb_prepare.sql
// (load, prepare) then sql/measures.sql, each step timed. Prints one line a
// step, "duckdb STEP SECONDS PEAK_MB" (peak: the process's resident high-water
// mark so far), and writes OUT/duckdb-MEASURE.csv
// (period,area_code,group,numerator,denominator) for each measure.
// Usage: node bench/duckdb_measures.mjs DIR OUT
import { readFileSync } from 'node:fs';
import { resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';

const [dir, out] = process.argv.slice(2).map((p) => p && resolve(p));
if (!dir || !out) {
  console.error('usage: node duckdb_measures.mjs DIR OUT');
  process.exit(2);
}
const here = dirname(fileURLToPath(import.meta.url));
const measures = ['in_treatment', 'successful_completion', 'continuity_of_care'];

// The steps of an SQL file: "-- step: NAME" starts one; statements end with ;
// at the end of a line.
function steps(file) {
  const text = readFileSync(resolve(here, 'sql', file), 'utf8').replaceAll('{{DIR}}', dir);
  const found = [];
  for (const part of text.split(/^-- step: /m).slice(1)) {
    const nl = part.indexOf('\n');
    const sql = part.slice(nl + 1).split(/;[ \t]*\n/)
      .map((s) => s.replace(/^\s*--.*$/gm, '').trim()).filter((s) => s);
    found.push({ name: part.slice(0, nl).trim(), sql });
  }
  return found;
}

function peakMB() {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

const db = await DuckDBInstance.create(':memory:');
const con = await db.connect();
const { rows } = await (async () => {
  const r = await con.runAndReadAll('SELECT version(), current_setting(\'threads\')');
  return { rows: r.getRows() };
})();
console.error(`DuckDB ${rows[0][0]}, ${rows[0][1]} threads`);

const timed = async (name, fn) => {
  const t = process.hrtime.bigint();
  await fn();
  const s = Number(process.hrtime.bigint() - t) / 1e9;
  console.log(`duckdb ${name} ${s.toFixed(2)} ${peakMB().toFixed(0)}`);
  return s;
};

let total = 0;
for (const step of [...steps('duckdb_prepare.sql'), ...steps('measures.sql')]) {
  total += await timed(step.name, async () => {
    for (const sql of step.sql) await con.run(sql);
  });
}
total += await timed('export', async () => {
  for (const m of measures) {
    const file = resolve(out, `duckdb-${m}.csv`).replaceAll("'", "''");
    await con.run(`COPY (SELECT period, area_code, grp AS "group", numerator, denominator
                         FROM m_${m} ORDER BY period, area_code, grp)
                   TO '${file}' (HEADER, DELIMITER ',')`);
  }
});
console.log(`duckdb total ${total.toFixed(2)} ${peakMB().toFixed(0)}`);
