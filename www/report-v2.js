// Reads version 2 of gkecheck's JSON report (`gkecheck check --format json --report-version 2`,
// the compact one) back into version 1, the report the page and the <gke-check> element give,
// value for value: for a dashboard or a documentation page that shows what a CI run found.
// The format is in the README ("The JSON report, version 2"); the command line's own reader
// is `expand` in src/report/v2.rs, and a test holds this one to the command line's version 1.

const FIELDS = ['address', 'name', 'cluster', 'project', 'location'];

function fail(message) {
  throw new Error(`not a gkecheck report of version 2: ${message}`);
}

function at(list, index, what) {
  if (!Number.isInteger(index) || index < 0 || index >= list.length) fail(`${what} is not an index of one of the ${list.length}`);
  return list[index];
}

/** A template with `{field}` filled from the resource and `{{` read as `{`. */
function fill(template, resource, where) {
  return template.replace(/\{\{|\{([^}]*)\}|\{/g, (whole, field) => {
    if (whole === '{{') return '{';
    if (whole === '{') fail(`${where}: a text has { without }`);
    if (!FIELDS.includes(field) || typeof resource[field] !== 'string') fail(`${where}: a text names {${field}}, which its resource does not have`);
    return resource[field];
  });
}

function place(files, location, where) {
  if (!Array.isArray(location) || location.length !== 7 || !location.every(Number.isInteger)) fail(`${where}: a location is seven numbers`);
  const [file, line, column, endLine, endColumn, offset, endOffset] = location;
  return { input: at(files, file, `${where}: its file`), line, column, endLine, endColumn, offset, endOffset };
}

/**
 * Version 1 of a version 2 report (as JSON.parse gives it). Throws an Error that says which
 * part is not what version 2 has.
 * @param {import('./gkecheck').ReportV2} report
 * @returns {import('./gkecheck').Report}
 */
export function expandReport(report) {
  if (report?.version !== 2) fail('"version" is not 2');
  for (const list of ['files', 'texts', 'resources', 'remediations', 'results', 'passing']) {
    if (!Array.isArray(report[list])) fail(`"${list}" is not a list`);
  }
  const { files, texts, resources, remediations, rules } = report;
  if (typeof rules !== 'object' || rules === null) fail('"rules" is not an object');
  const passing = report.passing.map((p, n) => {
    if (!Array.isArray(p) || p.length !== 4) fail(`passing result ${n + 1}: expected [rule, resource, message, location]`);
    return { rule: p[0], status: 'pass', resource: p[1], message: p[2], location: p[3] };
  });
  const results = [...report.results, ...passing].map((r, n) => {
    const where = `result ${n + 1}`;
    const rule = Object.hasOwn(rules, r.rule) ? rules[r.rule] : null;
    if (!rule) fail(`${where}: rule ${r.rule} is not in "rules"`);
    if (typeof r.status !== 'string') fail(`${where}: no status`);
    const resource = at(resources, r.resource, `${where}: its resource`);
    const text = (index, what) => fill(at(texts, index, `${where}: ${what}`), resource, where);
    const list = (value, what) => {
      if (!Array.isArray(value)) fail(`${where}: no ${what}`);
      return value;
    };
    const steps = (value, what) => list(value, what).map((s) => ({
      title: text(s.title, "a step's title"),
      code: text(s.code, "a step's code"),
      language: s.language,
      location: s.location === undefined ? null : place(files, s.location, where),
    }));
    let remediation = null;
    if (r.remediation !== undefined) {
      const m = at(remediations, r.remediation, `${where}: its remediation`);
      remediation = {
        summary: text(m.summary, "a remediation's summary"),
        steps: steps(m.steps, 'steps'),
        warnings: list(m.warnings, 'warnings').map((w) => text(w, 'a warning')),
        verify: steps(m.verify, 'verify'),
      };
    }
    return {
      rule: r.rule,
      name: r.name ?? rule.name,
      status: r.status,
      severity: r.severity ?? rule.severity,
      message: text(r.message, 'its message'),
      resource: { kind: resource.kind, name: resource.name, cluster: resource.cluster ?? null, address: resource.address },
      location: place(files, r.location, where),
      remediation,
      suppression: r.suppression ?? null,
    };
  });
  return {
    version: 1,
    passing_listed: report.passing_listed,
    inputs: report.inputs,
    results,
    waivers: report.waivers,
    headline: report.headline,
    summary: report.summary,
  };
}
