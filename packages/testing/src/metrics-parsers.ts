// The Prometheus project's own Python client parses our metrics text in the tests: its OpenMetrics
// parser is strict (it refuses a counter family named with `_total`, a missing `# EOF`, a UNIT
// that the name does not end in), and its Prometheus text parser is the reference for the older
// format. Installed once into .cache/python from the Python package index pip is set up with.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const target = join(root, '.cache/python');

export interface ParsedFamily {
  name: string;
  type: string;
  unit: string;
  documentation: string;
  samples: { name: string; labels: Record<string, string>; value: number }[];
}

/** Installs the parsers if they are not yet (parseMetricsText does too, on first use). */
export function ensureParsers(): void {
  if (existsSync(join(target, 'prometheus_client'))) return;
  mkdirSync(target, { recursive: true });
  try {
    execFileSync(
      'python3',
      [
        '-m',
        'pip',
        'install',
        '--quiet',
        '--disable-pip-version-check',
        '--target',
        target,
        'prometheus_client',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
  } catch (err) {
    throw new Error(
      `could not install the Prometheus Python client (python3 -m pip install prometheus_client): ${(err as { stderr?: Buffer }).stderr?.toString() ?? err}`,
    );
  }
}

const SCRIPT = `
import json, sys
from prometheus_client.openmetrics.parser import text_string_to_metric_families as openmetrics
from prometheus_client.parser import text_string_to_metric_families as prometheus
parse = openmetrics if sys.argv[1] == 'openmetrics' else prometheus
try:
    families = [
        {'name': f.name, 'type': f.type, 'unit': f.unit, 'documentation': f.documentation,
         'samples': [{'name': s.name, 'labels': s.labels, 'value': s.value} for s in f.samples]}
        for f in parse(sys.stdin.read())
    ]
except Exception as e:
    print(json.dumps({'error': str(e)}))
else:
    print(json.dumps({'families': families}))
`;

/** Parses `text` with the reference parser of `format`; throws with the parser's words if it refuses. */
export function parseMetricsText(
  text: string,
  format: 'openmetrics' | 'prometheus',
): ParsedFamily[] {
  ensureParsers();
  const out = execFileSync('python3', ['-c', SCRIPT, format], {
    input: text,
    encoding: 'utf8',
    env: { ...process.env, PYTHONPATH: target },
    maxBuffer: 64 << 20,
  });
  const result = JSON.parse(out) as { families?: ParsedFamily[]; error?: string };
  if (result.error !== undefined)
    throw new Error(`the ${format} parser refused the text: ${result.error}`);
  return result.families ?? [];
}
