import { App, Testing } from 'cdk8s';
import { ALERTMANAGER_TEMPLATE, goTemplateError, PROMETHEUS_TEMPLATE } from '../../src/common/go-template';
import { re2Error } from '../../src/common/re2';
import { regexProblems, templateProblems } from '../../src/common/validation';
import { formatProblem } from '../../src/common/errors';
import { Receiver } from '../../src/components/alertmanager';
import { ObservabilityStack } from '../../src/stack';
import { promtool, writeTree } from '../helpers/tools';

/**
 * The synth-time grammars against the program that reads the strings: every pattern and template below is written
 * into its own rule file and checked by the real `promtool check rules` of the deployed Prometheus, which compiles
 * label-matcher regexes with Go's regexp and parses alert annotations with text/template and Prometheus' functions.
 * Our parsers must accept exactly what promtool accepts, and for regexes name the same error as Go.
 */

/** Patterns as PromQL label-matcher values (raw strings, so no PromQL escaping), valid and invalid in RE2. */
const PATTERNS = [
  // valid
  '5..', '5..|429', 'api|web', '(?i)error', '(?i:abc)def', '(?s).*', '(?U)a+', '(?-i:a)', '(?im-s:a)', '(?P<name>x)', '(?<name>x)',
  '(?P<n>a)(?P<n>b)', '\\pL', '\\p{Greek}', '\\PL', '\\p{^Lu}', '\\P{Han}', '[[:alpha:]]', '[[:^digit:]x]', '[]a]', '[^]a]', '[a-]', '[-a]',
  '\\d+\\.\\d+', '\\Q*+?\\E', '\\Qunterminated', 'a{2}', 'a{2,}', 'a{2,5}', 'a{,5}', 'x{', 'a{1000}', 'a*?', 'a+?', 'a??', '^*', '\\z', '\\A',
  '\\b\\B', '\\x41', '\\x{263a}', '\\0', '\\012', '\\_', '\\-', '\\.', '[\\d\\s]', '[\\p{Greek}a]', '.*', '', 'a|', '()', '(|)', 'é+',
  '[\\-a]', '[a\\]]', '\\{', 'a{01}', '{', '}', ']', '(?:)', '\\pN',
  // invalid
  'a**', 'a++', 'a*??', 'a{2}{3}', '*a', '+', '?', 'a|*', '(*)', '(?=a)', '(?!a)', '(?<=a)b', '(?<!a)b', '(?P=n)', '(?P>n)', "(?'n'a)",
  '(?#comment)', '(?x)a', '(?i', '(?-)', '(?i-:a)', '(?P<>a)', '(?P<a-b>x)', '(a', '((a)', 'a)', '\\1', '(a)\\1', '\\8', '\\e', '\\C', '\\Z',
  '\\G', '\\k<n>', '\\h', '[z-a]', '[[:foo:]]', '[a', '[^]', '[]', '\\p{Foo}', '\\p{', '\\pX', '[\\b]', '[a-\\d]', '\\x4', '\\x{}',
  '\\x{110000}', 'a{1001}', 'a{2,1}', 'a{1001,}', '\\', 'a\\', '\\é',
];

/** Templates as alert annotations (Prometheus defines $labels, $value, $externalLabels, $externalURL first). */
const TEMPLATES = [
  // valid
  'plain text', '{{ $labels.service }}', '{{ $value | humanizePercentage }}', '{{ $value | humanize }} on {{ $labels.instance }}',
  '{{ if gt $value 1.0 }}high{{ else }}low{{ end }}', '{{ if eq $labels.severity "critical" }}!{{ else if eq $labels.severity "warning" }}?{{ end }}',
  '{{ with $labels.team }}{{ . }}{{ end }}', '{{ range $i, $e := (query "up") }}{{ $i }}{{ break }}{{ end }}', '{{ range query "up" }}{{ .Labels.job }}{{ continue }}{{ end }}',
  '{{ index $labels "my-label" }}', '{{ printf "%.2f" $value }}', '{{- $value -}}', '{{/* a comment */}}x', '{{- /* trimmed */ -}}x',
  '{{ $x := 1 }}{{ $x }}', '{{ $x := 1 }}{{ $x = 2 }}{{ $x }}', '{{ (first (query "up")).Value }}', '{{ define "t" }}x{{ end }}{{ template "t" . }}',
  '{{ block "b" . }}x{{ end }}', '{{ humanizeDuration 3600 }}', '{{ `raw {{ string` }}', "{{ 'a' }}", '{{ 1e3 }}', '{{ 0x1F }}', '{{ -3 }}', '{{ true }}',
  '{{ $externalURL }}', '{{ $externalLabels.cluster }}', '{{ toUpper "x" | toLower }}', '{{ reReplaceAll "a" "b" $labels.x }}', '{{ .Labels.service }}',
  '{{ stripPort $labels.instance }}', '{{ "esc \\" \\n \\t \\\\ \\u00e9" }}', '{{ with $x := 1 }}{{ $x }}{{ else }}{{ $x }}{{ end }}',
  // invalid
  '{{ $labels.service', '{{ humanise $value }}', '{{ if }}x{{ end }}', '{{ end }}', '{{ else }}', '{{ if 1 }}x', '{{ $x }}', '{{ $labels["service"] }}',
  '{{ $labels.my-label }}', '{{ "unterminated }}', '{{ `unterminated }}', '{{/* unclosed }}', '{{/* c */ x }}', '{{ 3 | }}', '{{ | 3 }}', '{{ ( }}',
  '{{ ) }}', '{{ }}', '{{ break }}', '{{ continue }}', '{{ if 1 }}a{{ else }}b{{ else }}c{{ end }}', '{{ nil }}', '{{ $x = 1 }}', '{{ define "a" }}',
  '{{ template x }}', '{{ : }}', '{{ 1.2.3 }}', "{{ 'ab' }}", '{{ "bad \\q escape" }}', '{{ if 1 }}{{ define "x" }}{{ end }}{{ end }}',
];

function ruleFile(expr: string, summary = 'x'): string {
  const quote = (s: string): string => JSON.stringify(s);
  return ['groups:', '- name: g', '  rules:', '  - alert: A', `    expr: ${quote(expr)}`, '    annotations:', `      summary: ${quote(summary)}`, ''].join('\n');
}

/** Runs promtool once over one rule file per input; returns, per input, promtool's error (or undefined when it passed). */
function promtoolVerdicts(files: string[]): (string | undefined)[] {
  const tree = Object.fromEntries(files.map((content, i) => [`case-${i}.yml`, content]));
  const dir = writeTree(tree, 'obs-grammar-');
  const r = promtool(['check', 'rules', ...Object.keys(tree)], dir);
  const errors = new Map<number, string>();
  for (const m of r.output.matchAll(/^case-(\d+)\.yml: (.*)$/gm)) errors.set(Number(m[1]), m[2]);
  return files.map((_, i) => errors.get(i));
}

describe('RE2 regular expressions, against Go regexp as promtool compiles them', () => {
  const verdicts = promtoolVerdicts(PATTERNS.map((p) => ruleFile(`up{job=~\`${p}\`}`)));

  test.each(PATTERNS.map((p, i) => [p, i]))('%j: same verdict and error as Go', (pattern, i) => {
    const go = verdicts[i as number];
    const ours = re2Error(pattern as string);
    const goError = go ? /error parsing regexp: ([^:]+): `/.exec(go)?.[1] : undefined;
    expect({ pattern, error: ours?.error }).toEqual({ pattern, error: goError });
    // Go quotes the offending text; a missing ) it reports on the whole (anchored) expression.
    const goText = go ? /: `(.*)`$/.exec(go)?.[1] : undefined;
    if (ours && goText !== undefined && !goText.startsWith('^(?s:')) expect(ours.text).toBe(goText);
  });

  test('the messages name the character, the offending text and what RE2 offers instead', () => {
    expect(regexProblems('(?!x).*', 'p.errorStatus').map(formatProblem)).toEqual([
      'p.errorStatus: is not a regular expression Prometheus accepts (RE2): invalid or unsupported Perl syntax at character 1 ("(?!") (got "(?!x).*"). Fix: RE2 has no lookahead: match the text itself, or use a negative matcher (!~) for what must not match.',
    ]);
    expect(regexProblems('5..|(4', 'p.errorStatus').map(formatProblem)).toEqual([
      'p.errorStatus: is not a regular expression Prometheus accepts (RE2): missing closing ) at character 5 (got "5..|(4"). Fix: close the group that starts here, or escape the ( as \\(.',
    ]);
    expect(regexProblems('(5)\\1', 'p', { reader: 'Loki' })[0].message).toBe('is not a regular expression Loki accepts (RE2): invalid escape sequence at character 4 ("\\\\1")');
  });
});

describe('Go templates, against text/template as promtool parses alert annotations', () => {
  const verdicts = promtoolVerdicts(TEMPLATES.map((t) => ruleFile('up == 0', t)));

  test.each(TEMPLATES.map((t, i) => [t, i]))('%j: same verdict as promtool', (template, i) => {
    const ours = goTemplateError(template as string, PROMETHEUS_TEMPLATE);
    expect({ template, valid: ours === undefined, ours: ours?.error }).toMatchObject({ template, valid: verdicts[i as number] === undefined });
  });

  test('undefined functions are named with the dialect: Alertmanager has join and no humanizePercentage', () => {
    expect(goTemplateError('{{ .CommonLabels.Values | join ", " }}', ALERTMANAGER_TEMPLATE)).toBeUndefined();
    expect(goTemplateError('{{ .CommonLabels.Values | join ", " }}', PROMETHEUS_TEMPLATE)?.error).toBe('function "join" not defined');
    expect(goTemplateError('{{ 0.5 | humanizePercentage }}', ALERTMANAGER_TEMPLATE)?.error).toBe('function "humanizePercentage" not defined');
  });

  test('the messages name the character and the fix', () => {
    expect(templateProblems('Queue backlog on {{ $labels.service-name }}', 'r.annotations.summary', PROMETHEUS_TEMPLATE).map(formatProblem)).toEqual([
      'r.annotations.summary: is not a valid Prometheus alert template: bad number syntax: "-name" at character 36 (got "Queue backlog on {{ $labels.service-name }}"). Fix: numbers are Go constants (42, 0.5, 1e3); a label with a dash is read with index: {{ index $labels "my-label" }}.',
    ]);
    expect(templateProblems('{{ humanise $value }}', 'r.annotations.summary', PROMETHEUS_TEMPLATE)[0].message).toBe(
      'is not a valid Prometheus alert template: function "humanise" not defined at character 4',
    );
    expect(templateProblems('no actions at all', 'r', PROMETHEUS_TEMPLATE)).toEqual([]);
  });
});

describe('every string the user gives that an upstream program parses is parsed at synth, through the stack', () => {
  function messageOf(build: (app: App) => unknown): string {
    try {
      const app = Testing.app();
      build(app);
      app.synth();
    } catch (e) {
      return (e as Error).message;
    }
    throw new Error('expected an error');
  }

  test.each<[string, (app: App) => unknown, string]>([
    [
      'an alert annotation template',
      (app) => new ObservabilityStack(app, 'observability').prometheus.addRuleGroup({ name: 'team', rules: [{ alert: 'X', expr: 'up == 0', annotations: { summary: 'down: {{ $labels.instance' } }] }),
      'observability/Prometheus.ruleFiles[team.rules.yml].groups[team].rules[0].annotations.summary: is not a valid Prometheus alert template: unclosed action at character 7 (got "down: {{ $labels.instance"). Fix: close the action with }}.',
    ],
    [
      'an error-status regex with a lookahead',
      (app) => new ObservabilityStack(app, 'observability', { services: [{ name: 'shop', slos: [{ name: 'errors', objective: 99.9, sli: { kind: 'error-rate', errorStatus: '5(?!04)..' } }] }] }),
      'observability/Slos.services.shop.slos.errors.sli.errorStatus: is not a regular expression Prometheus accepts (RE2): invalid or unsupported Perl syntax at character 2 ("(?!") (got "5(?!04).."). Fix: RE2 has no lookahead: match the text itself, or use a negative matcher (!~) for what must not match.',
    ],
    [
      'a relabeling regex',
      (app) =>
        new ObservabilityStack(app, 'observability').prometheus.addScrapeConfig({ jobName: 'x', staticConfigs: [{ targets: ['a:1'] }], relabelConfigs: [{ sourceLabels: ['__address__'], regex: '(.*' }] }),
      'observability/Prometheus.scrapeConfigs[7].relabelConfigs[0].regex: is not a regular expression Prometheus accepts (RE2): missing closing ) at character 1 (got "(.*"). Fix: close the group that starts here, or escape the ( as \\(.',
    ],
    [
      'a Slack title template with an Alertmanager function it does not have',
      (app) =>
        new ObservabilityStack(app, 'observability').alertmanager!.addReceiver(
          Receiver.slack('team', { channel: '#team', apiUrlSecretKey: 'team-slack', title: '{{ .CommonLabels.alertname | humanize }}' }),
        ),
      'observability/Alertmanager.receivers["team"].title: is not a valid Alertmanager notification template: function "humanize" not defined at character 30 (got "{{ .CommonLabels.alertname | humanize }}"). Fix: Alertmanager notification templates have toUpper, toLower, title, trimSpace, join, match, safeHtml, reReplaceAll, stringSlice, date, tz, since, humanizeDuration and Go\'s builtins.',
    ],
  ])('%s', (_what, build, expected) => {
    expect(messageOf(build)).toBe(expected);
  });
});
