// Type declarations for what gkecheck gives a page: the report (version 1, the same JSON the
// command line prints with --output-format json), its compact version 2 (--report-version 2)
// and report-v2.js, which reads it back into version 1, the engine client's functions, and the
// <gke-check> element. For editors and type checkers only; no browser loads this file.
// `tests/browser/types.test.mjs` checks real reports against these declarations.

export type Status = 'fail' | 'unknown' | 'suppressed' | 'pass';
export type Severity = 'critical' | 'high' | 'medium' | 'low';
export type InputFormat =
  | 'gcloud-json' | 'gcloud-yaml' | 'terminal' | 'terraform' | 'terraform-plan'
  | 'terraform-vars' | 'terraform-modules' | 'unknown';

/** A range in one input: 1-based lines and columns (in characters), UTF-16 offsets. */
export interface Location {
  input: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  offset: number;
  endOffset: number;
}

/** A message about a place in an input. */
export interface InputMessage {
  message: string;
  line: number;
  column: number;
  /** UTF-16 offset from the start of the input. */
  offset: number;
}

export interface InputReport {
  name: string;
  format: InputFormat;
  /** Why reading stopped, and where. */
  error: InputMessage | null;
  /** What was skipped or repaired while reading. */
  notes: InputMessage[];
}

export interface Resource {
  kind: 'cluster' | 'node-pool';
  name: string;
  /** The cluster's name, for a node pool (when known). */
  cluster: string | null;
  address: string;
}

export interface Step {
  title: string;
  code: string;
  language: 'shell' | 'hcl';
  /** For Terraform: where in the input the code goes. */
  location: Location | null;
}

export interface Remediation {
  summary: string;
  steps: Step[];
  warnings: string[];
  /** How to confirm the fix took effect. */
  verify: Step[];
}

export interface Suppression {
  source: string;
  reason: string;
  until: string | null;
  location: Location | null;
}

export interface Finding {
  /** GKE001 ... */
  rule: string;
  /** The rule's name, e.g. workload-metadata-not-hardened. */
  name: string;
  status: Status;
  severity: Severity;
  message: string;
  resource: Resource;
  location: Location;
  /** For failing and unknown results. */
  remediation: Remediation | null;
  /**
   * Present (true) only in a report made with `{"remediation": "on-request"}`: this result has
   * a remediation, left out of the report.
   */
  remediation_on_request?: true;
  suppression: Suppression | null;
}

export interface WaiverReport {
  source: string;
  rules: string[];
  reason: string;
  until: string | null;
  resource: string | null;
  location: Location | null;
  used: boolean;
  expired: boolean;
  problem: string | null;
}

/** The workload-metadata answer for one cluster (or the pools whose cluster is not in the input). */
export interface Headline {
  cluster: string | null;
  autopilot: boolean;
  pools_total: number;
  pools_protected: number;
  pools_exposed: string[];
  pools_unknown: string[];
  /** Passing results of the cluster and its pools, whether or not `results` lists them. */
  passing: number;
  text: string;
}

export interface BySeverity {
  critical: number;
  high: number;
  medium: number;
  low: number;
}

export interface Summary {
  fail: number;
  pass: number;
  unknown: number;
  suppressed: number;
  /** Inputs that could not be read or parsed. */
  errors: number;
  failing: BySeverity;
}

export interface Report {
  version: 1;
  /** Whether `results` lists the passing results; when false they are only counted. */
  passing_listed: boolean;
  inputs: InputReport[];
  /** Ranked: failing, unknown, suppressed, passing; then by severity, rule and place. */
  results: Finding[];
  waivers: WaiverReport[];
  headline: Headline[];
  summary: Summary;
}

/** Version 2's place in a file: [file (an index into `files`), line, column, endLine,
 * endColumn, offset, endOffset]. */
export type PlaceV2 = [number, number, number, number, number, number, number];

/** Version 2's resource: version 1's, with the project and location of an address
 * `projects/P/locations/L/...`. */
export interface ResourceV2 {
  kind: 'cluster' | 'node-pool';
  name: string;
  cluster?: string;
  address: string;
  project?: string;
  location?: string;
}

export interface StepV2 {
  /** Indexes into `texts`. */
  title: number;
  code: number;
  language: 'shell' | 'hcl';
  location?: PlaceV2;
}

export interface RemediationV2 {
  summary: number;
  steps: StepV2[];
  warnings: number[];
  verify: StepV2[];
}

export interface FindingV2 {
  rule: string;
  status: Status;
  /** Only where they are not the rule's (as `rules` gives them). */
  name?: string;
  severity?: Severity;
  /** Indexes into `resources`, `texts` and `remediations`. */
  resource: number;
  message: number;
  location: PlaceV2;
  remediation?: number;
  suppression?: Suppression;
}

/** The compact report, `gkecheck check --format json --report-version 2` (README, "The JSON
 * report, version 2"). Texts are templates of their result's resource: `{name}`, `{cluster}`,
 * `{project}`, `{location}`, `{address}`, and `{{` for `{`. */
export interface ReportV2 {
  version: 2;
  headline: Headline[];
  summary: Summary;
  passing_listed: boolean;
  inputs: InputReport[];
  files: string[];
  rules: Record<string, { name: string; severity: Severity }>;
  resources: ResourceV2[];
  texts: string[];
  remediations: RemediationV2[];
  /** Failing, unknown and waived results, in version 1's order. */
  results: FindingV2[];
  /** The passing results that follow them: [rule, resource, message, location]. */
  passing: [string, number, number, PlaceV2][];
  waivers: WaiverReport[];
}

/** report-v2.js: version 1 of a version 2 report, value for value; throws an Error that says
 * which part is not version 2's. */
export declare function expandReport(report: ReportV2): Report;

/** One text to check. `format` is `auto` to tell the kind from the name and text. */
export interface Input {
  name: string;
  text: string;
  format: InputFormat | 'auto';
}

/** engine-client.js: checks inputs in the page's engine (a Web Worker where one can start). */
export declare function check(inputs: Input[]): Promise<Report>;
/** engine-client.js: why the engine could not start, in plain words, or null. */
export declare function startFailure(error: unknown): string | null;

/** The <gke-check> element of embed.js. */
export interface GkeCheckElement extends HTMLElement {
  /** The text being checked; setting it checks again. */
  value: string;
  /** The last report (all rules, before the `rules` attribute's filter). */
  readonly report: Report | null;
  addEventListener(type: 'gkecheck-report', listener: (event: CustomEvent<Report>) => void): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject): void;
}

declare global {
  interface HTMLElementTagNameMap {
    'gke-check': GkeCheckElement;
  }
}
